"""knowledge/ -> a validated SQLite store, written atomically with sqlite-utils."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.store import SCHEMA_VERSION, Store, StoreBroken, StoreUnavailable

if TYPE_CHECKING:
    import logging

    from bot.knowledge import Knowledge, Problem
    from bot.nlu.lexicon import Lexicon

KNOWLEDGE_SUFFIXES = (".yaml", ".yml", ".csv")


def _log() -> logging.Logger:
    # logging, tempfile, YAML and sqlite-utils are imported only when a store is built:
    # a one-shot `senim ask` opens one and must start in well under half a second.
    import logging

    return logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildResult:
    problems: list[Problem]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.problems


def build(knowledge_dir: Path, db_path: Path | None, *, check_only: bool = False) -> BuildResult:
    """Validate knowledge_dir; unless check_only, replace db_path with a fresh store.

    The store is written to a temporary file beside db_path and renamed into
    place only when complete, so readers see the old store or the new one,
    never a half-written one, and a failed build leaves the old store alone.
    """
    from bot.knowledge import load_knowledge  # YAML: only a build pays for it

    kb, problems = load_knowledge(knowledge_dir)
    counts = _counts(kb)
    if problems or check_only or db_path is None:
        return BuildResult(problems, counts)
    import tempfile

    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(
        prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent
    )
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        _write(kb, tmp, knowledge_dir)
        os.replace(tmp, db_path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return BuildResult([], counts)


def _counts(kb: Knowledge) -> dict[str, int]:
    counts: dict[str, int] = {}
    for observation in kb.observations:
        counts[observation.topic] = counts.get(observation.topic, 0) + 1
    return counts


def _write(kb: Knowledge, path: Path, knowledge_dir: Path) -> None:
    from datetime import UTC, datetime

    import sqlite_utils  # heavy import: only the build pays for it

    db = sqlite_utils.Database(path, recreate=True)
    try:
        db.conn.execute("PRAGMA foreign_keys = ON")
        db.table("sources").insert_all(
            _without_lines(kb.sources), pk="id", not_null={"kind", "published", "url", "title"}
        )
        db.table("waves").insert_all(
            _without_lines(kb.waves),
            pk="id",
            foreign_keys=[("source", "sources", "id")],
            not_null={"fieldwork_start", "fieldwork_end", "released", "source"},
        )
        db.table("scales").insert_all(kb.scales, pk="id")
        db.table("measures").insert_all(
            [{"id": ident, "unit": unit} for ident, unit in kb.measures.items()], pk="id"
        )
        db.table("scale_measures").insert_all(
            kb.scale_measures,
            pk=("scale", "measure"),
            foreign_keys=[("scale", "scales", "id"), ("measure", "measures", "id")],
        )
        db.table("topics").insert_all(kb.topics, pk="id")
        db.table("subjects").insert_all(
            _without_lines(kb.subjects),
            pk="id",
            columns={"scale": str, "position": int},
            foreign_keys=[("scale", "scales", "id")],
        )
        db.table("topic_subjects").insert_all(
            kb.topic_subjects,
            pk=("topic", "subject"),
            columns={"scale": str},
            foreign_keys=[
                ("topic", "topics", "id"),
                ("subject", "subjects", "id"),
                ("scale", "scales", "id"),
            ],
        )
        db.table("derived_measures").insert_all(
            kb.derived, pk="id", foreign_keys=[("topic", "topics", "id")]
        )
        db.table("glossary").insert_all(
            kb.glossary, pk="id", foreign_keys=[("source", "sources", "id")]
        )
        db.table("names").insert_all(
            [
                {"kind": n.kind, "id": n.id, "lang": n.lang, "form": n.form, "text": n.text}
                for n in kb.names
            ],
            pk=("kind", "id", "lang", "form"),
        )
        db.table("observations").insert_all(
            [
                {
                    "topic": o.topic,
                    "subject": o.subject,
                    "measure": o.measure,
                    "wave": o.wave,
                    # Exact as published ("66" stays 66, "3.0" stays 3.0); the REAL
                    # column is for ordering, the text for stating the figure.
                    "value": float(o.value),
                    "value_text": str(o.value),
                    "unit": o.unit,
                    "source": o.source,
                    "file": str(Path(o.file).relative_to(knowledge_dir.parent))
                    if Path(o.file).is_relative_to(knowledge_dir.parent)
                    else o.file,
                    "line": o.line,
                }
                for o in kb.observations
            ],
            pk=("topic", "subject", "measure", "wave"),
            not_null={"value", "value_text", "unit", "source"},
            foreign_keys=[
                ("topic", "topics", "id"),
                ("subject", "subjects", "id"),
                ("measure", "measures", "id"),
                ("wave", "waves", "id"),
                ("source", "sources", "id"),
            ],
        )
        db.table("lexicon").insert_all(kb.lexicon, pk=("concept", "lang", "form"), replace=True)
        db.table("morphology").insert_all(
            kb.morphology, columns={"position": int}, pk=("lang", "slot", "suffix"), replace=True
        )
        # The lookups the bot makes: by wave (rankings, overviews) and by
        # subject across waves (changes); the primary key covers the rest.
        db.table("observations").create_index(["topic", "wave", "measure"])
        db.table("observations").create_index(["topic", "subject", "measure"])
        db.table("names").create_index(["lang", "kind"])
        db.table("meta").insert_all(
            [
                {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                {"key": "built_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
                {"key": "knowledge_dir", "value": str(knowledge_dir)},
                {"key": "lexicon_snapshot", "value": _lexicon_snapshot(kb)},
                {"key": "questionnaire", "value": json.dumps(kb.questionnaire)},
            ],
            pk="key",
        )
        violations = db.conn.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise RuntimeError(f"foreign key violations in the new store: {violations[:5]}")
        db.conn.commit()
    finally:
        db.conn.close()


def _without_lines(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records as the store keeps them: the knowledge file line is for messages only."""
    return [{k: v for k, v in record.items() if k != "line"} for record in records]


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
        result = build(knowledge_dir, db_path)
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
