"""Settings from the environment, resolved once and frozen."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "knowledge"
# Next to the knowledge it is built from, so two checkouts never share a store.
DEFAULT_DB = PROJECT_ROOT / "var" / "senim.sqlite3"
DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_BOT_USERNAME = "SenimStatBot"


@dataclass(frozen=True, slots=True)
class Settings:
    knowledge_dir: Path
    db_path: Path
    token: str | None
    api_url: str
    bot_username: str
    state_dir: Path
    log_level: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        db_path = Path(env.get("SENIM_DB") or DEFAULT_DB)
        return cls(
            knowledge_dir=Path(env.get("SENIM_KNOWLEDGE") or DEFAULT_KNOWLEDGE),
            db_path=db_path,
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_url=env.get("TELEGRAM_API_URL") or DEFAULT_API_URL,
            bot_username=env.get("SENIM_BOT_USERNAME") or DEFAULT_BOT_USERNAME,
            state_dir=Path(env.get("SENIM_STATE_DIR") or db_path.parent / "state"),
            log_level=(env.get("SENIM_LOG_LEVEL") or "INFO").upper(),
        )
