"""The same figures in every wave of a span, with each step's change: "how has trust in
the police changed over time?", "динамика доверия судам", "2023 жылдан бері".

A question over time names no wave (every wave of the topic), one ("since 2023": from it
to the latest) or several (from the first to the last). One subject is listed wave by
wave with each step's change; several are listed one line each, wave after wave, with
the change over the whole span. The chart is a line across the waves.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.figures import Lookup, change, sources_of
from bot.intents.common import (
    FigureAnswer,
    calculated,
    compare_step,
    figure_notes,
    heading,
    scale_note,
    with_source,
)
from bot.intents.waves import a_year_after, a_year_apart, a_year_before
from bot.model import Answer, Figure, Intent, Lacking, Line, Message, Option, Query, Row, Span
from bot.phrases import Phrases, lower_first, sentence, spans, unquoted_field, upper_first
from bot.questionnaire import BODIES

if TYPE_CHECKING:
    from bot.catalog import Catalog
    from bot.charts import ChartSpec
    from bot.nlu.features import Features


def series(query: Query, look: Lookup) -> tuple[str, ...]:
    """The waves of the span asked, oldest first, among those that have the topic."""
    available = look.catalog.topic_waves.get(query.topic or "", ())
    return _span(query.waves, available) if available else ()


def over_time(query: Query, look: Lookup) -> Answer:
    waves = series(query, look)
    rows: list[Row] = []
    overall: list[Figure] = []
    topic = query.topic or ""
    for subject in query.subjects:
        for measure in look.measures(query, subject):
            before: Figure | None = None
            first: Figure | None = None
            points = 0
            for wave in waves:
                row = look.row(topic, subject, measure, wave)
                if row is None:
                    continue  # a share not published in that wave: said as not known
                figure = row.figure
                step = change(before, figure) if before is not None else None
                rows.append(Row(figure, (), None, step))
                first = first or figure
                before = figure
                points += 1
            if (
                first is not None
                and before is not None
                and points >= 2
                and first.wave == waves[0]
                and before.wave == waves[-1]
            ):
                # (with two points this is the one step's change: the same figure)
                overall.append(change(first, before))
    if query.order and len(query.subjects) > 1:
        # "where did trust rise most over time": the subjects by their change over the span
        gain = {f.subject: f.value for f in overall}
        rows.sort(
            key=lambda r: (gain.get(r.figure.subject, Decimal(0)), r.figure.wave),
            reverse=query.order != "asc",
        )
        rows = _waves_in_order(rows)
    return Answer(
        query,
        tuple(rows),
        wave=waves[-1] if waves else None,
        base_wave=waves[0] if waves else None,
        sources=sources_of(rows),
        spans=tuple(overall),
        series=waves,
    )


def _waves_in_order(rows: list[Row]) -> list[Row]:
    """Rows grouped by subject (in the order given), each subject's waves oldest first."""
    order = list(dict.fromkeys(r.figure.subject for r in rows))
    return sorted(rows, key=lambda r: (order.index(r.figure.subject), r.figure.wave))


def _subjects_in_order(answer: Answer) -> list[str]:
    return list(dict.fromkeys(row.figure.subject for row in answer.rows))


def _lines_of(answer: Answer) -> list[tuple[str, str]]:
    """The answer's series: (subject, measure), in the order of its rows."""
    return list(dict.fromkeys((row.figure.subject, row.figure.measure) for row in answer.rows))


def _rows_by_series(answer: Answer) -> dict[tuple[str, str], dict[str, Row]]:
    """(subject, measure) -> wave -> its row."""
    rows: dict[tuple[str, str], dict[str, Row]] = {}
    for row in answer.rows:
        rows.setdefault((row.figure.subject, row.figure.measure), {})[row.figure.wave] = row
    return rows


def _measure_name(answer: Answer, p: Phrases) -> str:
    row = answer.rows[0]
    if len(_subjects_in_order(answer)) > 1:
        return p.neutral_measure(row.figure.measure)
    return p.measure(row.figure.topic, row.figure.subject, row.figure.measure)


def _label(answer: Answer, p: Phrases, subject: str, measure: str) -> str:
    """A series' name: the body when several are shown, else the answer category."""
    if len(_subjects_in_order(answer)) > 1:
        return upper_first(p.subject(subject))
    return upper_first(p.measure(answer.query.topic or "", subject, measure))


def trend_heading(answer: Answer, p: Phrases) -> str:
    """ "Police: “fully agree it can be trusted”, October–November 2023 — October–November
    2024"; for several categories, "Perceived safety…: October–November 2023 — …"."""
    query = answer.query
    subjects = _subjects_in_order(answer)
    bodies = p.catalog.questionnaire.role(query.topic) == BODIES
    name = p.subject(subjects[0]) if bodies and len(subjects) == 1 else p.topic(query.topic)
    first = p.wave(answer.base_wave or "", short=True)
    last = p.wave(answer.wave or "", short=True)
    if len({m for _s, m in _lines_of(answer)}) > 1:
        return p.gettext("{name}: {first} — {last}").format(name=name, first=first, last=last)
    measure = lower_first(_measure_name(answer, p))
    # a label that quotes already («"Сенуге болады" деген…») is not quoted again
    template = unquoted_field(
        p.gettext("{name}: “{measure}”, {first} — {last}"), "measure", measure
    )
    return template.format(name=name, measure=measure, first=first, last=last)


