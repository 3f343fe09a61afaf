"""Every subject of a topic, ordered: "which body do people trust most?"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.figures import Lookup
from bot.intents.common import (
    FigureAnswer,
    change_step,
    chart_of,
    heading,
    scale_note,
    title,
    trend_step,
)
from bot.intents.value import at_wave
from bot.model import Answer, Intent, Line, Option, Query, Span
from bot.phrases import Phrases, spans, upper_first
from bot.questionnaire import BODIES, PLACES


def ordered(query: Query, look: Lookup) -> Answer:
    """The figures of the subjects, highest first (order "asc": lowest first)."""
    answer = at_wave(query, look)
    rows = sorted(answer.rows, key=lambda r: r.figure.value, reverse=query.order != "asc")
    return Answer(
        query, tuple(rows), wave=answer.wave, sources=answer.sources, omitted=answer.omitted
    )


def ranking_heading(answer: Answer, p: Phrases) -> str:
    query = answer.query
    reading = p.catalog.questionnaire.by_topic.get(query.topic or "")
    if reading is not None and reading.role == PLACES:
        return title(answer, p)
    label = p.neutral_measure(query.measure or (reading.default if reading else "") or "")
    if query.intent == Intent.COMPARE:
        # "Trust: police vs courts — …": what is compared, and whose, in the order shown
        shown = [row.figure.subject for row in answer.rows] or list(query.subjects)
        names = p.gettext(" vs ").join(p.subject(s, "in_text") for s in shown)
        return p.gettext("{measure}: {names} — {wave}").format(
            measure=label, names=names, wave=p.wave(answer.wave or "")
        )
    if query.order == "asc":
        template = p.gettext("Ranking by “{measure}”, lowest first — {wave}")
    else:
        template = p.gettext("Ranking by “{measure}” — {wave}")
    return template.format(measure=label, wave=p.wave(answer.wave or ""))


def ranked_lines(answer: Answer, p: Phrases) -> list[Line]:
    query = answer.query
    role = p.catalog.questionnaire.role(query.topic)
    lines: list[Line] = [heading(ranking_heading(answer, p))]
    template = p.gettext("{place}. {name}: {value}")
    for place, row in enumerate(answer.rows, start=1):
        name = upper_first(p.subject(row.figure.subject))
        lines.append(spans(template, {"value"}, place=place, name=name, value=p.total(row)))
    if role == BODIES:
        lines += scale_note(answer, p)
    note = places_note(query, p)
    if note:
        lines += [(), (Span(note),)]
    if answer.omitted:
        reading = p.catalog.questionnaire.by_topic.get(query.topic or "")
        measure = query.measure or (reading.default if reading else "") or ""
        names = tuple(p.subject(s) for s in answer.omitted)
        text = p.gettext("No “{measure}” answer in the questionnaire for: {names}.")
        lines.append(
            (Span(text.format(measure=p.neutral_measure(measure), names=p.list_of(names))),)
        )
    return lines


if TYPE_CHECKING:
    from bot.charts import ChartSpec


def places_note(query: Query, p: Phrases) -> str:
    """The release names only the places with the most crimes: without this, the last of
    them reads as the country's lowest (said in the text and on the chart)."""
    role = p.catalog.questionnaire.role(query.topic)
    if role != PLACES or query.intent != Intent.RANKING:
        return ""
    count = len(p.catalog.subjects[query.topic or ""])
    note = p.t.ngettext(
        "The release names only the {count} region with the most registered crimes; "
        "figures for the other regions were not published.",
        "The release names only the {count} regions with the most registered crimes; "
        "figures for the other regions were not published.",
        count,
    )
    note = note.format(count=count)
    if query.order == "asc":  # "which region has the fewest?": of these, not overall
        note += " " + p.gettext("So which region of the country has the fewest is not known.")
    return note


class Ranking(FigureAnswer):
    intents = (Intent.RANKING,)
    code = "r"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return ordered(query, look)

    def heading(self, answer: Answer, p: Phrases) -> str:
        return ranking_heading(answer, p)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        return ranked_lines(answer, p)

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        return (*change_step(query, p), *trend_step(query, p))

    def chart(self, answer: Answer, p: Phrases) -> ChartSpec | None:
        note = places_note(answer.query, p)
        return chart_of(answer, p, self.heading(answer, p), extra_note=note)


ANSWER = Ranking()
