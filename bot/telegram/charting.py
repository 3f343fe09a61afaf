"""An answer as a chart: which kind, which labels, in the reply's language."""

from __future__ import annotations

from dataclasses import replace

from bot.catalog import CRIME, TRUST
from bot.engine import Engine
from bot.nlu.parse import BREAKDOWN, CHANGE, VALUE, Query
from bot.render import plain
from bot.telegram.charts import ChartSpec


def chart_for(engine: Engine, query: Query, lang: str) -> ChartSpec | None:
    """The chart of a query's answer; one trust figure is charted with its breakdown."""
    if query.intent == VALUE and query.topic == TRUST and len(query.subjects) == 1:
        query = replace(query, intent=BREAKDOWN, measure=None)
    answer = engine.answerer.answer(query)
    if not answer.rows:
        return None
    renderer = engine.renderer
    html, _options = renderer.render(answer, lang)
    title = plain(html).split("\n", 1)[0]
    footnote = renderer.source_line(answer.sources, lang)
    rows = answer.rows
    many = len({row.figure.subject for row in rows}) > 1

    def label(row) -> str:
        figure = row.figure
        if many or figure.topic == CRIME:
            return renderer.subject_name(figure.topic, figure.subject, lang)
        return renderer.measure_label(figure.topic, figure.subject, figure.measure, lang)

    if query.intent == CHANGE:
        rows = tuple(row for row in rows if row.previous is not None)
        if not rows:
            return None
    shared = {
        "title": title,
        "labels": tuple(label(row) for row in rows),
        "values": tuple(float(row.figure.value) for row in rows),
        "value_texts": tuple(renderer.value(row.figure, lang) for row in rows),
        "footnote": footnote,
        "percent_axis": all(row.figure.unit == "percent" for row in rows),
    }
    if query.intent != CHANGE:
        return ChartSpec(kind="bars", **shared)
    return ChartSpec(
        kind="change",
        before=tuple(float(row.previous.value) for row in rows),
        before_texts=tuple(renderer.value(row.previous, lang) for row in rows),
        series=(
            renderer.wave_label(answer.base_wave or "", lang, short=True),
            renderer.wave_label(answer.wave or "", lang, short=True),
        ),
        **shared,
    )