def trend_lines(answer: Answer, p: Phrases) -> list[Line]:
    lines: list[Line] = [heading(trend_heading(answer, p))]
    series_lines = _lines_of(answer)
    overall = {(f.subject, f.measure): f for f in answer.spans}
    topic = answer.query.topic or ""
    if len(series_lines) == 1:  # wave by wave, each step's change
        subject, measure = series_lines[0]
        for row in answer.rows:
            item = p.item(p.wave(row.figure.wave, short=True), p.value(row.figure))
            if row.change is not None:
                item = (*item, Span(" (" + p.change(row.change) + ")"))
            lines.append(item)
        template = p.gettext("• {label}: not known (the published source does not show it)")
        for wave in answer.series:
            if p.catalog.not_shown(topic, subject, measure, wave):
                lines.append((Span(template.format(label=p.wave(wave, short=True))),))
        whole = overall.get((subject, measure))
        if whole is not None and len(answer.rows) > 2:
            lines += [(), (Span(sentence(_overall(whole, p))),)]
    else:  # one line per body or category, wave after wave
        first, last = answer.base_wave or "", answer.wave or ""
        if len(answer.series) > 2:
            lines.append((Span(p.gettext("In brackets: change since the survey before, in pp.")),))
        yearly = a_year_apart(first, last)
        whole_template = (
            p.gettext("year on year: {change}")
            if yearly
            else p.gettext("over the whole period: {change}")
        )
        rows = _rows_by_series(answer)
        for subject, measure in series_lines:
            by_wave = rows[(subject, measure)]
            shown = []
            for wave in answer.series:
                if wave in by_wave:
                    text = p.value(by_wave[wave].figure)
                    step = by_wave[wave].change
                    if step is not None and len(answer.series) > 2:
                        text += " (" + p.signed(step) + ")"
                    shown.append(text)
                elif p.catalog.not_shown(topic, subject, measure, wave):
                    shown.append(p.gettext("not known"))
            item = spans(
                p.gettext("• {label}: {values}"),
                {"values"},
                label=_label(answer, p, subject, measure),
                values=" → ".join(shown),
            )
            whole = overall.get((subject, measure))
            if whole is not None:
                item = (*item, Span("; " + whole_template.format(change=p.change(whole))))
            lines.append(item)
        if p.catalog.questionnaire.role(answer.query.topic) == BODIES:
            lines += scale_note(answer, p)
    lines += derived_note(answer, p)
    return lines


def _overall(whole: Figure, p: Phrases) -> str:
    first, last = whole.from_wave or "", whole.wave
    template = (
        p.gettext("Year on year, {first} → {last}: {change}")
        if a_year_apart(first, last)
        else p.gettext("Over the whole period, {first} → {last}: {change}")
    )
    return template.format(
        first=p.wave(first, short=True), last=p.wave(last, short=True), change=p.change(whole)
    )


def derived_note(answer: Answer, p: Phrases) -> list[Line]:
    """Totals are Senim's sums of published shares: said once each, since the lines show
    only the totals."""
    many = len(_subjects_in_order(answer)) > 1
    said = calculated(p, answer.query.topic or "", _lines_of(answer), neutral=many)
    return [(), *((Span(text),) for text in said)] if said else []


MAX_LINES = 6  # lines one chart keeps apart (bot.charts.MAX_SERIES)
MAX_POINTS = 10  # waves one chart's axis keeps readable (bot.charts.MAX_POINTS)


