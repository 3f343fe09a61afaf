"""The same figures in two waves, and the difference: "how did trust in the courts change?"."""

from __future__ import annotations

from decimal import Decimal

from bot.figures import Lookup, change, sources_of
from bot.intents.common import (
    FigureAnswer,
    breakdown_step,
    compare_step,
    heading,
    scale_note,
    trend_step,
)
from bot.intents.not_available import refusal
from bot.intents.waves import a_year_apart
from bot.model import Answer, Intent, Lacking, Line, Message, Option, Query, Row, Span
from bot.phrases import Phrases, spans
from bot.questionnaire import BODIES


def between(query: Query, look: Lookup) -> Answer:
    """The query's figures in its two waves: the two named, or the one named (else the
    latest) and the wave before it (or, for the first wave, the latest)."""
    available = look.catalog.topic_waves.get(query.topic or "", ())
    if len(query.waves) >= 2:
        base, wave = sorted(query.waves)[0], sorted(query.waves)[-1]
    else:
        wave = query.waves[-1] if query.waves else available[-1]
        previous = look.catalog.previous(wave)
        if previous is None:
            # the first wave named ("than in autumn 2023", "2023 жылғы күзбен
            # салыстырғанда"): what it is compared with is now, the latest
            later = [w for w in available if w > wave]
            base, wave = wave, later[-1] if later else wave
        else:
            base = previous.id
    if base == wave:  # one wave (a link made by hand): nothing to compare it with
        return Answer(query, wave=wave)
    rows = []
    for subject in query.subjects:
        for measure in look.measures(query, subject):
            now = look.row(query.topic or "", subject, measure, wave)
            before = look.row(query.topic or "", subject, measure, base)
            if now is None or before is None:
                continue
            rows.append(Row(now.figure, (), before.figure, change(before.figure, now.figure)))
    if len(rows) > 1 and len(rows) == len({row.figure.subject for row in rows}):
        # Subjects side by side: the biggest rise first, or with order "asc" the biggest
        # fall first ("where did trust fall most?").
        rows.sort(
            key=lambda r: r.change.value if r.change else Decimal(0),
            reverse=query.order != "asc",
        )
    return Answer(query, tuple(rows), wave=wave, base_wave=base, sources=sources_of(rows))


def change_heading(answer: Answer, p: Phrases) -> str:
    query = answer.query
    before = p.wave(answer.base_wave or "", short=True)
    after = p.wave(answer.wave or "", short=True)
    bodies = p.catalog.questionnaire.role(query.topic) == BODIES
    many = len({row.figure.subject for row in answer.rows}) > 1
    if bodies and many and len(answer.rows) == len(query.subjects):
        # between() sorts bodies by their change; the heading says which way
        template = (
            p.gettext("Change in “{measure}”, biggest fall first: {before} → {after}")
            if query.order == "asc"
            else p.gettext("Change in “{measure}”, biggest rise first: {before} → {after}")
        )
        reading = p.catalog.questionnaire.by_topic[query.topic or ""]
        measure = p.neutral_measure(query.measure or reading.default or "")
        return template.format(measure=measure, before=before, after=after)
    if bodies and len(query.subjects) == 1:
        name = p.subject(query.subjects[0])
    else:
        name = p.topic(query.topic)
    return p.gettext("{name}: {before} → {after}").format(name=name, before=before, after=after)


def change_lines(answer: Answer, p: Phrases) -> list[Line]:
    many = len({row.figure.subject for row in answer.rows}) > 1
    lines: list[Line] = [heading(change_heading(answer, p))]
    template = p.gettext("• {label}: {before} → {after} ({change})")
    for row in answer.rows:
        figure = row.figure
        if many:
            label = p.subject(figure.subject)
        else:
            label = p.measure(figure.topic, figure.subject, figure.measure)
        lines.append(
            spans(
                template,
                {"after"},
                label=label,
                before=p.value(row.previous) if row.previous else "",
                after=p.value(figure),
                change=p.change(row.change) if row.change else "",
            )
        )
    if p.catalog.questionnaire.role(answer.query.topic) == BODIES and many:
        lines += scale_note(answer, p)
    if answer.base_wave and answer.wave and a_year_apart(answer.base_wave, answer.wave):
        text = p.gettext("Year on year: the same season a year apart, as the Bureau compares.")
        lines += [(), (Span(text),)]
    return lines


class Change(FigureAnswer):
    intents = (Intent.CHANGE,)
    code = "c"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return between(query, look)

    def render(self, answer: Answer, p: Phrases) -> Message:
        if not answer.rows and len(p.catalog.topic_waves.get(answer.query.topic or "", ())) < 2:
            lacking = Query(
                Intent.NOT_AVAILABLE, topic=answer.query.topic, lacking=Lacking("change")
            )
            return Message.of(refusal(lacking, p))
        return super().render(answer, p)

    def heading(self, answer: Answer, p: Phrases) -> str:
        return change_heading(answer, p)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        return change_lines(answer, p)

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        return (*breakdown_step(query, p), *trend_step(query, p), *compare_step(query, p))


ANSWER = Change()
