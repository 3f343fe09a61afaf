"""Pieces the figure answers share: headings, list items, the scale note, the source
paragraph, the usual next steps, and the chart of a list of rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.figures import sources_of
from bot.intents.base import AnswerType
from bot.model import Answer, Figure, Intent, Lacking, Line, Message, Option, Query, Row, Span
from bot.phrases import Phrases, lower_first, sentence, unquoted_field, upper_first
from bot.questionnaire import BODIES, PLACES

if TYPE_CHECKING:
    from bot.charts import ChartSpec


def heading(text: str) -> Line:
    return (Span(text, bold=True),)


def title(answer: Answer, p: Phrases) -> str:
    """ "Police — April–May 2024 survey"; for counts by place, the date they came out."""
    query = answer.query
    role = p.catalog.questionnaire.role(query.topic)
    wave = p.wave(answer.wave or p.catalog.latest.id)
    if role == BODIES and len(query.subjects) == 1:
        name = p.subject(query.subjects[0])
    elif role == PLACES:
        published = p.store.sources().get(answer.sources[0] if answer.sources else "")
        name = p.topic(query.topic)
        if published is None or published.published is None:
            return name
        return p.gettext("{topic}, as published on {date}").format(
            topic=name, date=p.date(published.published)
        )
    else:
        name = p.topic(query.topic)
    return p.gettext("{name} — {wave}").format(name=name, wave=wave)


def row_line(row: Row, p: Phrases, brief: bool = False, label: str | None = None) -> Line:
    """ "• Label: **61.6%** (October–November 2023: 63.1%; down 1.5 pp)"."""
    line = p.item(label or p.row_label(row.figure), p.total(row))
    if row.change is None:
        return line
    before_wave = p.wave(row.change.from_wave or "", short=True)
    change = p.change(row.change)
    if row.previous is not None and change_is_repeat(row.change, p):
        context = p.gettext("({wave}: the same {value}, as published; see the note)").format(
            wave=before_wave, value=p.value(row.previous)
        )
    elif row.previous is not None:
        context = p.gettext("({wave}: {value}; {change})").format(
            wave=before_wave, value=p.value(row.previous), change=change
        )
    elif brief:
        context = f"({change})"
    else:
        context = p.gettext("({change} since {wave})").format(change=change, wave=before_wave)
    return (*line, Span(" " + context))


def unknown_lines(answer: Answer, p: Phrases) -> list[Line]:
    """ "• Difficult to answer: not known": a share the source did not show, never
    computed from the others."""
    topic = answer.query.topic or ""
    template = p.gettext("• {label}: not known (the published source does not show it)")
    return [
        (Span(template.format(label=upper_first(p.measure(topic, subject, measure)))),)
        for subject, measure in answer.unknown
    ]


def change_is_repeat(change: Figure, p: Phrases) -> bool:
    return change.value == 0 and p.catalog.repeats(change) is not None


def with_source(answer: Answer, p: Phrases, body: list[Line]) -> Message:
    """A figure answer: its lines, the notes on its figures, which wave "latest" is when
    the topic's figures stop before the latest survey, then the source paragraph."""
    lines = [*body]
    for note in notes_said(answer, p):
        lines += [(), (Span(note),)]
    lines += latest_note(answer, p)
    lines += [(), (Span(p.source_line(answer.sources, answer.query.topic)),)]
    return Message(tuple(lines))


def calculated(
    p: Phrases, topic: str, shown: Iterable[tuple[str, str]], neutral: bool = False
) -> list[str]:
    """ "“Trust in total (…)” is calculated by Senim as the sum of …", once for each
    derived measure of the (subject, measure) pairs shown; neutral: named without a
    body's scale (several bodies side by side)."""
    template = p.gettext("“{measure}” is calculated by Senim as the sum of {parts}.")
    first: dict[str, str] = {}  # derived measure -> the first subject shown with it
    for subject, measure in shown:
        if measure in p.catalog.derived:
            first.setdefault(measure, subject)
    said = []
    for measure, subject in first.items():
        parts = tuple(
            lower_first(p.measure(topic, subject, part)) for part in p.catalog.derived[measure]
        )
        name = p.neutral_measure(measure) if neutral else p.measure(topic, subject, measure)
        said.append(template.format(measure=upper_first(name), parts=p.list_of(parts)))
    return said


def notes_said(answer: Answer, p: Phrases) -> list[str]:
    """ "Note: …" for each note on the answer's figures (knowledge/notes.yaml)."""
    template = p.gettext("Note: {text}")
    return [
        template.format(text=p.name("note", note, "text"))
        for note in p.catalog.notes_on(answer.figures)
    ]


def figure_notes(answer: Answer, p: Phrases) -> str:
    """The notes on an answer's figures as one text: what a chart of them carries too."""
    return " ".join(notes_said(answer, p))