class Trend(FigureAnswer):
    intents = (Intent.TREND,)
    code = "t"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return over_time(query, look)

    def chart_query(self, query: Query, p: Phrases) -> Query:
        return query

    def render(self, answer: Answer, p: Phrases) -> Message:
        if len(answer.series) < 2 or not answer.rows:
            from bot.intents.not_available import refusal

            lacking = Query(
                Intent.NOT_AVAILABLE, topic=answer.query.topic, lacking=Lacking("change")
            )
            return Message.of(refusal(lacking, p))
        return with_source(answer, p, self.lines(answer, p))

    def heading(self, answer: Answer, p: Phrases) -> str:
        return trend_heading(answer, p)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        return trend_lines(answer, p)

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        others: list[Option] = []
        role = p.catalog.questionnaire.role(query.topic)
        if role == BODIES and len(query.subjects) == 1:
            everyone = p.catalog.subjects[query.topic or ""]
            all_bodies = replace(query, subjects=everyone, order=None)
            others.append(Option(p.gettext("All bodies over time"), all_bodies))
        return (*others, *compare_step(query, p))

    def chart(self, answer: Answer, p: Phrases) -> ChartSpec | None:
        from bot.charts import ChartSpec

        if len(answer.series) < 2 or not answer.rows:
            return None
        if len(answer.series) > MAX_POINTS:  # a long series: the latest waves that fit
            shown = answer.series[-MAX_POINTS:]
            answer = replace(
                answer,
                rows=tuple(r for r in answer.rows if r.figure.wave in shown),
                series=shown,
                base_wave=shown[0],
                spans=(),
            )
        grid: list[tuple[float, ...]] = []
        texts: list[tuple[str, ...]] = []
        series_lines = _lines_of(answer)
        if len(series_lines) > MAX_LINES:  # (safety's categories and totals): published ones
            series_lines = [(s, m) for s, m in series_lines if m not in p.catalog.derived]
            series_lines = series_lines[:MAX_LINES]
        rows = _rows_by_series(answer)
        for subject, measure in series_lines:
            by_wave = {wave: row.figure for wave, row in rows[(subject, measure)].items()}
            grid.append(
                tuple(
                    float(by_wave[w].value) if w in by_wave else float("nan") for w in answer.series
                )
            )
            texts.append(tuple(p.value(by_wave[w]) if w in by_wave else "" for w in answer.series))
        labels = tuple(_label(answer, p, s, m) for s, m in series_lines)
        # (only the totals drawn are said to be calculated)
        many = len(_subjects_in_order(answer)) > 1
        said = calculated(p, answer.query.topic or "", series_lines, neutral=many)
        note = " ".join((*said, figure_notes(answer, p))).strip()
        return ChartSpec(
            "trend",
            trend_heading(answer, p),
            labels,
            (),
            (),
            p.source_line(answer.sources, answer.query.topic),
            points=tuple(p.wave(w, short=True) for w in answer.series),
            grid=tuple(grid),
            grid_texts=tuple(texts),
            note=note,
            percent_axis=all(r.figure.unit == "percent" for r in answer.rows),
        )


ANSWER = Trend()


# -- how questions ask for it ----------------------------------------------------------------

# Answers a span of waves can refine: "trust in the police over time", "which body gained
# most since 2023", "полициядағы өзгеріс бір жылда".
SPANNED = frozenset({Intent.VALUE, Intent.BREAKDOWN, Intent.CHANGE, Intent.COMPARE, Intent.RANKING})
ORDERED = ("most", "least", "rise", "fall")
SINCE_REACH = 2  # words between "since" and its period ("2023 жылдан бері")


def asked_over_time(f: Features, query: Query, catalog: Catalog) -> Query:
    """A question read by its topic, refined by the words that ask about time: year on
    year (the same season a year earlier: a change), over time or since a wave (every
    wave of the span: an answer over time when it has more than two)."""
    topic = query.topic or ""
    if query.intent not in SPANNED or not topic:
        return query
    since = _since(f)
    yoy, spanned = f.has("year_on_year"), f.has("over_time") or since
    if not (yoy or spanned):
        return query
    available = catalog.topic_waves.get(topic, ())
    if len(available) < 2:  # one release of figures: there is nothing over time
        return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("change"))
    measure = None if query.intent == Intent.BREAKDOWN else query.measure
    order = query.order if f.has(*ORDERED) else None
    if yoy:
        wave = max(query.waves) if query.waves else available[-1]
        earlier = a_year_before(wave)
        if earlier not in available and a_year_after(wave) in available and query.waves:
            # "in 2023" then "year on year?": that wave and the same season a year later
            wave, earlier = a_year_after(wave), wave
        if earlier not in available:
            # No survey of that season a year before: the change since the survey before,
            # said to be that (what people asking "year on year" then want to see)
            return replace(
                query,
                intent=Intent.CHANGE,
                measure=measure,
                waves=(),
                waves_named=False,
                lacking=Lacking("year_on_year", wave),
            )
        return replace(query, intent=Intent.CHANGE, measure=measure, waves=(earlier, wave))
    span = _span(query.waves, available)
    several = len(query.subjects) > 1 or query.intent == Intent.RANKING
    if order and several and len(span) >= 2:
        # "which body gained most since 2023": the bodies ranked by their change over it
        return replace(
            query, intent=Intent.CHANGE, measure=measure, waves=(span[0], span[-1]), order=order
        )
    if len(span) <= 2:
        # Two waves are a change between them (the answer that says so best)
        if query.intent == Intent.CHANGE or not query.waves or since:
            return replace(query, intent=Intent.CHANGE, measure=measure, waves=span)
        return query
    return replace(query, intent=Intent.TREND, measure=measure, order=order)


def _since(f: Features) -> bool:
    """ "Since 2023", "с весны", "көктемнен бері": a since word next to a period named."""
    if f.has("since"):
        return True
    near = SINCE_REACH
    periods = [*f.year_at, *(at for at, _named in f.period_at)]
    words = f.cues.get("since_word", ())
    return any(abs(word - at) <= near for word in words for at in periods)


def _span(named: tuple[str, ...], available: tuple[str, ...]) -> tuple[str, ...]:
    """The waves from the first named to the last (one named: "since" it, to the latest)."""
    if not named:
        return available
    first, last = min(named), max(named) if len(named) > 1 else available[-1]
    return tuple(w for w in available if first <= w <= last)
