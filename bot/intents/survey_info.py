"""About the survey itself: its waves, releases, sources and method."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.figures import Lookup, sources_of
from bot.intents.base import AnswerType
from bot.intents.common import heading, row_line
from bot.model import Answer, Intent, Line, Message, Query, Row, Span
from bot.nlu.asked import Asked, Claim
from bot.nlu.features import JOINS
from bot.phrases import Phrases, sentence
from bot.questionnaire import FACTS

if TYPE_CHECKING:
    from bot.charts import ChartSpec

KINDS = ("sources", "method", "interview", "next_release", "release", "fieldwork", "coverage")
# "By phone or at home?", "who does the interviews?": the method, without the sample's
# figures, which do not answer that (a general "how was it done?" states them).
METHODS = ("method", "interview")
FACT = "fact"  # the lexicon's fact/<id> concepts: a survey figure is named


def claim(a: Asked) -> Claim:
    """A question about nothing the survey measures may be about the survey itself; one
    that asks where figures come from is about their sources, whatever the figures."""
    context = a.context
    follows_on = context is not None and context.states_figures and a.elliptical
    waved = a.f.wave_words or a.has("previous")  # ("and the same in the previous release?")
    if follows_on and waved and not a.has("when", "next", "source"):
        return None  # "and in the January 2024 release?": that figure, then
    f = a.f
    if a.has("coverage") and not (f.institutions or f.regions or f.facts or f.reasons):
        # "which bodies does the survey cover?": what it asks about, not their figures
        return Query(Intent.SURVEY_INFO, info="coverage")
    if a.has("which") and a.has("release") and not f.years:
        # "which release published the crime figures?", "which release is the police
        # figure from?": the sources, for that topic
        return Query(Intent.SURVEY_INFO, info="sources", topic=_topic_asked(a))
    if a.has("source") and not _figure_and_its_source(a):
        return Query(Intent.SURVEY_INFO, info="sources", topic=_topic_asked(a))
    dated = a.has("when", "next") and a.has("release", "poll", "fieldwork", "wave")
    # "were people interviewed by phone?" names the survey's respondents, and asks how
    interview = a.has("interview") and FACT not in a.f.concepts and _only_the_survey(a)
    if a.about_anything and not dated and not interview:  # "when is the next release
        return None  # on trust?" is dated
    info = _info(a)
    return Query(Intent.SURVEY_INFO, info=info) if info else None


def _topic_asked(a: Asked) -> str | None:
    """The topic whose sources are asked: one named by its own word ("the crime figures:
    the Bureau or the prosecutor's office?"), else the first the words ask about."""
    readings = a.q.readings
    said = next((r.topic for r in readings if r.said is not None and a.holds(r.said)), None)
    return said or next((r.topic for r in readings if a.holds(r.asked_by)), None)


def _figure_and_its_source(a: Asked) -> bool:
    """ "the latest trust figure for the courts, and what should we cite?": the figure,
    which every answer gives with its source ("which release is the police figure
    from?" asks the source alone)."""
    # ("who compiled the crime figures: the Bureau or the prosecutor's office?" names a
    # body and asks no figure of it)
    asks_figure = a.has("how_many", "share") or a.holds(a.q.signals.get("asks_trust"))
    return bool(a.f.institutions or a.f.regions) and JOINS in a.f.cues and asks_figure


def _only_the_survey(a: Asked) -> bool:
    """No topic but the survey itself is asked about (its respondents, its sample)."""
    asked = {r.role for r in a.q.readings if a.holds(r.asked_by) and not a.holds(r.unless)}
    return asked <= {FACTS}


def _info(a: Asked) -> str | None:
    # "which poll is it from?" is a source; "which figures in the previous poll?" is not
    which_poll = a.has("which") and a.has("fieldwork", "poll") and not a.has("when")
    if a.has("source") or (which_poll and not a.has("previous", "latest") and not a.f.years):
        return "sources"
    if a.has("interview") and FACT not in a.f.concepts:
        return "interview"
    if a.has("method", "interview"):
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
        if query.info not in METHODS:
            return Answer(query)
        topic = look.catalog.questionnaire.topic(FACTS)
        facts = tuple(Row(f) for f in look.store.facts(topic)) if topic else ()
        if query.info != "method":  # the release's method notes are the source still
            return Answer(query, sources=sources_of(facts))
        rows = facts
        wave = rows[0].figure.wave if rows else None
        return Answer(query, rows, wave=wave, sources=sources_of(rows))

    def render(self, answer: Answer, p: Phrases) -> Message:
        info = answer.query.info
        if info == "sources":
            return Message(self._sources(p, answer.query.topic))
        if info in METHODS:
            return Message(self._method(answer, p))
        if info == "next_release":
            return Message.of(sentence(self._next_release(p)))
        if info == "coverage":
            return Message(self._coverage(p))
        label = p.gettext("Survey waves") if info == "fieldwork" else p.gettext("Releases")
        template = p.gettext("• {wave}: fieldwork {months}, released on {date}")
        undated = p.gettext(
            "• {wave}: fieldwork {months}; the release date is not known here ({url})"
        )
        lines: list[Line] = [heading(label)]
        sources = p.store.sources()
        for wave in p.catalog.waves:
            source = sources.get(wave.source)
            text = (template if wave.released else undated).format(
                wave=p.wave(wave.id),
                months=p.wave(wave.id, short=True),
                date=p.date(wave.released) if wave.released else "",
                url=source.url if source else "",
            )
            lines.append((Span(text),))
        return Message(tuple(lines))

    def chart(self, answer: Answer, p: Phrases) -> ChartSpec | None:
        """The method's figures (households, a share, ages) mean nothing on one axis."""
        return None

    @staticmethod
    def _sources(p: Phrases, asked: str | None) -> tuple[Line, ...]:
        lines: list[Line] = [heading(p.gettext("Sources"))]
        template = p.gettext("• {publisher}: “{title}”, {date}. {url}")
        undated = p.gettext("• {publisher}: “{title}”, date not known here. {url}")
        for topic in (asked,) if asked else p.catalog.topics:
            collected = p.store.name("topic", topic, p.lang, "collected_by")
            if collected:  # "who collects the crime data": figures another body keeps
                text = p.gettext("• {topic}: {collected}.").format(
                    topic=p.topic(topic), collected=collected
                )
                lines.append((Span(text),))
        for source in p.store.sources().values():
            text = (template if source.published else undated).format(
                publisher=p.name("source", source.id),
                title=source.title,
                date=p.date(source.published) if source.published else "",
                url=source.url,
            )
            lines.append((Span(text.replace(".. ", ". ")),))  # a date that ends in "г."
        return tuple(lines)

    @staticmethod
    def _coverage(p: Phrases) -> tuple[Line, ...]:
        """Each topic the releases have, with its subjects when there are several."""
        lines: list[Line] = [heading(p.gettext("What the survey and the releases cover"))]
        for topic in p.catalog.topics:
            subjects = p.catalog.subjects.get(topic, ())
            if len(subjects) > 1:
                names = p.list_of(tuple(p.subject(s) for s in subjects))
                text = p.gettext("• {topic}: {subjects}").format(
                    topic=p.topic(topic), subjects=names
                )
            else:
                text = "• " + p.topic(topic)
            lines.append((Span(text),))
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
        waves = p.catalog.waves
        latest = waves[-1]
        if latest.next_release:
            return p.gettext("The next release is scheduled for {date}.").format(
                date=p.date(latest.next_release)
            )
        # What the newest release that named its successor said, and where newer ones
        # appear: "not announced" would be a claim about releases Senim has not seen.
        announced = next((w for w in reversed(waves) if w.next_release), None)
        where = _publisher_site(p)
        if announced is None:
            return p.gettext(
                "The releases I have name no date for the next one; new releases appear on {site}."
            ).format(site=where)
        if latest.released is None:
            template = p.gettext(
                "The release of {released} named {next} as the date of the next one; the "
                "results of the {latest} have come out since (their release date is not "
                "known here). I have no later announcement: new releases appear on {site}."
            )
        else:
            template = p.gettext(
                "The release of {released} named {next} as the date of the next one; the "
                "results of the {latest} came out on {latest_date}. I have no later "
                "announcement: new releases appear on {site}."
            )
        return template.format(
            released=p.date(announced.released, qualifies=True) if announced.released else "",
            next=p.date(announced.next_release or ""),
            latest=p.wave(latest.id),
            latest_date=p.date(latest.released) if latest.released else "",
            site=where,
        )


def _publisher_site(p: Phrases) -> str:
    """The official publisher's site, from its release's address (stat.gov.kz)."""
    for source in p.store.sources().values():
        if source.kind == "official_release" and source.url:
            return source.url.split("//", 1)[-1].split("/", 1)[0]
    return ""


def _method_term_id(p: Phrases) -> str:
    reading = p.catalog.questionnaire.by_role.get(FACTS)
    return (reading.glossary if reading else None) or ""


def method_term(p: Phrases) -> str:
    return p.name("glossary", _method_term_id(p))


ANSWER = SurveyInfo()
