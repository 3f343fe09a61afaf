"""Read knowledge/ as a statistician keeps it and validate every rule at once.

The result is a `Knowledge` value plus a list of `Problem`s (``file:line: message``);
`bot.build` refuses to write a store while any problem remains.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bot.i18n import LANGUAGES
from bot.model import Figure
from bot.nlu.normalize import WILDCARDS

UNITS = ("percent", "count", "years")
# The release says rows may not add to 100 "because of rounding"; the largest
# published gap is 0.1, so 0.3 leaves room without hiding a mistyped figure.
DISTRIBUTION_TOLERANCE = Decimal("0.3")
OBSERVATION_COLUMNS = ("topic", "subject", "measure", "wave", "value", "unit", "source")
LINE = "__line__"
UNKNOWN = "unknown"  # a date the source does not show (sources.yaml, waves.yaml)


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Name:
    kind: str
    id: str
    lang: str
    form: str
    text: str


@dataclass
class Knowledge:
    """Everything in knowledge/, as plain records ready for the store."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    waves: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    subjects: list[dict[str, Any]] = field(default_factory=list)
    scales: list[dict[str, Any]] = field(default_factory=list)
    measures: dict[str, str] = field(default_factory=dict)  # measure id -> unit
    # (topic, subject, measure, wave) rows a source did not show: not known, never computed
    unpublished: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)  # (note, topic, wave) rows
    scale_measures: list[dict[str, Any]] = field(default_factory=list)
    topic_subjects: list[dict[str, Any]] = field(default_factory=list)
    derived: list[dict[str, Any]] = field(default_factory=list)
    glossary: list[dict[str, Any]] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    observations: list[Figure] = field(default_factory=list)
    lexicon: list[dict[str, Any]] = field(default_factory=list)
    morphology: list[dict[str, Any]] = field(default_factory=list)
    questionnaire: dict[str, Any] = field(default_factory=dict)  # compiled, for the store


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, for messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text: PyYAML would build a date itself and raise a bare ValueError for
# 2024-02-30, with no line. They are checked here instead, with file:line.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}\Z")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def line_of(data: bytes | str, position: int) -> int:
    """The 1-based line of a byte (or character) offset."""
    if isinstance(data, bytes):
        return data.count(b"\n", 0, max(0, position)) + 1
    return data.count("\n", 0, max(0, position)) + 1


