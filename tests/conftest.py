"""Shared fixtures: real copies of knowledge/ and real SQLite stores in tmp dirs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.build import build
from bot.config import DEFAULT_KNOWLEDGE
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private, editable copy of the real knowledge/."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, target)
    return target


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "senim.sqlite3"
    result = build(DEFAULT_KNOWLEDGE, path)
    assert result.ok, result.problems
    return path


@pytest.fixture(scope="session")
def store(store_path: Path) -> Store:
    return Store(store_path)


def lexicon_of(store: Store):
    from bot.nlu.lexicon import Lexicon

    return Lexicon.from_snapshot(store.meta("lexicon_snapshot") or "")


@pytest.fixture(scope="session")
def engine(store: Store):
    from bot.engine import Engine

    return Engine(store, lexicon_of(store), "SenimTestBot")


def senim_env(store_path: Path, **extra: str) -> dict[str, str]:
    """Environment for running the real `senim` on a test store, nothing else."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "TELEGRAM_"))}
    env.update({"SENIM_DB": str(store_path), "SENIM_BOT_USERNAME": "SenimTestBot", **extra})
    return env
