"""The figures an answer states: published ones from the store, and what is computed
from them (totals, changes), in Decimal, rounded half-up to the publication's one
decimal and marked derived. Nothing else produces a number.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.catalog import Catalog
from bot.model import Figure, Query, Row
from bot.store import Store

ONE_DECIMAL = Decimal("0.1")
PP = "pp"


class Lookup:
    """Rows of figures for the intents' lookups (bot/intents)."""

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog

    def wave_for(self, query: Query) -> str:
        """The wave a query is answered for: the one named, else the topic's latest."""
        if query.waves:
            return query.waves[-1]
        waves = self.catalog.topic_waves.get(query.topic or "", ())
        return waves[-1] if waves else self.catalog.latest.id

    def measures(self, query: Query, subject: str, *, every: bool = False) -> tuple[str, ...]:
        """The measures a query asks for: the one named, every category of the subject's
        scale (every=True: a breakdown), a fact group, or the topic's default."""
        if query.measure:
            return (query.measure,)
        topic = query.topic or ""
        reading = self.catalog.questionnaire.by_topic.get(topic)
        if every:
            return self.catalog.measures_of(topic, subject)
        if reading is not None and query.group is not None and query.group in reading.groups:
            return reading.groups[query.group]
        if reading is not None and reading.default:
            return (reading.default,)
        return self.catalog.measures_of(topic, subject)

    def row(self, topic: str, subject: str, measure: str, wave: str) -> Row | None:
        """One figure: published, or a derived total of published parts."""
        parts = self.catalog.derived.get(measure)
        if parts:
            facts = [self.store.fact(topic, subject, part, wave) for part in parts]
            if any(f is None for f in facts):
                return None
            published = tuple(f for f in facts if f is not None)
            total = sum((f.value for f in published), Decimal(0)).quantize(
                ONE_DECIMAL, ROUND_HALF_UP
            )
            first = published[0]
            figure = Figure(topic, subject, measure, wave, total, first.unit, first.source, True)
            return Row(figure, parts=published)
        fact = self.store.fact(topic, subject, measure, wave)
        return Row(fact) if fact is not None else None

    def with_previous(self, row: Row, previous_wave: str, keep_value: bool) -> Row:
        """The row, with its change since an earlier wave (and that wave's figure)."""
        figure = row.figure
        before = self.row(figure.topic, figure.subject, figure.measure, previous_wave)
        if before is None or figure.unit != "percent":
            return row
        return Row(
            figure,
            row.parts,
            before.figure if keep_value else None,
            change(before.figure, figure),
        )


def change(before: Figure, after: Figure) -> Figure:
    """after − before, in percentage points: a derived figure."""
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


def sources_of(rows: tuple[Row, ...] | list[Row]) -> tuple[str, ...]:
    """Sources of the stated figures, the answered wave's first."""
    found: list[str] = []
    for row in rows:
        for figure in (row.figure, row.previous):
            if figure is not None and figure.source not in found:
                found.append(figure.source)
    return tuple(found)