def latest_note(answer: Answer, p: Phrases) -> list[Line]:
    """A question that named no wave is answered for the latest wave that has its
    figures; when that is not the latest survey, the reply says so."""
    query = answer.query
    latest = p.catalog.latest.id
    if query.waves_named or query.waves or not answer.wave or answer.wave >= latest:
        return []
    if p.catalog.questionnaire.role(query.topic) == PLACES:  # counts by release, not survey
        text = p.gettext(
            "These are the latest figures on this that Senim has; figures from later releases "
            "are not available here."
        )
    else:
        text = p.gettext(
            "These are the latest figures on this that Senim has: the {wave}. For the {latest} "
            "they are not available here."
        ).format(wave=p.wave(answer.wave), latest=p.wave(latest))
    return [(), (Span(sentence(text)),)]


def no_figures(answer: Answer, p: Phrases) -> Message:
    """A query the store has no rows for (a wave without the figure)."""
    from bot.intents.not_available import refusal

    query = Query(
        Intent.NOT_AVAILABLE, topic=answer.query.topic, lacking=Lacking("wave", answer.wave)
    )
    return Message.of(refusal(query, p))


def not_known(answer: Answer, p: Phrases) -> Message:
    """Only shares the source did not show were asked for (a link, a button): said as a
    question asking for them is (bot.intents.not_available.not_published), with the
    latest wave that has them offered unless the wave was named."""
    from bot.intents.not_available import not_published, refusal

    waves = (answer.wave,) if answer.wave else answer.query.waves
    said = not_published(replace(answer.query, waves=waves), p.catalog)
    if said is None:
        return no_figures(answer, p)
    options: tuple[Option, ...] = ()
    if not answer.query.waves_named:
        options = tuple(Option(p.wave(o.waves[0]), o) for o in said.options)
    return Message.of(refusal(said, p), options=options)


def scale_note(answer: Answer, p: Phrases) -> list[Line]:
    """Rankings mix two answer scales: say which figures are agreement shares."""
    query = answer.query
    reading = p.catalog.questionnaire.by_topic.get(query.topic or "")
    if reading is None or reading.scale_note is None or reading.default is None:
        return []
    scale, measures = reading.scale_note
    measure = query.measure or reading.default
    if measure not in measures:
        return []  # a derived total names both of its parts already
    topic = query.topic or ""
    shown = {row.figure.subject for row in answer.rows}
    agreeing = [
        s for s in p.catalog.subjects[topic] if s in shown and p.catalog.scales[(topic, s)] == scale
    ]
    if not agreeing:
        return []
    names = p.list_of(tuple(p.subject(s, "genitive") for s in agreeing))
    if len(agreeing) == 1:
        note = p.gettext(
            "For {names} the question was whether the body can be trusted: "
            "“{measure}” there means “{answer}”."
        )
    else:
        note = p.gettext(
            "For {names} the question was whether these bodies can be trusted: "
            "“{measure}” there means “{answer}”."
        )
    answer_label = lower_first(p.measure(topic, agreeing[0], measure))
    text = unquoted_field(note, "answer", answer_label).format(
        names=names, measure=lower_first(p.neutral_measure(measure)), answer=answer_label
    )
    return [(), (Span(sentence(text)),)]


def chart_title(answer: Answer, p: Phrases) -> str:
    """A chart's title says what is measured, so a forwarded image stands alone: "Trust
    in the police: all answers — …" where the reply's heading is "Police — …"."""
    query = answer.query
    subjects = {row.figure.subject for row in answer.rows}
    if p.catalog.questionnaire.role(query.topic) != BODIES or len(subjects) != 1:
        return title(answer, p)
    (subject,) = subjects
    of_one = p.store.name("topic", query.topic or "", p.lang, "of_one")
    if of_one is None:
        return title(answer, p)
    name = upper_first(of_one.format(subject=p.subject(subject, "dative")))
    wave = p.wave(answer.wave or p.catalog.latest.id)
    if len({row.figure.measure for row in answer.rows}) > 1 and not answer.rows[0].parts:
        return p.gettext("{name}: all answers — {wave}").format(name=name, wave=wave)
    return p.gettext("{name} — {wave}").format(name=name, wave=wave)


class FigureAnswer(AnswerType):
    """An answer that states figures: a heading and lines of them, then the source; no
    rows at all is said as missing figures. Drawn with the same heading."""

    def heading(self, answer: Answer, p: Phrases) -> str:
        return title(answer, p)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        raise NotImplementedError

    def render(self, answer: Answer, p: Phrases) -> Message:
        if not answer.rows and answer.unknown:
            return not_known(answer, p)
        if not answer.rows:
            return no_figures(answer, p)
        return with_source(answer, p, self.lines(answer, p))

    def chart_heading(self, answer: Answer, p: Phrases) -> str:
        """The chart's title: the heading, unless a type's heading leaves out what is
        measured (then chart_title)."""
        return self.heading(answer, p)

    def chart(self, answer: Answer, p: Phrases) -> ChartSpec | None:
        return chart_of(answer, p, self.chart_heading(answer, p))


