"""About the survey itself: its waves, releases, sources and method."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.figures import Lookup, sources_of
from bot.intents.base import AnswerType
from bot.intents.common import chart_of, heading, row_line
from bot.model import Answer, Intent, Line, Message, Query, Row, Span
from bot.nlu.asked import Asked, Claim
from bot.phrases import Phrases
from bot.questionnaire import FACTS

if TYPE_CHECKING:
    from bot.charts import ChartSpec

KINDS = ("sources", "method", "next_release", "release", "fieldwork")


def claim(a: Asked) -> Claim:
    """A question about nothing the survey measures may be about the survey itself."""
    if a.about_anything:
        return None
    info = _info(a)
    return Query(Intent.SURVEY_INFO, info=info) if info else None


def _info(a: Asked) -> str | None:
    if a.has("source") or (a.has("which") and a.has("fieldwork", "poll") and not a.has("when")):
        return "sources"
    if a.has("method"):
        return "method"
    if a.has("next"):
        return "next_release"
    if a.has("release"):
        return "release"
    if a.has("when") and a.has("poll", "fieldwork", "wave"):
        return "fieldwork"
    if a.has("fieldwork") and a.has("poll"):
        return "fieldwork"
    if a.has("when"):
        return "release"
    return None


class SurveyInfo(AnswerType):
    intents = (Intent.SURVEY_INFO,)
    code = "i"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        if query.info != "method":
            return Answer(query)
        topic = look.catalog.questionnaire.topic(FACTS)
        rows = tuple(Row(f) for f in look.store.facts(topic)) if topic else ()
        wave = rows[0].figure.wave if rows else None
        return Answer(query, rows, wave=wave, sources=sources_of(rows))

    def render(self, answer: Answer, p: Phrases) -> Message:
        info = answer.query.info
        if info == "sources":
            return Message(self._sources(p))
        if info == "method":
            return Message(self._method(answer, p))
        if info == "next_release":
            return Message.of(self._next_release(p))
        label = p.gettext("Survey waves") if info == "fieldwork" else p.gettext("Releases")
        template = p.gettext("• {wave}: fieldwork {months}, released on {date}")
        lines: list[Line] = [heading(label)]
        for wave in p.catalog.waves:
            text = template.format(
                wave=p.wave(wave.id), months=p.wave(wave.id, short=True), date=p.date(wave.released)
            )
            lines.append((Span(text),))
        return Message(tuple(lines))

    def chart(self, answer: Answer, p: Phrases) -> ChartSpec | None:
        return chart_of(answer, p, method_term(p)) if answer.rows else None

    @staticmethod
    def _sources(p: Phrases) -> tuple[Line, ...]:
        lines: list[Line] = [heading(p.gettext("Sources"))]
        template = p.gettext("• {publisher}: “{title}”, {date}. {url}")
        for source in p.store.sources().values():
            text = template.format(
                publisher=p.name("source", source.id),
                title=source.title,
                date=p.date(source.published),
                url=source.url,
            )
            lines.append((Span(text.replace(".. ", ". ")),))  # a date that ends in "г."
        return tuple(lines)

    @staticmethod
    def _method(answer: Answer, p: Phrases) -> tuple[Line, ...]:
        term = _method_term_id(p)
        lines: list[Line] = [
            heading(p.name("glossary", term)),
            (Span(p.name("glossary", term, "definition")),),
            *(row_line(row, p) for row in answer.rows),
            (),
            (Span(p.source_line(answer.sources)),),
        ]
        return tuple(lines)

    @staticmethod
    def _next_release(p: Phrases) -> str:
        latest = p.catalog.latest
        if latest.next_release:
            return p.gettext("The next release is scheduled for {date}.").format(
                date=p.date(latest.next_release)
            )
        return p.gettext(
            "No date for the next release has been published yet. The latest results "
            "({wave}) came out on {date}."
        ).format(wave=p.wave(latest.id), date=p.date(latest.released))


def _method_term_id(p: Phrases) -> str:
    reading = p.catalog.questionnaire.by_role.get(FACTS)
    return (reading.glossary if reading else None) or ""


def method_term(p: Phrases) -> str:
    return p.name("glossary", _method_term_id(p))


ANSWER = SurveyInfo()
