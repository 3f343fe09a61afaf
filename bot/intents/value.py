"""One figure, or the figures of one measure: "how many trust the police?"."""

from __future__ import annotations

from dataclasses import replace

from bot.figures import Lookup, sources_of
from bot.intents.common import (
    FigureAnswer,
    breakdown_step,
    change_step,
    chart_title,
    compare_step,
    heading,
    row_line,
    title,
    trend_step,
    unknown_lines,
)
from bot.model import Answer, Intent, Line, Option, Query, Row, Span
from bot.phrases import Phrases
from bot.questionnaire import BODIES


def at_wave(query: Query, look: Lookup, *, every: bool = False, context: bool = False) -> Answer:
    """The figures of a query in its wave. every: each answer category of the subjects'
    scale. context: a question that named no wave also gets the change since the
    previous wave (and, for one category, that wave's figure)."""
    wave = look.wave_for(query)
    previous = look.catalog.previous(wave) if context and not query.waves_named else None
    rows: list[Row] = []
    omitted: list[str] = []
    unknown: list[tuple[str, str]] = []
    for subject in query.subjects:
        for measure in look.measures(query, subject, every=every):
            row = look.row(query.topic or "", subject, measure, wave)
            if row is None and look.catalog.not_shown(query.topic or "", subject, measure, wave):
                unknown.append((subject, measure))
                continue
            if row is None:
                omitted.append(subject)
                continue
            if previous is not None:
                row = look.with_previous(row, previous.id, keep_value=not every)
            rows.append(row)
    return Answer(
        query,
        tuple(rows),
        wave=wave,
        sources=sources_of(rows),
        omitted=tuple(omitted),
        unknown=tuple(unknown),
    )


def figure_lines(answer: Answer, p: Phrases) -> list[Line]:
    """The heading and one item per figure, with the change since the previous wave."""
    lines: list[Line] = [heading(title(answer, p))]
    changes = [r.change for r in answer.rows if r.change is not None and r.previous is None]
    if len(changes) > 1:
        since = p.wave(changes[0].from_wave or "", short=True)
        lines.append((Span(p.gettext("In brackets: change since {wave}.").format(wave=since)),))
    # Every answer of one body: the question once above, the answers short under it
    # ("Толық келіседі", not "Сенуге болатынымен толық келіседі" on every line)
    subjects = {row.figure.subject for row in answer.rows}
    question = None
    if answer.query.intent == Intent.BREAKDOWN and len(subjects) == 1:
        question = p.scale_question(answer.query.topic or "", next(iter(subjects)))
    if question:
        lines.insert(1, (Span(question),))
    for row in answer.rows:
        figure = row.figure
        label = None
        if question and not figure.derived:
            label = p.measure(figure.topic, figure.subject, figure.measure, "in_list")
        lines.append(row_line(row, p, brief=len(changes) > 1, label=label))
    lines += unknown_lines(answer, p)
    return lines


class Value(FigureAnswer):
    intents = (Intent.VALUE,)
    code = "v"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return at_wave(query, look, context=True)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        return figure_lines(answer, p)

    def chart_heading(self, answer: Answer, p: Phrases) -> str:
        return chart_title(answer, p)

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        return (
            *breakdown_step(query, p),
            *change_step(query, p),
            *trend_step(query, p),
            *compare_step(query, p),
        )

    def chart_query(self, query: Query, p: Phrases) -> Query:
        """One body's figure is charted with all its answer categories."""
        role = p.catalog.questionnaire.role(query.topic)
        if query.measure in p.catalog.derived:
            return query  # a total is drawn with the shares it adds, not the breakdown
        if role == BODIES and len(query.subjects) == 1:
            return replace(query, intent=Intent.BREAKDOWN, measure=None)
        return query


ANSWER = Value()
