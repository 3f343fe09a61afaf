"""Settings from the environment, resolved once and frozen; where the data lives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# A checkout (or `pip install -e`) reads knowledge/ and locales/ where they are edited; a
# `pip install .` carries copies inside the package (pyproject: force-include).
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "knowledge").is_dir()
DATA_DIR = PROJECT_ROOT if IN_CHECKOUT else PACKAGE_DIR / "data"
DEFAULT_KNOWLEDGE = DATA_DIR / "knowledge"
LOCALES_DIR = DATA_DIR / "locales"


def _default_db() -> Path:
    """Next to the knowledge it is built from (two checkouts never share a store); for an
    installed package, in the user's cache (site-packages may not be writable)."""
    if IN_CHECKOUT:
        return PROJECT_ROOT / "var" / "senim.sqlite3"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "senim" / "senim.sqlite3"


DEFAULT_DB = _default_db()
DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_BOT_USERNAME = "SenimStatBot"


class Settings(NamedTuple):
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
