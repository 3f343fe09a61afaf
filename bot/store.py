"""The only module that speaks SQL: the store, written once by `senim build`
(write_store) and opened read-only at run time (Store)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.domain import Note, Source, Wave
from bot.model import Figure

if TYPE_CHECKING:
    from bot.knowledge import Knowledge

# Bumped whenever the tables change: a store written by another version is rebuilt.
SCHEMA_VERSION = 4
TABLES = frozenset(
    {
        "sources", "waves", "scales", "measures", "scale_measures", "topics", "subjects",
        "topic_subjects", "derived_measures", "glossary", "names", "observations",
        "lexicon", "morphology", "meta", "unpublished", "notes",
    }
)  # fmt: skip


class StoreUnavailable(Exception):
    """No usable store: it is missing or broken, and knowledge/ does not build."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class StoreBroken(Exception):
    """The file at the store's path is not a usable store (the message says why)."""


class Store:
    """Read-only access to the published indicators."""

    def __init__(self, path: Path) -> None:
        """Open a store read-only and check it; StoreBroken says what is wrong with it."""
        if not path.is_file():
            raise StoreBroken("it is not a file")
        # mode=ro: the bot can never modify what it reports from.
        try:
            self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreBroken(f"it cannot be opened ({error})") from None
        self.path = path
        try:
            self._check()
        except BaseException:
            self._conn.close()
            raise

    def _check(self) -> None:
        """A whole store of the schema this code reads, or StoreBroken. The store is small
        (well under a megabyte), so quick_check reads all of it in a few milliseconds."""
        try:
            verdict = self._rows("PRAGMA quick_check")
            if [row[0] for row in verdict] != ["ok"]:
                raise StoreBroken("it is damaged (SQLite's quick_check failed)")
            tables = {row[0] for row in self._rows("SELECT name FROM sqlite_master")}
            missing = TABLES - tables
            if missing:
                raise StoreBroken(f"it is not a Senim store (no table {min(missing)})")
            version = self.meta("schema_version")
        except sqlite3.Error as error:
            raise StoreBroken(f"it is not a readable SQLite store ({error})") from None
        if version != str(SCHEMA_VERSION):
            raise StoreBroken(f"it has schema version {version}, not {SCHEMA_VERSION}")

    def close(self) -> None:
        self._conn.close()

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    # -- facts ---------------------------------------------------------------

    @lru_cache(maxsize=4096)  # noqa: B019 - the store is read-only for the process's life
    def fact(self, topic: str, subject: str, measure: str, wave: str) -> Figure | None:
        """A published figure, with the knowledge file and line that state it."""
        rows = self._rows(
            f"SELECT {FIGURE_COLUMNS} FROM observations o"
            " WHERE topic = ? AND subject = ? AND measure = ? AND wave = ?",
            (topic, subject, measure, wave),
        )
        return _figure(rows[0]) if rows else None

    def facts(
        self,
        topic: str,
        *,
        subject: str | None = None,
        measure: str | None = None,
        wave: str | None = None,
    ) -> list[Figure]:
        """Published figures of a topic, optionally narrowed; in questionnaire order."""
        rows = self._rows(
            f"SELECT {FIGURE_COLUMNS} FROM observations o"
            " JOIN subjects s ON s.id = o.subject"
            " JOIN waves w ON w.id = o.wave"
            " JOIN topic_subjects ts ON ts.topic = o.topic AND ts.subject = o.subject"
            " LEFT JOIN scale_measures sm ON sm.scale = ts.scale AND sm.measure = o.measure"
            " WHERE o.topic = ? AND (? IS NULL OR o.subject = ?)"
            " AND (? IS NULL OR o.measure = ?) AND (? IS NULL OR o.wave = ?)"
            " ORDER BY w.position, s.position, sm.position",
            (topic, subject, subject, measure, measure, wave, wave),
        )
        return [_figure(row) for row in rows]

    @cache  # noqa: B019 - the store lives as long as the process
    def topic_waves(self, topic: str) -> tuple[str, ...]:
        """Waves that have any figure of the topic, oldest first."""
        rows = self._rows(
            "SELECT DISTINCT o.wave FROM observations o JOIN waves w ON w.id = o.wave"
            " WHERE o.topic = ? ORDER BY w.position",
            (topic,),
        )
        return tuple(row[0] for row in rows)

    @cache  # noqa: B019
    def unpublished(self) -> frozenset[tuple[str, str, str, str]]:
        """(topic, subject, measure, wave) shares the source did not show: not known."""
        rows = self._rows("SELECT topic, subject, measure, wave FROM unpublished")
        return frozenset((row[0], row[1], row[2], row[3]) for row in rows)

    @cache  # noqa: B019
    def notes(self) -> tuple[Note, ...]:
        """Caveats on figures (knowledge/notes.yaml), in file order."""
        rows = self._rows(
            "SELECT note, topic, wave, subject, measure, same_as FROM notes ORDER BY position"
        )
        return tuple(Note(*row) for row in rows)

    # -- reference data ------------------------------------------------------

    @cache  # noqa: B019
    def waves(self) -> tuple[Wave, ...]:
        rows = self._rows(
            "SELECT id, fieldwork_start, fieldwork_end, released, next_release, source, position"
            " FROM waves ORDER BY position"
        )
        return tuple(Wave(*row) for row in rows)

    @cache  # noqa: B019
    def sources(self) -> dict[str, Source]:
        rows = self._rows("SELECT id, kind, published, reports_release, url, title FROM sources")
        return {row[0]: Source(*row) for row in rows}

    @cache  # noqa: B019
    def topics(self) -> tuple[str, ...]:
        return tuple(row[0] for row in self._rows("SELECT id FROM topics ORDER BY position"))

    @cache  # noqa: B019
    def subjects(self, topic: str) -> tuple[str, ...]:
        rows = self._rows(
            "SELECT ts.subject FROM topic_subjects ts JOIN subjects s ON s.id = ts.subject"
            " WHERE ts.topic = ? ORDER BY s.position",
            (topic,),
        )
        return tuple(row[0] for row in rows)

    @cache  # noqa: B019
    def subject_kinds(self) -> dict[str, str]:
        """Subject id -> institution | region | subject (which names table to use)."""
        return {row[0]: row[1] for row in self._rows("SELECT id, kind FROM subjects")}

    @cache  # noqa: B019
    def scale_of(self, topic: str, subject: str) -> str | None:
        rows = self._rows(
            "SELECT scale FROM topic_subjects WHERE topic = ? AND subject = ?", (topic, subject)
        )
        return rows[0][0] if rows else None

    @cache  # noqa: B019
    def scales(self) -> tuple[str, ...]:
        """Answer scales in knowledge order (topics.yaml): confidence wording first."""
        return tuple(row[0] for row in self._rows("SELECT id FROM scales ORDER BY rowid"))

    @cache  # noqa: B019
    def scale_measures(self, scale: str) -> tuple[str, ...]:
        rows = self._rows(
            "SELECT measure FROM scale_measures WHERE scale = ? ORDER BY position", (scale,)
        )
        return tuple(row[0] for row in rows)

    @cache  # noqa: B019
    def derived_measures(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Derived measure id -> (topic, the published measures it sums)."""
        rows = self._rows("SELECT id, topic, sum_of FROM derived_measures ORDER BY position")
        return {row[0]: (row[1], tuple(row[2].split(","))) for row in rows}

    @cache  # noqa: B019
    def glossary_terms(self) -> tuple[tuple[str, str], ...]:
        """(term id, source id) in glossary order."""
        return tuple(
            (row[0], row[1])
            for row in self._rows("SELECT id, source FROM glossary ORDER BY position")
        )

    @cache  # noqa: B019
    def name(self, kind: str, ident: str, lang: str, form: str = "name") -> str | None:
        rows = self._rows(
            "SELECT text FROM names WHERE kind = ? AND id = ? AND lang = ? AND form = ?",
            (kind, ident, lang, form),
        )
        return rows[0][0] if rows else None

    @cache  # noqa: B019
    def first_form(self, concept: str, lang: str) -> str | None:
        """How the lexicon first writes a concept in a language (its display name)."""
        rows = self._rows(
            "SELECT form FROM lexicon WHERE concept = ? AND lang = ? ORDER BY rowid LIMIT 1",
            (concept, lang),
        )
        return rows[0][0].rstrip("*") if rows else None

    def meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def count(self, topic: str | None = None) -> int:
        rows = self._rows(
            "SELECT COUNT(*) FROM observations WHERE ? IS NULL OR topic = ?", (topic, topic)
        )
        return int(rows[0][0])


FIGURE_COLUMNS = (
    "o.topic, o.subject, o.measure, o.wave, o.value_text, o.unit, o.source, o.file, o.line"
)


def _figure(row: tuple[Any, ...]) -> Figure:
    topic, subject, measure, wave, value_text, unit, source, file, line = row
    return Figure(
        topic, subject, measure, wave, Decimal(value_text), unit, source, file=file, line=line
    )


# -- writing (senim build) ------------------------------------------------------------


def write_store(path: Path, kb: Knowledge, knowledge_dir: Path, meta: dict[str, str]) -> None:
    """A new store at path from validated knowledge (bot.build writes it to a temporary
    file and renames it into place). sqlite-utils makes the tables; foreign keys are
    checked before it is committed."""
    from datetime import UTC, datetime

    import sqlite_utils  # heavy import: only the build pays for it

    db = sqlite_utils.Database(path, recreate=True)
    try:
        db.conn.execute("PRAGMA foreign_keys = ON")
        db.table("sources").insert_all(
            # published may be NULL: a release whose date the source does not show
            _without_lines(kb.sources),
            pk="id",
            columns={"published": str, "reports_release": str},
            not_null={"kind", "url", "title"},
        )
        db.table("waves").insert_all(
            _without_lines(kb.waves),
            pk="id",
            foreign_keys=[("source", "sources", "id")],
            columns={"released": str, "next_release": str},
            not_null={"fieldwork_start", "fieldwork_end", "source"},
        )
        db.table("unpublished").create(
            {"topic": str, "subject": str, "measure": str, "wave": str},
            pk=("topic", "subject", "measure", "wave"),
            foreign_keys=[("wave", "waves", "id")],
        )
        db.table("unpublished").insert_all(_without_lines(kb.unpublished))
        db.table("notes").create(
            dict.fromkeys(("note", "topic", "wave", "subject", "measure", "same_as"), str)
            | {"position": int},
            pk=("note", "topic", "wave", "subject", "measure"),
        )
        db.table("notes").insert_all(kb.notes)
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
                *({"key": key, "value": value} for key, value in meta.items()),
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
