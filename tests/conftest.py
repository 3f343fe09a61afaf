"""Shared fixtures: real copies of knowledge/ and real SQLite stores in tmp dirs.

The figures are frozen (tests/fixtures/figures: two waves); everything else of
knowledge/ (lexicon, questionnaire, names) is the live one. SENIM_LIVE_KNOWLEDGE
points the tests at another knowledge directory (tests/test_live_knowledge.py uses
it to check that a new wave breaks no test).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.build import build
from bot.config import DEFAULT_KNOWLEDGE
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
FIGURES = Path(__file__).resolve().parent / "fixtures" / "figures"
# The figures once the October–November 2024 wave landed (issue 11): three waves
FIGURES_2024_10 = Path(__file__).resolve().parent / "fixtures" / "figures_2024_10"
FROZEN = ("sources.yaml", "waves.yaml", "observations", "notes.yaml")
LIVE_KNOWLEDGE = Path(os.environ.get("SENIM_LIVE_KNOWLEDGE") or DEFAULT_KNOWLEDGE)


def frozen_knowledge(target: Path, figures: Path = FIGURES) -> Path:
    """The live knowledge/ with the frozen figures, copied to target (editable)."""
    shutil.copytree(LIVE_KNOWLEDGE, target)
    for name in FROZEN:
        path = target / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        source = figures / name
        if source.is_dir():
            shutil.copytree(source, path)
        else:
            shutil.copy2(source, path)
    return target


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private, editable copy of the test knowledge (frozen figures)."""
    return frozen_knowledge(tmp_path / "knowledge")


@pytest.fixture(scope="session")
def frozen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return frozen_knowledge(tmp_path_factory.mktemp("frozen") / "knowledge")


@pytest.fixture(scope="session")
def store_path(frozen_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "senim.sqlite3"
    result = build(frozen_dir, path)
    assert result.ok, result.problems
    return path


@pytest.fixture(scope="session")
def store(store_path: Path) -> Store:
    return Store(store_path)


@pytest.fixture(scope="session")
def store3_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the three waves frozen once 2024-10 landed (tests/fixtures/README.md)."""
    knowledge = frozen_knowledge(
        tmp_path_factory.mktemp("frozen3") / "knowledge", figures=FIGURES_2024_10
    )
    path = tmp_path_factory.mktemp("store3") / "senim.sqlite3"
    result = build(knowledge, path)
    assert result.ok, result.problems
    return path


@pytest.fixture(scope="session")
def engine3(store3_path: Path):
    from bot.engine import Engine

    store = Store(store3_path)
    return Engine(store, lexicon_of(store), "SenimTestBot")


def lexicon_of(store: Store):
    from bot.nlu.lexicon import Lexicon

    return Lexicon.from_snapshot(store.meta("lexicon_snapshot") or "")


@pytest.fixture(scope="session")
def engine(store: Store):
    from bot.engine import Engine

    return Engine(store, lexicon_of(store), "SenimTestBot")


def senim_env(store_path: Path, **extra: str) -> dict[str, str]:
    """Environment for running the real `senim` on a test store, nothing else. The store
    is never rebuilt from the live knowledge/: SENIM_KNOWLEDGE points at a directory
    that does not exist, unless a test passes its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "TELEGRAM_"))}
    env.update(
        {
            "SENIM_DB": str(store_path),
            "SENIM_BOT_USERNAME": "SenimTestBot",
            "SENIM_KNOWLEDGE": str(store_path.parent / "no-knowledge-here"),
            **extra,
        }
    )
    return env
