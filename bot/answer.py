"""Query + store -> Answer: the figures to state, each with its provenance.

Only published figures come from the store; totals and changes are computed
here in Decimal, rounded half-up to the publication's one decimal, and marked
derived. Nothing else produces a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bot.catalog import CRIME, SURVEY, TRUST, Catalog
from bot.domain import Fact
from bot.nlu.parse import (
    BREAKDOWN,
    CHANGE,
    COMPARE,
    RANKING,
    SURVEY_FACTS,
    SURVEY_INFO,
    VALUE,
    Query,
)
from bot.store import Store

ONE_DECIMAL = Decimal("0.1")
PP = "pp"


@dataclass(frozen=True, slots=True)
class Figure:
    topic: str
    subject: str
    measure: str
    wave: str
    value: Decimal
    unit: str
    source: str
    derived: bool = False
    from_wave: str | None = None  # a change: the wave it is measured from

    def as_json(self) -> dict[str, object]:
        number = float(self.value)
        data: dict[str, object] = {
            "topic": self.topic,
            "subject": self.subject,
            "measure": self.measure,
            "wave": self.wave,
            "value": int(number) if self.unit in ("count", "years") else number,
            "unit": self.unit,
        }
        if self.derived:
            data["derived"] = True
        if self.from_wave:
            data["from_wave"] = self.from_wave
        return data


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an answer: a figure, with what explains it."""

    figure: Figure
    parts: tuple[Figure, ...] = ()  # a derived total: the published figures it adds
    previous: Figure | None = None  # the same figure in the previous wave
    change: Figure | None = None  # figure minus previous, in percentage points


@dataclass(frozen=True, slots=True)
class Answer:
    query: Query
    rows: tuple[Row, ...] = ()
    wave: str | None = None  # the wave answered (the later one for changes)
    base_wave: str | None = None  # a change: the earlier wave
    sources: tuple[str, ...] = ()
    omitted: tuple[str, ...] = field(default=())  # subjects without the measure (rankings)

    @property
    def figures(self) -> list[Figure]:
        """Every figure the reply states, each once, in reading order."""
        seen: set[tuple[object, ...]] = set()
        ordered = []
        for row in self.rows:
            for figure in (row.figure, *row.parts, row.previous, row.change):
                if figure is None:
                    continue
                key = (figure.topic, figure.subject, figure.measure, figure.wave, figure.unit)
                if key not in seen:
                    seen.add(key)
                    ordered.append(figure)
        return ordered


