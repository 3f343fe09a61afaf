"""knowledge/ -> a validated SQLite store, written atomically with sqlite-utils."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.store import Store, StoreBroken, StoreUnavailable, write_store

if TYPE_CHECKING:
    import logging

    from bot.build_diff import StoreDiff
    from bot.knowledge import Knowledge, Problem
    from bot.nlu.lexicon import Lexicon

KNOWLEDGE_SUFFIXES = (".yaml", ".yml", ".csv")


def _log() -> logging.Logger:
    # logging, tempfile, YAML and sqlite-utils are imported only when a store is built:
    # a one-shot `senim ask` opens one and must start in well under half a second.
    import logging

    return logging.getLogger(__name__)


class BuildResult(NamedTuple):
    problems: list[Problem]
    counts: dict[str, int]
    # What the build changed against the store it replaced (with check_only: would
    # change); None when knowledge/ has problems, or nothing was compared.
    diff: StoreDiff | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def build(
    knowledge_dir: Path,
    db_path: Path | None,
    *,
    check_only: bool = False,
    compare: bool = True,
) -> BuildResult:
    """Validate knowledge_dir; unless check_only, replace db_path with a fresh store.

    The store is written to a temporary file beside db_path and renamed into
    place only when complete, so readers see the old store or the new one,
    never a half-written one, and a failed build leaves the old store alone.

    compare: the result's diff says what changed against the store replaced (with
    check_only, what a build would change: the store is written to a temporary
    directory, compared and deleted; db_path is never touched).
    """
    from bot.knowledge import load_knowledge  # YAML: only a build pays for it

    kb, problems = load_knowledge(knowledge_dir)
    counts = _counts(kb)
    if problems or db_path is None:
        return BuildResult(problems, counts)
    if check_only:
        return BuildResult([], counts, _check_diff(kb, knowledge_dir, db_path) if compare else None)
    import tempfile

    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(
        prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent
    )
    os.close(handle)
    tmp = Path(tmp_name)
    diff = None
    try:
        _write(tmp, kb, knowledge_dir)
        if compare:
            from bot.build_diff import compare_stores

            diff = compare_stores(db_path, tmp)
        os.replace(tmp, db_path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return BuildResult([], counts, diff)


def _write(path: Path, kb: Knowledge, knowledge_dir: Path) -> None:
    meta = {
        "lexicon_snapshot": _lexicon_snapshot(kb),
        "questionnaire": json.dumps(kb.questionnaire),
    }
    write_store(path, kb, knowledge_dir, meta)


def _check_diff(kb: Knowledge, knowledge_dir: Path, db_path: Path) -> StoreDiff:
    """What a build would change, from a store written to a temporary directory."""
    import tempfile

    from bot.build_diff import StoreDiff, compare_stores

    if not db_path.exists():  # nothing to compare with: no need to write anything
        return StoreDiff(db_path, "first")
    with tempfile.TemporaryDirectory(prefix="senim-check-") as folder:
        tmp = Path(folder) / "senim.sqlite3"
        try:
            _write(tmp, kb, knowledge_dir)
        except OSError as error:
            reason = f"no store could be written to compare with ({error.strerror or error})"
            return StoreDiff(db_path, "not_compared", reason)
        return compare_stores(db_path, tmp)


def _counts(kb: Knowledge) -> dict[str, int]:
    counts: dict[str, int] = {}
    for observation in kb.observations:
        counts[observation.topic] = counts.get(observation.topic, 0) + 1
    return counts


def _lexicon_snapshot(kb: Knowledge) -> str:
    """The lexicon compiled once here, so every later start-up just loads it."""
    from bot.nlu.lexicon import Lexicon

    rows = [(r["concept"], r["lang"], r["form"]) for r in kb.lexicon]
    ordered = sorted(kb.morphology, key=lambda m: (m["lang"], m["slot"], m.get("position", 0)))
    morphology = [(m["lang"], m["slot"], m["suffix"], m["after"]) for m in ordered]
    return Lexicon(rows, morphology).snapshot()


# -- the store a process answers from -----------------------------------------------------


def newest_knowledge_mtime(knowledge_dir: Path) -> float:
    """Latest change under knowledge/, directories included so deletions count."""
    newest = knowledge_dir.stat().st_mtime
    for folder, _dirs, files in os.walk(knowledge_dir):
        newest = max(newest, os.stat(folder).st_mtime)
        for name in files:
            if name.endswith(KNOWLEDGE_SUFFIXES):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest


def open_store(knowledge_dir: Path, db_path: Path) -> tuple[Store, Lexicon]:
    """The store to answer from, and its compiled lexicon, checked on open.

    Missing or older than knowledge/: built first. Unusable (empty, truncated, not
    SQLite, another schema, a garbled lexicon): rebuilt from knowledge/ when that is
    valid. A stale store whose knowledge/ no longer validates stays in use (with a
    warning): a typo in a data file must not take the bot down. Anything else is
    StoreUnavailable, whose message is one line.
    """
    if _stale(knowledge_dir, db_path):
        _rebuild(knowledge_dir, db_path, reason="out of date" if db_path.exists() else "missing")
    try:
        return _checked(db_path)
    except StoreBroken as broken:
        _log().info("the store at %s is unusable (%s); rebuilding it", db_path, broken)
        _rebuild(knowledge_dir, db_path, reason=f"unusable ({broken})", replace_broken=True)
    try:
        return _checked(db_path)
    except StoreBroken as broken:  # rebuilt, and still unusable: a bug, not a data problem
        raise StoreUnavailable(f"the store at {db_path} is unusable: {broken}") from None


def _stale(knowledge_dir: Path, db_path: Path) -> bool:
    if not db_path.exists():
        return True
    return knowledge_dir.is_dir() and db_path.stat().st_mtime < newest_knowledge_mtime(
        knowledge_dir
    )


def _checked(db_path: Path) -> tuple[Store, Lexicon]:
    from bot.nlu.lexicon import Lexicon, SnapshotError
    from bot.questionnaire import Questionnaire

    store = Store(db_path)
    try:
        lexicon = Lexicon.from_snapshot(store.meta("lexicon_snapshot") or "")
    except SnapshotError as error:
        store.close()
        raise StoreBroken(f"its lexicon snapshot is unreadable ({error})") from None
    try:
        Questionnaire.from_json(store.meta("questionnaire") or "")
    except (ValueError, KeyError, TypeError, IndexError) as error:
        store.close()
        raise StoreBroken(f"its questionnaire is unreadable ({type(error).__name__})") from None
    return store, lexicon


def _rebuild(
    knowledge_dir: Path, db_path: Path, *, reason: str, replace_broken: bool = False
) -> None:
    """Build the store in place; keep a usable old one when knowledge/ cannot build."""
    usable_old = db_path.exists() and not replace_broken
    try:
        result = build(knowledge_dir, db_path, compare=False)  # no one reads a diff here
    except OSError as error:  # e.g. a read-only install: serve the store that is there
        if usable_old:
            _log().warning("could not rebuild the store (%s); using the previous one", error)
            return
        raise StoreUnavailable(
            f"the store at {db_path} is {reason}, and it cannot be written: "
            f"{error.strerror or error}"
        ) from None
    if result.ok:
        _log().info("built the store at %s (%s)", db_path, reason)
        return
    problems = [str(p) for p in result.problems]
    if usable_old:
        _log().warning("knowledge/ has %d problem(s); using the previous store", len(problems))
        return
    raise StoreUnavailable(
        f"the store at {db_path} is {reason}, and {knowledge_dir} does not build "
        f"({len(problems)} problem(s); run senim build for the list)",
        problems,
    )