class _Reader:
    """Collects problems while reading; one instance per validation run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def read_text(self, path: Path) -> str | None:
        """A file as UTF-8 text; a missing, unreadable or mis-encoded one is a problem."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.problem(path, 0, "file is missing")
            return None
        except OSError as error:
            self.problem(path, 0, f"cannot read file: {error.strerror or error}")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            self.problem(
                path, line_of(raw, error.start), f"not UTF-8 (byte {raw[error.start]:#04x})"
            )
            return None
        nul = text.find("\x00")
        if nul >= 0:
            self.problem(path, line_of(text, nul), "contains a NUL character")
            return None
        return text

    def yaml(self, path: Path) -> Any:
        text = self.read_text(path)
        if text is None:
            return None
        try:
            return yaml.load(text, Loader=_LineLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            if mark is not None:
                line = mark.line + 1
            else:  # a reader error (a character YAML forbids) knows only its position
                line = line_of(text, getattr(error, "position", 0) or 0)
            reason = getattr(error, "problem", None) or getattr(error, "reason", None) or error
            self.problem(path, line, f"not valid YAML: {reason}")
            return None
        except RecursionError:
            self.problem(path, 1, "not valid YAML: nested too deeply")
            return None

    def date(self, path: Path, record: dict[str, Any], key: str, *, required: bool) -> str | None:
        """An ISO date (YYYY-MM-DD) that exists in the calendar, or None with a problem.

        A required date may be written `unknown` (a release whose copy does not show its
        date): None without a problem, so a forgotten date is still caught."""
        value = record.get(key)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(path, record.get(LINE, 0), f"missing '{key}' (a date, or unknown)")
            return None
        text = str(value).strip()
        if required and text == UNKNOWN:
            return None
        try:
            if _DAY.match(text):
                return date.fromisoformat(text).isoformat()
        except ValueError:
            pass  # 2024-02-30: the right shape, but no such day
        self.problem(path, record.get(LINE, 0), f"'{key}' is {text!r}, not a date (YYYY-MM-DD)")
        return None

    def month(self, path: Path, record: dict[str, Any], key: str) -> str | None:
        """A year-month (YYYY-MM) with a month 01-12, or None with a problem."""
        text = self.text(path, record, key)
        if text is None:
            return None
        if not _MONTH.match(text) or not 1 <= int(text[5:]) <= 12:
            self.problem(path, record[LINE], f"'{key}' is {text!r}, not a month (YYYY-MM)")
            return None
        return text

    def records(self, path: Path, data: Any, what: str) -> list[dict[str, Any]]:
        if data is None:
            return []
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            self.problem(path, 1, f"expected a list of {what}")
            return []
        return data

    def text(self, path: Path, record: dict[str, Any], key: str) -> str | None:
        value = record.get(key)
        if value is None or str(value).strip() == "":
            self.problem(path, record.get(LINE, 0), f"missing '{key}'")
            return None
        return str(value).strip()

    def unique_ids(self, path: Path, records: list[dict[str, Any]], what: str) -> list[str]:
        seen: dict[str, int] = {}
        ids = []
        for record in records:
            ident = self.text(path, record, "id")
            if ident is None:
                continue
            if ident in seen:
                self.problem(
                    path,
                    record[LINE],
                    f"duplicate {what} id '{ident}' (first on line {seen[ident]})",
                )
                continue
            seen[ident] = record[LINE]
            ids.append(ident)
        return ids

    def names(
        self,
        path: Path,
        record: dict[str, Any],
        kind: str,
        ident: str,
        forms: tuple[str, ...] = ("name",),
        key: str = "names",
    ) -> list[Name]:
        """Names of a concept in every language; a missing one is a problem."""
        block = record.get(key)
        line = record.get(LINE, 0)
        if not isinstance(block, dict):
            self.problem(
                path, line, f"{kind} '{ident}' has no {key} (needs {', '.join(LANGUAGES)})"
            )
            return []
        found = []
        for lang in LANGUAGES:
            entry = block.get(lang)
            if isinstance(entry, str):
                entry = {forms[0]: entry}
            if not isinstance(entry, dict):
                self.problem(path, line, f"{kind} '{ident}' has no {lang} {key}")
                continue
            for form in entry:
                if form == LINE:
                    continue
                text = entry[form]
                if text is None or str(text).strip() == "":
                    self.problem(
                        path, entry.get(LINE, line), f"{kind} '{ident}' has an empty {lang} {form}"
                    )
                    continue
                found.append(Name(kind, ident, lang, str(form), str(text).strip()))
            for form in forms:
                if form not in entry:
                    self.problem(
                        path, entry.get(LINE, line), f"{kind} '{ident}' has no {lang} {form}"
                    )
        return found


def load_knowledge(root: Path) -> tuple[Knowledge, list[Problem]]:
    """Read and validate knowledge/; problems are listed, never raised."""
    reader = _Reader(root)
    kb = Knowledge()
    if not root.is_dir():
        reader.problem(root, 0, "knowledge directory not found")
        return kb, reader.problems

    try:
        source_ids = _load_sources(reader, root / "sources.yaml", kb)
        wave_ids = _load_waves(reader, root / "waves.yaml", kb, source_ids)
        scale_units = _load_topics(reader, root, kb)
        _load_glossary(reader, root / "glossary.yaml", kb, source_ids)
        _load_observations(reader, root / "observations", kb, source_ids, wave_ids, scale_units)
        _load_notes(reader, root / "notes.yaml", kb, wave_ids)
        plan = reader.yaml(root / "questionnaire.yaml")
        _load_lexicon(reader, root / "lexicon", kb, _concept_ids(kb, plan))
        _load_questionnaire(reader, root / "questionnaire.yaml", plan, kb)
    except Exception as error:
        # A shape no rule foresaw: still a problem to list, never a traceback. The fuzz
        # test (tests/test_build.py) fails on this message, so each one gets its own rule.
        reader.problem(root, 1, f"internal validation error ({type(error).__name__}: {error})")
    return kb, reader.problems


def _load_sources(reader: _Reader, path: Path, kb: Knowledge) -> set[str]:
    records = reader.records(path, reader.yaml(path), "sources")
    ids = set(reader.unique_ids(path, records, "source"))
    for record in records:
        ident = str(record.get("id", "")).strip()
        for key in ("kind", "url", "title"):
            reader.text(path, record, key)
        published = reader.date(path, record, "published", required=True)
        reports = reader.date(path, record, "reports_release", required=False)
        if record.get("kind") not in (None, "official_release", "press_report"):
            reader.problem(path, record[LINE], f"unknown source kind '{record.get('kind')}'")
        kb.names += reader.names(path, record, "source", ident, key="publisher")
        kb.names += [
            Name("source_short", n.id, n.lang, n.form, n.text)
            for n in reader.names(path, record, "source", ident, key="short")
        ]
        kb.sources.append(
            {
                "id": ident,
                "kind": str(record.get("kind", "")),
                "published": published,
                "reports_release": reports,
                "url": str(record.get("url", "")),
                "title": str(record.get("title", "")),
                "line": record[LINE],
            }
        )
    return ids


def _load_waves(reader: _Reader, path: Path, kb: Knowledge, source_ids: set[str]) -> set[str]:
    records = reader.records(path, reader.yaml(path), "waves")
    ids = set(reader.unique_ids(path, records, "wave"))
    for position, record in enumerate(records):
        start = reader.month(path, record, "fieldwork_start")
        end = reader.month(path, record, "fieldwork_end")
        if start and end and end < start:
            reader.problem(path, record[LINE], f"fieldwork ends ({end}) before it starts ({start})")
        released = reader.date(path, record, "released", required=True)
        next_release = reader.date(path, record, "next_release", required=False)
        source = reader.text(path, record, "source") or ""
        if source and source not in source_ids:
            reader.problem(path, record[LINE], f"unknown source '{source}'")
        kb.unpublished += _not_published(reader, path, record)
        kb.waves.append(
            {
                "id": str(record.get("id", "")),
                "fieldwork_start": start or "",
                "fieldwork_end": end or "",
                "released": released,
                "next_release": next_release,
                "source": source,
                "position": position,
                "line": record[LINE],
            }
        )
    return ids


def _not_published(reader: _Reader, path: Path, wave: dict[str, Any]) -> list[dict[str, Any]]:
    """A wave's `not_published` entries, one row per share; checked against the scales and
    the observations once those are read (_check_unpublished)."""
    entries = wave.get("not_published")
    if entries is None:
        return []
    line = wave.get(LINE, 0)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        reader.problem(path, line, "not_published must be a list of {topic, subject, measures}")
        return []
    rows = []
    for entry in entries:
        measures = entry.get("measures")
        where = entry.get(LINE, line)
        if not isinstance(measures, list) or not measures:
            reader.problem(path, where, "not_published entry needs a list of measures")
            continue
        topic, subject = reader.text(path, entry, "topic"), reader.text(path, entry, "subject")
        if topic is None or subject is None:
            continue
        for measure in measures:
            rows.append(
                {
                    "topic": topic,
                    "subject": subject,
                    "measure": str(measure),
                    "wave": str(wave.get("id", "")),
                    "line": where,
                }
            )
    return rows


def _load_topics(reader: _Reader, root: Path, kb: Knowledge) -> dict[tuple[str, str], str]:
    """Topics, subjects, scales and derived measures; returns (scale, measure) -> unit."""
    path = root / "topics.yaml"
    data = reader.yaml(path)
    if data is not None and not isinstance(data, dict):
        reader.problem(path, 1, "expected sections topics, subjects, scales, derived")
        data = None
    data = data or {}

    scale_units: dict[tuple[str, str], str] = {}
    scales = reader.records(path, data.get("scales"), "scales")
    for scale_id in reader.unique_ids(path, scales, "scale"):
        kb.scales.append({"id": scale_id})
    for scale in scales:
        scale_id = str(scale.get("id", ""))
        if scale.get("question") is not None:  # the question a breakdown states above its list
            kb.names += reader.names(
                path, scale, "scale_question", scale_id, forms=("text",), key="question"
            )
        measures = reader.records(path, scale.get("measures"), "measures")
        for position, measure in enumerate(measures):
            measure_id = reader.text(path, measure, "id")
            unit = reader.text(path, measure, "unit")
            if measure_id is None or unit is None:
                continue
            if unit not in UNITS:
                reader.problem(
                    path, measure[LINE], f"unknown unit '{unit}' (use {', '.join(UNITS)})"
                )
            if (scale_id, measure_id) in scale_units:
                reader.problem(
                    path, measure[LINE], f"duplicate measure '{measure_id}' in scale '{scale_id}'"
                )
                continue
            known_unit = kb.measures.setdefault(measure_id, unit)
            if known_unit != unit:
                reader.problem(
                    path, measure[LINE], f"measure '{measure_id}' has unit '{known_unit}' elsewhere"
                )
            scale_units[(scale_id, measure_id)] = unit
            kb.scale_measures.append(
                {"scale": scale_id, "measure": measure_id, "position": position}
            )
            kb.names += reader.names(path, measure, "measure_label", f"{scale_id}:{measure_id}")

    institutions = _load_subject_file(reader, root / "institutions.yaml", kb, "institution")
    regions = _load_subject_file(reader, root / "regions.yaml", kb, "region")
    scale_ids = {s["id"] for s in kb.scales}
    for subject in kb.subjects:
        if subject["kind"] == "institution" and subject["scale"] not in scale_ids:
            reader.problem(
                root / "institutions.yaml",
                subject["line"],
                f"unknown scale '{subject['scale']}' for institution '{subject['id']}'",
            )

    other_subjects = reader.records(path, data.get("subjects"), "subjects")
    plain_subjects = set(reader.unique_ids(path, other_subjects, "subject"))
    for record in other_subjects:
        ident = str(record.get("id", ""))
        kb.subjects.append({"id": ident, "kind": "subject", "scale": None, "line": record[LINE]})
        kb.names += reader.names(path, record, "subject", ident)

    topics = reader.records(path, data.get("topics"), "topics")
    reader.unique_ids(path, topics, "topic")
    for position, topic in enumerate(topics):
        topic_id = str(topic.get("id", ""))
        kb.names += reader.names(path, topic, "topic", topic_id)
        subjects = topic.get("subjects")
        topic_scale = topic.get("scale")
        if subjects == "institutions":
            members = [(ident, scale_of) for ident, scale_of in institutions]
        elif subjects == "regions":
            members = [(ident, topic_scale) for ident in regions]
        elif isinstance(subjects, list):
            members = []
            for ident in map(str, subjects):
                if ident not in plain_subjects:
                    reader.problem(
                        path, topic[LINE], f"unknown subject '{ident}' in topic '{topic_id}'"
                    )
                members.append((ident, topic_scale))
        else:
            reader.problem(path, topic[LINE], "subjects must be institutions, regions or a list")
            members = []
        if subjects != "institutions" and topic_scale not in scale_ids:
            reader.problem(
                path, topic[LINE], f"unknown scale '{topic_scale}' for topic '{topic_id}'"
            )
        for ident, subject_scale in members:
            kb.topic_subjects.append({"topic": topic_id, "subject": ident, "scale": subject_scale})
        kb.topics.append(
            {"id": topic_id, "distribution": bool(topic.get("distribution")), "position": position}
        )

    topic_ids = {t["id"] for t in kb.topics}
    derived = reader.records(path, data.get("derived"), "derived measures")
    reader.unique_ids(path, derived, "derived measure")
    for position, record in enumerate(derived):
        ident = str(record.get("id", ""))
        of_topic = str(record.get("topic", ""))
        if of_topic not in topic_ids:
            reader.problem(path, record[LINE], f"unknown topic '{of_topic}'")
        parts = record.get("sum_of")
        if not isinstance(parts, list) or not parts:
            reader.problem(path, record[LINE], f"derived measure '{ident}' needs sum_of")
            parts = []
        for part in parts:
            if str(part) not in kb.measures:
                reader.problem(path, record[LINE], f"unknown measure '{part}' in sum_of")
        kb.derived.append(
            {
                "id": ident,
                "topic": of_topic,
                "sum_of": ",".join(map(str, parts)),
                "position": position,
            }
        )
        kb.names += reader.names(path, record, "derived", ident)
    return scale_units


def _load_subject_file(reader: _Reader, path: Path, kb: Knowledge, kind: str) -> list[Any]:
    records = reader.records(path, reader.yaml(path), f"{kind}s")
    reader.unique_ids(path, records, kind)
    members: list[Any] = []
    for position, record in enumerate(records):
        ident = str(record.get("id", ""))
        forms = ("name", "dative", "genitive") if kind == "institution" else ("name", "locative")
        kb.names += reader.names(path, record, kind, ident, forms=forms)
        scale = str(record.get("scale")) if kind == "institution" else None
        if kind == "institution":
            reader.text(path, record, "scale")
            members.append((ident, scale))
        else:
            members.append(ident)
        kb.subjects.append(
            {"id": ident, "kind": kind, "scale": scale, "position": position, "line": record[LINE]}
        )
    return members


def _load_glossary(reader: _Reader, path: Path, kb: Knowledge, source_ids: set[str]) -> None:
    records = reader.records(path, reader.yaml(path), "glossary terms")
    reader.unique_ids(path, records, "glossary term")
    for position, record in enumerate(records):
        ident = str(record.get("id", ""))
        source = reader.text(path, record, "source")
        if source is not None and source not in source_ids:
            reader.problem(path, record[LINE], f"unknown source '{source}'")
        kb.names += reader.names(path, record, "glossary", ident, forms=("name", "definition"))
        kb.glossary.append({"id": ident, "source": source or "", "position": position})


def _load_notes(reader: _Reader, path: Path, kb: Knowledge, wave_ids: set[str]) -> None:
    """Caveats on figures (optional file): each selects published figures by topic and
    wave (and optionally subject and measure), with its text in every language."""
    if not path.exists():
        return
    records = reader.records(path, reader.yaml(path), "notes")
    reader.unique_ids(path, records, "note")
    topic_ids = {t["id"] for t in kb.topics}
    for position, record in enumerate(records):
        ident = str(record.get("id", ""))
        line = record[LINE]
        selected = {}
        for key, known in (("topics", topic_ids), ("waves", wave_ids)):
            values = record.get(key)
            if not isinstance(values, list) or not values:
                reader.problem(path, line, f"note '{ident}' needs a list of {key}")
                values = []
            for value in map(str, values):
                if value not in known:
                    reader.problem(path, line, f"note '{ident}': unknown {key[:-1]} '{value}'")
            selected[key] = [str(v) for v in values if str(v) in known]
        narrow = {}
        for key in ("subjects", "measures"):
            values = record.get(key)
            if values is not None and (not isinstance(values, list) or not values):
                reader.problem(path, line, f"note '{ident}': {key} must be a list")
                values = None
            narrow[key] = [str(v) for v in values] if values else [""]
        same_as = record.get("same_as")
        if same_as is not None and str(same_as) not in wave_ids:
            reader.problem(path, line, f"note '{ident}': unknown wave '{same_as}' in same_as")
            same_as = None
        kb.names += reader.names(path, record, "note", ident, forms=("text",), key="text")
        rows = [
            {
                "note": ident,
                "topic": topic,
                "wave": wave,
                "subject": subject,
                "measure": measure,
                "same_as": None if same_as is None else str(same_as),
                "position": position,
            }
            for topic in selected["topics"]
            for wave in selected["waves"]
            for subject in narrow["subjects"]
            for measure in narrow["measures"]
        ]
        if not any(
            (o.topic, o.wave) == (r["topic"], r["wave"])
            and r["subject"] in ("", o.subject)
            and r["measure"] in ("", o.measure)
            for r in rows
            for o in kb.observations
        ):
            reader.problem(path, line, f"note '{ident}' is about no published figure")
        kb.notes += rows


def _load_observations(
    reader: _Reader,
    folder: Path,
    kb: Knowledge,
    source_ids: set[str],
    wave_ids: set[str],
    scale_units: dict[tuple[str, str], str],
) -> None:
    if not folder.is_dir():
        reader.problem(folder, 0, "observations folder is missing")
        return
    subject_scale = {(ts["topic"], ts["subject"]): ts["scale"] for ts in kb.topic_subjects}
    topic_ids = {t["id"] for t in kb.topics}
    seen: dict[tuple[str, str, str, str], Figure] = {}
    for path in sorted(folder.glob("*.csv")):
        for line, row in _csv_rows(reader, path):
            observation = _observation(
                reader, path, line, row, source_ids, wave_ids, topic_ids, subject_scale, scale_units
            )
            if observation is None:
                continue
            key = (observation.topic, observation.subject, observation.measure, observation.wave)
            if key in seen:
                first = seen[key]
                reader.problem(
                    path,
                    line,
                    f"duplicate observation {'/'.join(key)} (also {reader.rel(Path(first.file))}:"
                    f"{first.line})",
                )
                continue
            seen[key] = observation
            kb.observations.append(observation)
    _check_unpublished(reader, folder.parent / "waves.yaml", kb, subject_scale)
    _check_distributions(reader, kb, subject_scale)
    _check_coverage(reader, folder.parent, kb)


def _check_coverage(reader: _Reader, root: Path, kb: Knowledge) -> None:
    """Every wave and every source must carry figures: a truncated or deleted observations
    file would otherwise leave a wave that exists with nothing in it (and answers that
    silently fall back to another wave)."""
    by_wave = {o.wave for o in kb.observations}
    by_source = {o.source for o in kb.observations}
    by_wave_source = {(o.wave, o.source) for o in kb.observations}
    for wave in kb.waves:
        if not wave["id"]:
            continue
        if wave["id"] not in by_wave:
            reader.problem(
                root / "waves.yaml", wave["line"], f"wave '{wave['id']}' has no observations"
            )
        elif wave["source"] and (wave["id"], wave["source"]) not in by_wave_source:
            reader.problem(
                root / "waves.yaml",
                wave["line"],
                f"wave '{wave['id']}' names source '{wave['source']}', which has no "
                "observations for it",
            )
    glossary_sources = {g["source"] for g in kb.glossary}
    for source in kb.sources:
        if source["id"] and source["id"] not in by_source | glossary_sources:
            reader.problem(
                root / "sources.yaml",
                source["line"],
                f"source '{source['id']}' has no observations",
            )


def _csv_rows(reader: _Reader, path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows of an observations file, with their line numbers.

    One record per line (the files are written so), parsed line by line: a broken line
    (an open quote, a field too long for csv) is a problem on that line, not the end
    of the file.
    """
    text = reader.read_text(path)
    if text is None:
        return []
    lines = text.splitlines()
    if not lines:
        reader.problem(path, 1, "empty file (expected a header row)")
        return []
    header = tuple(cell.strip() for cell in _csv_line(lines[0]) or ())
    if header != OBSERVATION_COLUMNS:
        reader.problem(path, 1, f"header must be {','.join(OBSERVATION_COLUMNS)}")
        return []
    result = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = _csv_line(line)
        if cells is None:
            reader.problem(path, number, "not a valid CSV line (an open quote, or a huge field)")
            continue
        if len(cells) != len(header):
            reader.problem(path, number, f"expected {len(header)} columns, found {len(cells)}")
            continue
        result.append((number, {k: v.strip() for k, v in zip(header, cells, strict=True)}))
    if not result:
        reader.problem(path, 1, "no observations (only a header)")
    return result


MAX_CSV_FIELD = 1000  # longer than any id or figure: a longer cell is a mistake


def _csv_line(line: str) -> list[str] | None:
    """One CSV record, or None when the line is not one."""
    if len(line) > MAX_CSV_FIELD * len(OBSERVATION_COLUMNS):
        return None
    try:
        rows = list(csv.reader([line], strict=True))
    except csv.Error:
        return None
    if len(rows) != 1 or any(len(cell) > MAX_CSV_FIELD for cell in rows[0]):
        return None
    return rows[0]


def _observation(
    reader: _Reader,
    path: Path,
    line: int,
    row: dict[str, str],
    source_ids: set[str],
    wave_ids: set[str],
    topic_ids: set[str],
    subject_scale: dict[tuple[str, str], str | None],
    scale_units: dict[tuple[str, str], str],
) -> Figure | None:
    ok = True

    def fail(message: str) -> None:
        nonlocal ok
        ok = False
        reader.problem(path, line, message)

    topic, subject, measure, wave = row["topic"], row["subject"], row["measure"], row["wave"]
    if not row["source"]:
        fail("observation has no source")
    elif row["source"] not in source_ids:
        fail(f"unknown source '{row['source']}'")
    if wave not in wave_ids:
        fail(f"unknown wave '{wave}'")
    unit = row["unit"]
    if topic not in topic_ids:
        fail(f"unknown topic '{topic}'")
    elif (topic, subject) not in subject_scale:
        fail(f"unknown subject '{subject}' for topic '{topic}'")
    else:
        scale = subject_scale[(topic, subject)] or ""
        expected_unit = scale_units.get((scale, measure))
        if expected_unit is None:
            fail(f"unknown measure '{measure}' for {topic}/{subject} (scale '{scale}')")
        elif unit != expected_unit:
            fail(f"unit '{unit}' does not match measure '{measure}' ({expected_unit})")
    value = _number(row["value"])
    if value is None:
        fail(f"value '{row['value']}' is not a number")
    elif unit == "percent" and not Decimal(0) <= value <= Decimal(100):
        fail(f"percentage {row['value']} is outside 0-100")
    elif unit in ("count", "years") and (value < 0 or value != value.to_integral_value()):
        fail(f"{unit} {row['value']} is not a non-negative integer")
    if not ok or value is None:
        return None
    return Figure(
        topic, subject, measure, wave, value, unit, row["source"], file=str(path), line=line
    )


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or "e" in text.lower():
        return None
    return value


def _check_unpublished(
    reader: _Reader, path: Path, kb: Knowledge, subject_scale: dict[tuple[str, str], str]
) -> None:
    """A share declared not published must be one of its subject's scale, in a wave that
    has the subject's other shares, and must not also be given as a figure."""
    published = {(o.topic, o.subject, o.measure, o.wave) for o in kb.observations}
    waves_with = {(o.topic, o.subject, o.wave) for o in kb.observations}
    kept = []
    for row in kb.unpublished:
        key = (row["topic"], row["subject"], row["measure"], row["wave"])
        scale = subject_scale.get((row["topic"], row["subject"]))
        if scale is None:
            where = f"{row['topic']}/{row['subject']}"
            reader.problem(path, row["line"], f"not_published: unknown {where}")
        elif row["measure"] not in _scale_measures(kb, scale):
            reader.problem(
                path, row["line"], f"not_published: '{row['measure']}' is not on the {scale} scale"
            )
        elif key in published:
            reader.problem(
                path,
                row["line"],
                f"not_published: {'/'.join(key)} is also given as a figure in observations",
            )
        elif key[:2] + key[3:] not in waves_with:
            reader.problem(
                path,
                row["line"],
                f"not_published: wave {row['wave']} has no other {row['topic']}/{row['subject']} "
                "figures",
            )
        else:
            kept.append(row)
    kb.unpublished = kept


def _check_distributions(
    reader: _Reader, kb: Knowledge, subject_scale: dict[tuple[str, str], str]
) -> None:
    """Shares of one subject in one wave add to 100 within rounding and give every category
    of its scale; a distribution the source showed only in part (waves.yaml
    not_published) lists what is missing and adds to no more than 100."""
    distribution_topics = {t["id"] for t in kb.topics if t["distribution"]}
    partial = {(u["topic"], u["subject"], u["wave"]) for u in kb.unpublished}
    declared = {(u["topic"], u["subject"], u["measure"], u["wave"]) for u in kb.unpublished}
    groups: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    for observation in kb.observations:
        if observation.topic in distribution_topics:
            groups[(observation.topic, observation.subject, observation.wave)].append(observation)
    for (topic, subject, wave), members in groups.items():
        total = sum((o.value for o in members), Decimal(0))
        first = min(members, key=lambda o: (o.file, o.line))
        given = {o.measure for o in members}
        scale = subject_scale.get((topic, subject), "")
        for measure in _scale_measures(kb, scale):
            if measure not in given and (topic, subject, measure, wave) not in declared:
                reader.problem(
                    Path(first.file),
                    first.line,
                    f"{topic}/{subject} in wave {wave} has no '{measure}' share: give it, or "
                    "list it under the wave's not_published in waves.yaml",
                )
        if (topic, subject, wave) in partial:
            if total - 100 > DISTRIBUTION_TOLERANCE:
                reader.problem(
                    Path(first.file),
                    first.line,
                    f"{topic}/{subject} in wave {wave} is published in part but its shares "
                    f"sum to {total}, more than 100 (±{DISTRIBUTION_TOLERANCE})",
                )
        elif abs(total - 100) > DISTRIBUTION_TOLERANCE:
            reader.problem(
                Path(first.file),
                first.line,
                f"{topic}/{subject} in wave {wave} sums to {total}, "
                f"not 100 (±{DISTRIBUTION_TOLERANCE})",
            )


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


# Concept kinds the lexicon may name, and how their ids are checked.
CUE_KINDS = (
    "cue", "month", "season", "marker", "filler", "speaker", "number", "unit", "glossary",
)  # fmt: skip
# Words of one language that name nothing: language markers and fillers (a language
# may have none of its own in a list).
WORD_KINDS = ("marker", "filler", "speaker")
# (Phrases may stand bot.nlu.normalize.WILDCARDS for a number: never a form alone.)


def _load_lexicon(
    reader: _Reader, folder: Path, kb: Knowledge, fact_concepts: dict[str, set[str]]
) -> None:
    if not folder.is_dir():
        reader.problem(folder, 0, "lexicon folder is missing")
        return
    # reason/<id> and fact/<id> name measures of the topics questionnaire.yaml reads so
    # (roles reasons and facts), and fact concepts it declares.
    known = {
        "institution": {s["id"] for s in kb.subjects if s["kind"] == "institution"},
        "region": {s["id"] for s in kb.subjects if s["kind"] == "region"},
        "reason": fact_concepts.get("reasons", set()),
        "fact": fact_concepts.get("facts", set()),
        "glossary": {g["id"] for g in kb.glossary},
        # "answer in Russian": reply/<language>, a language Senim replies in
        "reply": set(LANGUAGES),
    }
    seen: dict[str, tuple[str, int]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "morphology.yaml":
            _load_morphology(reader, path, kb)
            continue
        for record in reader.records(path, reader.yaml(path), "lexicon entries"):
            concept = reader.text(path, record, "concept")
            if concept is None:
                continue
            line = record[LINE]
            kind, _, ident = concept.partition("/")
            if not ident:
                reader.problem(path, line, f"concept '{concept}' must be kind/id")
                continue
            if kind in known and ident not in known[kind]:
                reader.problem(path, line, f"unknown {kind} '{ident}' in concept '{concept}'")
            elif (
                kind not in known and kind not in CUE_KINDS and not kind.startswith("unavailable_")
            ):
                reader.problem(path, line, f"unknown concept kind '{kind}'")
            if concept in seen:
                first_file, first_line = seen[concept]
                reader.problem(
                    path,
                    line,
                    f"duplicate concept '{concept}' (first at {first_file}:{first_line})",
                )
                continue
            seen[concept] = (reader.rel(path), line)
            if kind.startswith("unavailable_"):
                # How a refusal names it, in the case its sentence needs (see the
                # lexicon README): "о доверии к армии", "армияға сенім туралы".
                kb.names += reader.names(path, record, kind, ident)
            for lang in LANGUAGES:
                forms = record.get(lang)
                if forms is None and kind in WORD_KINDS:
                    continue
                if not isinstance(forms, list) or (not forms and kind not in WORD_KINDS):
                    reader.problem(path, line, f"concept '{concept}' has no {lang} forms")
                    continue
                listed: set[str] = set()
                for form in forms:
                    text = str(form).strip()
                    if not text or text == "*" or (text.endswith("*") and len(text) < 5):
                        reader.problem(
                            path, line, f"concept '{concept}': form '{text}' is too short"
                        )
                        continue
                    chunks = text.split()
                    wild = [c for c in chunks if c.startswith("@")]
                    if any(c not in WILDCARDS for c in wild) or (wild and len(chunks) == 1):
                        reader.problem(
                            path,
                            line,
                            f"concept '{concept}': form '{text}': a phrase may stand "
                            f"{' or '.join(WILDCARDS)} for a number, beside words",
                        )
                        continue
                    if text.casefold() in listed:
                        reader.problem(
                            path, line, f"concept '{concept}': {lang} form '{text}' is listed twice"
                        )
                        continue
                    listed.add(text.casefold())
                    kb.lexicon.append({"concept": concept, "lang": lang, "form": text})


def _scale_measures(kb: Knowledge, scale: str) -> list[str]:
    return [m["measure"] for m in kb.scale_measures if m["scale"] == scale]


def _load_morphology(reader: _Reader, path: Path, kb: Knowledge) -> None:
    data = reader.yaml(path)
    if not isinstance(data, dict):
        reader.problem(path, 1, "expected a mapping of languages")
        return
    for lang in LANGUAGES:
        block = data.get(lang)
        if not isinstance(block, dict):
            reader.problem(path, data.get(LINE, 1), f"no {lang} morphology")
            continue
        for key in ("loose_stem_min", "max_loose_ending"):
            value = block.get(key)
            if not isinstance(value, int) or value < 0:
                reader.problem(path, block[LINE], f"{lang} {key} must be a non-negative integer")
                continue
            kb.morphology.append({"lang": lang, "slot": key, "suffix": "", "after": str(value)})
        for slot, entries in block.items():
            if slot in (LINE, "loose_stem_min", "max_loose_ending"):
                continue
            if not isinstance(entries, list):
                reader.problem(path, block[LINE], f"{lang} {slot} must be a list")
                continue
            for position, entry in enumerate(entries):
                if isinstance(entry, dict):
                    suffix = str(entry.get("suffix", "")).strip()
                    after = entry.get("after") or []
                else:
                    suffix, after = str(entry).strip(), []
                if not suffix:
                    reader.problem(path, block[LINE], f"{lang} {slot}: empty suffix")
                    continue
                kb.morphology.append(
                    {
                        "lang": lang,
                        "slot": slot,
                        "suffix": suffix,
                        "after": ",".join(map(str, after)),
                        "position": position,
                    }
                )


# -- questionnaire.yaml ---------------------------------------------------------------------

ROLES = ("bodies", "places", "shares", "reasons", "facts")
CONDITION_KEYS = ("asked_by", "unless", "said", "ask_back")


def _topic_measures(kb: Knowledge, topic: str) -> set[str]:
    """Every measure a topic's figures can have: its scales' and its derived ones."""
    scales = {ts["scale"] for ts in kb.topic_subjects if ts["topic"] == topic}
    found = {m["measure"] for m in kb.scale_measures if m["scale"] in scales}
    return found | {d["id"] for d in kb.derived if d["topic"] == topic}


def _concept_ids(kb: Knowledge, plan: Any) -> dict[str, set[str]]:
    """Per role (reasons, facts), the ids that reason/ and fact/ lexicon concepts may name:
    the measures of the topic with that role, and the concepts it declares. Read before
    the lexicon is checked, so leniently: _load_questionnaire reports what is wrong."""
    found: dict[str, set[str]] = {}
    topics = plan.get("topics") if isinstance(plan, dict) else None
    for entry in topics if isinstance(topics, list) else []:
        if isinstance(entry, dict) and entry.get("role") in ROLES:
            ids = found.setdefault(str(entry["role"]), set())
            ids |= _topic_measures(kb, str(entry.get("topic")))
            declared = entry.get("concepts")
            ids |= {str(c) for c in declared} if isinstance(declared, list) else set()
    return found


def _load_questionnaire(reader: _Reader, path: Path, plan: Any, kb: Knowledge) -> None:
    """questionnaire.yaml checked against topics.yaml, the lexicon and the glossary, and
    compiled (conditions to tuples) for the store."""
    from bot.intents.names import Intent
    from bot.nlu.conditions import ConditionError, compile_condition, to_json

    if plan is None:
        return
    if not isinstance(plan, dict):
        reader.problem(path, 1, "expected sections signals, topics, headlines")
        return
    cues = {r["concept"].partition("/")[2] for r in kb.lexicon if r["concept"].startswith("cue/")}
    concepts = {r["concept"] for r in kb.lexicon} | {
        r["concept"].partition("/")[0] for r in kb.lexicon
    }
    topic_ids = [t["id"] for t in kb.topics]
    signal_data = plan.get("signals") or {}
    if not isinstance(signal_data, dict):
        reader.problem(path, plan.get(LINE, 1), "signals must be a mapping of name: condition")
        signal_data = {}
    names = [name for name in signal_data if name != LINE]

    def condition(data: Any, line: int, where: str) -> Any:
        try:
            return to_json(compile_condition(data, cues=cues, concepts=concepts, signals=names))
        except ConditionError as error:
            reader.problem(path, line, f"{where}: {error}")
            return None

    def line_of_record(value: Any, default: int) -> int:
        found = value.get(LINE) if isinstance(value, dict) else None
        return found if isinstance(found, int) else default

    signals = {}
    for name in names:
        value = signal_data[name]
        signals[name] = condition(value, line_of_record(value, plan[LINE]), f"signal '{name}'")

    compiled_topics = []
    seen_topics: set[str] = set()
    seen_roles: set[str] = set()
    for entry in reader.records(path, plan.get("topics"), "topics"):
        line = entry[LINE]
        topic = str(entry.get("topic", ""))
        role = str(entry.get("role", ""))
        if topic not in topic_ids:
            reader.problem(path, line, f"unknown topic '{topic}' (not in topics.yaml)")
            continue
        if topic in seen_topics:
            reader.problem(path, line, f"topic '{topic}' is listed twice")
        if role not in ROLES:
            reader.problem(path, line, f"unknown role '{role}' (use {', '.join(ROLES)})")
        elif role in seen_roles:
            reader.problem(path, line, f"role '{role}' belongs to another topic already")
        seen_topics.add(topic)
        seen_roles.add(role)
        measures = _topic_measures(kb, topic)
        compiled: dict[str, Any] = {"topic": topic, "role": role}
        for key in CONDITION_KEYS:
            value = entry.get(key)
            if key == "asked_by" and value is None:
                reader.problem(path, line, f"topic '{topic}' has no asked_by")
            compiled[key] = None if value is None else condition(value, line, f"{topic} {key}")
        default = entry.get("default")
        if default is not None and str(default) not in measures:
            reader.problem(path, line, f"default measure '{default}' is not a measure of '{topic}'")
        compiled["default"] = None if default is None else str(default)
        # The other measure a share quoted of the default may be ("I heard 90% trust the
        # prosecutors": the total with partial trust): the one nearer the quote answers.
        quoted = entry.get("quoted")
        if quoted is not None and str(quoted) not in measures:
            reader.problem(path, line, f"quoted measure '{quoted}' is not a measure of '{topic}'")
        compiled["quoted"] = None if quoted is None else str(quoted)
        # The group of figures a question that names no measure gets ("do people feel
        # safe?": the totals with the categories); links made before it keep theirs.
        default_group = entry.get("default_group")
        compiled["default_group"] = None if default_group is None else str(default_group)
        compiled["measures"] = []
        for rule in entry.get("measures") or []:
            rule_line = line_of_record(rule, line)
            measure = str(rule.get("measure")) if isinstance(rule, dict) else ""
            if measure not in measures:
                reader.problem(path, rule_line, f"'{measure}' is not a measure of '{topic}'")
                continue
            when = condition(rule.get("when"), rule_line, f"{topic} measure {measure}")
            compiled["measures"].append([measure, when])
        groups = entry.get("groups") or {}
        compiled["groups"] = {}
        for name, members in groups.items() if isinstance(groups, dict) else []:
            if name == LINE:
                continue
            if not isinstance(members, list) or not all(str(m) in measures for m in members):
                reader.problem(path, line, f"group '{name}' must list measures of '{topic}'")
                continue
            compiled["groups"][str(name)] = [str(m) for m in members]
        if default_group is not None and str(default_group) not in compiled["groups"]:
            reader.problem(path, line, f"default_group '{default_group}' is no group of '{topic}'")
        compiled["rules"] = []
        for rule in entry.get("rules") or []:
            rule_line = line_of_record(rule, line)
            if not isinstance(rule, dict) or ("group" in rule) == ("measure" in rule):
                reader.problem(path, rule_line, "a rule names one group or one measure")
                continue
            kind = "group" if "group" in rule else "measure"
            target = str(rule[kind])
            if target not in (compiled["groups"] if kind == "group" else measures):
                reader.problem(path, rule_line, f"unknown {kind} '{target}' for '{topic}'")
                continue
            when = rule.get("when")
            compiled["rules"].append(
                [kind, target, None if when is None else condition(when, rule_line, target)]
            )
        compiled["concepts"] = [str(c) for c in entry.get("concepts") or []]
        note = entry.get("scale_note")
        compiled["scale_note"] = None
        if note is not None:
            scale = str(note.get("scale")) if isinstance(note, dict) else ""
            listed = note.get("measures") if isinstance(note, dict) else None
            on_scale = {m["measure"] for m in kb.scale_measures if m["scale"] == scale}
            if not on_scale:
                reader.problem(path, line, f"scale_note: unknown scale '{scale}'")
            elif not isinstance(listed, list) or not set(map(str, listed)) <= on_scale:
                reader.problem(path, line, f"scale_note: measures must be on scale '{scale}'")
            else:
                compiled["scale_note"] = {"scale": scale, "measures": [str(m) for m in listed]}
        glossary = entry.get("glossary")
        if glossary is not None and str(glossary) not in {g["id"] for g in kb.glossary}:
            reader.problem(path, line, f"unknown glossary term '{glossary}'")
        compiled["glossary"] = None if glossary is None else str(glossary)
        only_most = entry.get("only_most", False)
        if not isinstance(only_most, bool):
            reader.problem(path, line, "only_most must be true or false")
        compiled["only_most"] = only_most is True
        # Places of one name told apart by a word for their kind ("а в области?" after
        # Almaty city is Almaty region): [place, cue, the other place]
        compiled["namesakes"] = []
        subject_ids = {s["id"] for s in kb.subjects}
        for item in entry.get("namesakes") or []:
            parts = [item.get(k) for k in ("place", "cue", "is")] if isinstance(item, dict) else []
            if len(parts) != 3 or parts[0] not in subject_ids or parts[2] not in subject_ids:
                reader.problem(path, line, f"namesakes of '{topic}': expected place, cue, is")
                continue
            if parts[1] not in cues:
                reader.problem(path, line, f"namesakes of '{topic}': unknown cue '{parts[1]}'")
                continue
            compiled["namesakes"].append([str(p) for p in parts])
        # What the survey did not ask about a topic, though people ask it ("why don't
        # people trust the police?"): [condition, the lexicon's unavailable_<kind>/<id>]
        compiled["not_asked"] = []
        for item in entry.get("not_asked") or []:
            lacking = str(item.get("lacking", "")) if isinstance(item, dict) else ""
            when = item.get("when") if isinstance(item, dict) else None
            if not lacking.startswith("unavailable_") or lacking not in concepts or when is None:
                reader.problem(
                    path, line, f"not_asked of '{topic}': expected when and a known lacking"
                )
                continue
            compiled["not_asked"].append([condition(when, line, f"{topic} not_asked"), lacking])
        compiled_topics.append(compiled)
    for topic in topic_ids:
        if topic not in seen_topics:
            reader.problem(path, plan[LINE], f"topic '{topic}' of topics.yaml is not read here")

    contrasts: dict[str, list[str]] = {}
    contrast_data = plan.get("contrasts") or {}
    if not isinstance(contrast_data, dict):
        reader.problem(path, plan[LINE], "contrasts must be a mapping of name: [cue, ...]")
        contrast_data = {}
    for name, members in contrast_data.items():
        if name == LINE:
            continue
        if not isinstance(members, list) or not all(str(m) in cues for m in members):
            unknown = [m for m in members or [] if str(m) not in cues]
            reader.problem(path, contrast_data[LINE], f"contrast '{name}': unknown cues {unknown}")
            continue
        contrasts[str(name)] = [str(m) for m in members]
    denials = plan.get("denials") or []
    if not isinstance(denials, list) or not set(map(str, denials)) <= cues:
        reader.problem(path, plan[LINE], "denials must be a list of known cues")
        denials = []
    opposites = plan.get("opposites") or []
    if not isinstance(opposites, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and set(map(str, pair)) <= cues
        for pair in opposites
    ):
        reader.problem(path, plan[LINE], "opposites must be pairs of known cues")
        opposites = []
    headlines = []
    for entry in reader.records(path, plan.get("headlines"), "headlines"):
        intent, topic = str(entry.get("intent")), str(entry.get("topic"))
        if intent not in {i.value for i in Intent}:
            reader.problem(path, entry[LINE], f"unknown intent '{intent}'")
        elif topic not in topic_ids:
            reader.problem(path, entry[LINE], f"unknown topic '{topic}'")
        else:
            headlines.append({"intent": intent, "topic": topic})
    kb.questionnaire = {
        "signals": signals,
        "topics": compiled_topics,
        "headlines": headlines,
        "contrasts": contrasts,
        "denials": [str(d) for d in denials],
        "opposites": [[str(a), str(b)] for a, b in opposites],
    }
