"""The only module that speaks SQL: the store, opened read-only at run time."""

from __future__ import annotations

import os
import sqlite3
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from bot.domain import Fact, Source, Wave

KNOWLEDGE_SUFFIXES = (".yaml", ".yml", ".csv")


class StoreUnavailable(Exception):
    """No usable store: it is missing and knowledge/ does not build."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def newest_knowledge_mtime(knowledge_dir: Path) -> float:
    """Latest change under knowledge/, directories included so deletions count."""
    newest = knowledge_dir.stat().st_mtime
    for folder, _dirs, files in os.walk(knowledge_dir):
        newest = max(newest, os.stat(folder).st_mtime)
        for name in files:
            if name.endswith(KNOWLEDGE_SUFFIXES):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest


def ensure_store(knowledge_dir: Path, db_path: Path) -> Path:
    """Build the store when missing or older than knowledge/; return its path.

    A stale store whose knowledge/ no longer validates stays in use (with a
    warning): a typo in a data file must not take the bot down.
    """
    exists = db_path.exists()
    if exists and (
        not knowledge_dir.is_dir()
        or db_path.stat().st_mtime >= newest_knowledge_mtime(knowledge_dir)
    ):
        return db_path
    import logging  # only a (re)build has anything to log

    from bot.build import build  # only pay for YAML and sqlite-utils when building

    log = logging.getLogger(__name__)
    try:
        result = build(knowledge_dir, db_path)
    except OSError as error:  # e.g. a read-only install: serve the store that is there
        if exists:
            log.warning("could not rebuild the store (%s); using the previous one", error)
            return db_path
        raise StoreUnavailable(f"cannot write the store at {db_path}: {error}") from error
    if result.ok:
        log.info("built the store at %s", db_path)
        return db_path
    problems = [str(p) for p in result.problems]
    if exists:
        log.warning("knowledge/ has %d problem(s); using the previous store", len(problems))
        return db_path
    raise StoreUnavailable(f"cannot build the store from {knowledge_dir}", problems)


class Store:
    """Read-only access to the published indicators."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise StoreUnavailable(f"no store at {path}")
        # mode=ro: the bot can never modify what it reports from.
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.path = path

    @classmethod
    def open(cls, knowledge_dir: Path, db_path: Path) -> Store:
        return cls(ensure_store(knowledge_dir, db_path))

    def close(self) -> None:
        self._conn.close()

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    # -- facts ---------------------------------------------------------------

    @lru_cache(maxsize=4096)  # noqa: B019 - the store is read-only for the process's life
    def fact(self, topic: str, subject: str, measure: str, wave: str) -> Fact | None:
        rows = self._rows(
            "SELECT topic, subject, measure, wave, value_text, unit, source FROM observations"
            " WHERE topic = ? AND subject = ? AND measure = ? AND wave = ?",
            (topic, subject, measure, wave),
        )
        return _fact(rows[0]) if rows else None

    def facts(
        self,
        topic: str,
        *,
        subject: str | None = None,
        measure: str | None = None,
        wave: str | None = None,
    ) -> list[Fact]:
        """Facts of a topic, optionally narrowed; in questionnaire order."""
        rows = self._rows(
            "SELECT o.topic, o.subject, o.measure, o.wave, o.value_text, o.unit, o.source"
            " FROM observations o"
            " JOIN subjects s ON s.id = o.subject"
            " JOIN waves w ON w.id = o.wave"
            " JOIN topic_subjects ts ON ts.topic = o.topic AND ts.subject = o.subject"
            " LEFT JOIN scale_measures sm ON sm.scale = ts.scale AND sm.measure = o.measure"
            " WHERE o.topic = ? AND (? IS NULL OR o.subject = ?)"
            " AND (? IS NULL OR o.measure = ?) AND (? IS NULL OR o.wave = ?)"
            " ORDER BY w.position, s.position, sm.position",
            (topic, subject, subject, measure, measure, wave, wave),
        )
        return [_fact(row) for row in rows]

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
        rows = self._rows(
            "SELECT id, kind, published, reports_release, url, title, author FROM sources"
        )
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
    def unit_of(self, measure: str) -> str | None:
        rows = self._rows("SELECT unit FROM measures WHERE id = ?", (measure,))
        return rows[0][0] if rows else None

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

    def lexicon_rows(self) -> list[tuple[str, str, str]]:
        """(concept, lang, form) for every word of knowledge/lexicon."""
        return [
            (row[0], row[1], row[2])
            for row in self._rows("SELECT concept, lang, form FROM lexicon ORDER BY rowid")
        ]

    @cache  # noqa: B019
    def first_form(self, concept: str, lang: str) -> str | None:
        """How the lexicon first writes a concept in a language (its display name)."""
        rows = self._rows(
            "SELECT form FROM lexicon WHERE concept = ? AND lang = ? ORDER BY rowid LIMIT 1",
            (concept, lang),
        )
        return rows[0][0].rstrip("*") if rows else None

    def morphology_rows(self) -> list[tuple[str, str, str, str]]:
        """(lang, slot, suffix, after) as knowledge/lexicon/morphology.yaml has them."""
        return [
            (row[0], row[1], row[2], row[3])
            for row in self._rows(
                "SELECT lang, slot, suffix, after FROM morphology ORDER BY lang, slot, position"
            )
        ]

    def meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def count(self, topic: str | None = None) -> int:
        rows = self._rows(
            "SELECT COUNT(*) FROM observations WHERE ? IS NULL OR topic = ?", (topic, topic)
        )
        return int(rows[0][0])


def _fact(row: tuple) -> Fact:
    topic, subject, measure, wave, value_text, unit, source = row
    return Fact(topic, subject, measure, wave, Decimal(value_text), unit, source)
