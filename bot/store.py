"""The only module that speaks SQL: the store, opened read-only at run time."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from bot.domain import Source, Wave
from bot.model import Figure

# Bumped whenever the tables change: a store written by another version is rebuilt.
SCHEMA_VERSION = 3
TABLES = frozenset(
    {
        "sources", "waves", "scales", "measures", "scale_measures", "topics", "subjects",
        "topic_subjects", "derived_measures", "glossary", "names", "observations",
        "lexicon", "morphology", "meta",
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