class Answerer:
    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog

    def answer(self, query: Query) -> Answer:
        if query.intent == CHANGE:
            return self._change(query)
        if query.intent in (VALUE, BREAKDOWN, COMPARE, RANKING, SURVEY_FACTS):
            return self._at_wave(query)
        if query.intent == SURVEY_INFO and query.detail == "method":
            facts = self.store.facts(SURVEY)
            rows = tuple(Row(_figure(f)) for f in facts)
            return Answer(
                query, rows, wave=facts[0].wave if facts else None, sources=_sources(rows)
            )
        return Answer(query)

    # -- one wave ----------------------------------------------------------------

    def _wave_for(self, query: Query) -> str:
        if query.waves:
            return query.waves[-1]
        waves = self.catalog.topic_waves.get(query.topic or "", ())
        return waves[-1] if waves else self.catalog.latest.id

    def _at_wave(self, query: Query) -> Answer:
        wave = self._wave_for(query)
        context = not query.waves_named and query.intent in (VALUE, BREAKDOWN)
        previous = self.catalog.previous(wave) if context else None
        rows: list[Row] = []
        omitted: list[str] = []
        for subject in query.subjects:
            for measure in self._measures(query, subject):
                row = self._row(query.topic or "", subject, measure, wave)
                if row is None:
                    omitted.append(subject)
                    continue
                if previous is not None and (query.intent == VALUE or query.topic == TRUST):
                    row = self._with_previous(row, previous.id, keep_value=query.intent == VALUE)
                rows.append(row)
        if query.intent in (RANKING, COMPARE) and query.topic in (TRUST, CRIME):
            rows.sort(key=lambda r: r.figure.value, reverse=query.order != "asc")
        return Answer(query, tuple(rows), wave=wave, sources=_sources(rows), omitted=tuple(omitted))

    def _measures(self, query: Query, subject: str) -> tuple[str, ...]:
        if query.measure:
            return (query.measure,)
        if query.topic == TRUST:
            if query.intent == BREAKDOWN:
                return self.catalog.measures_of(subject)
            return ("trust",)
        if query.topic == SURVEY and query.detail == "ages":
            return ("age_min", "age_max")
        if query.topic == SURVEY and query.detail == "sample":
            return ("households_sampled", "household_share")
        if query.topic == SURVEY and query.detail == "all":
            return ("households_sampled", "household_share", "age_min", "age_max")
        scale = {CRIME: CRIME}.get(query.topic or "", query.topic or "")
        return self.catalog.scale_measures.get(scale, ())

    def _row(self, topic: str, subject: str, measure: str, wave: str) -> Row | None:
        parts = self.catalog.derived.get(measure)
        if parts:
            facts = [self.store.fact(topic, subject, part, wave) for part in parts]
            if any(f is None for f in facts):
                return None
            published = tuple(_figure(f) for f in facts if f is not None)
            total = sum((f.value for f in published), Decimal(0)).quantize(
                ONE_DECIMAL, ROUND_HALF_UP
            )
            figure = Figure(
                topic, subject, measure, wave, total, published[0].unit, published[0].source, True
            )
            return Row(figure, parts=published)
        fact = self.store.fact(topic, subject, measure, wave)
        return Row(_figure(fact)) if fact is not None else None

    def _with_previous(self, row: Row, previous_wave: str, keep_value: bool) -> Row:
        figure = row.figure
        before = self._row(figure.topic, figure.subject, figure.measure, previous_wave)
        if before is None or figure.unit != "percent":
            return row
        change = _change(before.figure, figure)
        return Row(figure, row.parts, before.figure if keep_value else None, change)

    # -- between waves --------------------------------------------------------------

    def _change(self, query: Query) -> Answer:
        available = self.catalog.topic_waves.get(query.topic or "", ())
        if len(query.waves) >= 2:
            base, wave = sorted(query.waves)[0], sorted(query.waves)[-1]
        else:
            wave = query.waves[-1] if query.waves else available[-1]
            previous = self.catalog.previous(wave)
            if previous is None:  # the first wave named: compare it with the next one
                later = [w for w in available if w > wave]
                base, wave = wave, later[0] if later else wave
            else:
                base = previous.id
        rows = []
        for subject in query.subjects:
            for measure in self._measures(query, subject):
                now = self._row(query.topic or "", subject, measure, wave)
                before = self._row(query.topic or "", subject, measure, base)
                if now is None or before is None:
                    continue
                rows.append(Row(now.figure, (), before.figure, _change(before.figure, now.figure)))
        one_each = len(rows) == len({row.figure.subject for row in rows})
        if len(rows) > 1 and query.topic == TRUST and one_each:
            # Bodies side by side: the biggest rise first, or with order "asc" the
            # biggest fall first ("where did trust fall most?").
            rows.sort(
                key=lambda r: r.change.value if r.change else Decimal(0),
                reverse=query.order != "asc",
            )
        return Answer(query, tuple(rows), wave=wave, base_wave=base, sources=_sources(rows))


def _figure(fact: Fact) -> Figure:
    return Figure(
        fact.topic, fact.subject, fact.measure, fact.wave, fact.value, fact.unit, fact.source
    )


def _change(before: Figure, after: Figure) -> Figure:
    delta = (after.value - before.value).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return Figure(
        after.topic,
        after.subject,
        after.measure,
        after.wave,
        delta,
        PP,
        after.source,
        derived=True,
        from_wave=before.wave,
    )


def _sources(rows: list[Row] | tuple[Row, ...]) -> tuple[str, ...]:
    """Sources of the stated figures, the answered wave's first."""
    found: list[str] = []
    for row in rows:
        for figure in (row.figure, row.previous):
            if figure is not None and figure.source not in found:
                found.append(figure.source)
    return tuple(found)