# -- next steps ----------------------------------------------------------------------------


def breakdown_step(query: Query, p: Phrases) -> list[Option]:
    if p.catalog.questionnaire.role(query.topic) == BODIES and len(query.subjects) == 1:
        step = replace(query, intent=Intent.BREAKDOWN, measure=None)
        return [Option(p.gettext("Full breakdown"), step)]
    return []


def change_step(query: Query, p: Phrases) -> list[Option]:
    if len(p.catalog.topic_waves.get(query.topic or "", ())) > 1:
        latest_two = replace(query, intent=Intent.CHANGE, waves=(), waves_named=False)
        return [Option(p.gettext("Change since the previous survey"), latest_two)]
    return []


def trend_step(query: Query, p: Phrases) -> list[Option]:
    """ "Over time": where the topic has more than two waves (two are a change)."""
    if len(p.catalog.topic_waves.get(query.topic or "", ())) <= 2 or not query.subjects:
        return []
    measure = None if query.intent == Intent.BREAKDOWN else query.measure
    over_time = Query(
        Intent.TREND,
        topic=query.topic,
        subjects=query.subjects,
        measure=measure,
        group=query.group,
    )
    return [Option(p.gettext("Over time"), over_time)]


def compare_step(query: Query, p: Phrases) -> list[Option]:
    if p.catalog.questionnaire.role(query.topic) != BODIES:
        return []
    measure = query.measure if query.intent in (Intent.VALUE, Intent.CHANGE) else None
    ranking = Query(
        Intent.RANKING,
        topic=query.topic,
        subjects=p.catalog.subjects[query.topic or ""],
        measure=measure,
        order="desc",
        waves=query.waves,
        waves_named=query.waves_named,
    )
    return [Option(p.gettext("Compare with the others"), ranking)]


# -- charts --------------------------------------------------------------------------------


def chart_of(
    answer: Answer, p: Phrases, heading_text: str, extra_note: str = ""
) -> ChartSpec | None:
    """The rows as bars (one value each) or, for a change, pairs of bars. What the text
    says about the figures goes on the image too, so a forwarded chart stands alone: the
    scale note of a ranking, which totals Senim calculated, the figures' notes, and
    extra_note (a ranking of places: only those published)."""
    from bot.charts import ChartSpec  # only a chart pays for the chart module

    rows = answer.rows
    if not rows:
        return None
    many = len({row.figure.subject for row in rows}) > 1
    if len(rows) == 1 and rows[0].parts and answer.query.intent != Intent.CHANGE:
        # one derived total ("trust in total"): the total and the published shares it adds
        rows = (rows[0], *(Row(part) for part in rows[0].parts))

    def label(row: Row) -> str:
        figure = row.figure
        if many or p.catalog.questionnaire.role(figure.topic) == PLACES:
            return p.subject(figure.subject)
        return p.measure(figure.topic, figure.subject, figure.measure)

    change = answer.query.intent == Intent.CHANGE
    if change:
        rows = tuple(row for row in rows if row.previous is not None)
        if not rows:
            return None
    else:  # bars show this wave's figures only: no note or source of the previous one's
        rows = tuple(row._replace(previous=None, change=None) for row in rows)
    drawn = replace(answer, rows=rows, spans=())
    labels = tuple(label(row) for row in rows)
    values = tuple(float(row.figure.value) for row in rows)
    texts = tuple(p.value(row.figure) for row in rows)
    footnote = p.source_line(sources_of(rows) or answer.sources, answer.query.topic)
    percent_axis = all(row.figure.unit == "percent" for row in rows)
    # The scale note explains a mix of scales: one body's own answers need none
    said = ["".join(s.text for s in line) for line in scale_note(answer, p) if line] if many else []
    topic = answer.query.topic or ""
    said += calculated(p, topic, ((r.figure.subject, r.figure.measure) for r in rows))
    note = " ".join(text for text in (*said, extra_note, figure_notes(drawn, p)) if text)
    if not change:
        return ChartSpec(
            "bars",
            heading_text,
            labels,
            values,
            texts,
            footnote,
            percent_axis=percent_axis,
            note=note,
        )
    before = [row.previous for row in rows if row.previous is not None]
    return ChartSpec(
        "change",
        heading_text,
        labels,
        values,
        texts,
        footnote,
        before=tuple(float(figure.value) for figure in before),
        before_texts=tuple(p.value(figure) for figure in before),
        series=(p.wave(answer.base_wave or "", short=True), p.wave(answer.wave or "", short=True)),
        percent_axis=percent_axis,
        note=note,
    )
