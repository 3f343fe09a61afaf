"""Asking back, with options: "Which body do you mean?"."""

from __future__ import annotations

from bot.intents.base import AnswerType
from bot.model import Answer, Intent, Message, Option, Query, Span
from bot.nlu.asked import Asked, Claim
from bot.nlu.roles import which_body
from bot.phrases import Phrases, sentence
from bot.questionnaire import BODIES, FACTS, PLACES, REASONS, SHARES


def claim_ask_back(a: Asked) -> Claim:
    """Words that, alone, leave the body open ("difficult to answer"): ask which."""
    for reading in a.q.readings:
        if reading.ask_back and a.holds(reading.ask_back) and a.context is None:
            return which_body(a)
    return None


def option_text(option: Query, p: Phrases) -> str:
    """A clarifying option as the question it stands for."""
    return sentence(_option_text(option, p))


def _option_text(option: Query, p: Phrases) -> str:
    role = p.catalog.questionnaire.role(option.topic)
    names = p.list_of(tuple(p.subject(s) for s in option.subjects))
    if option.intent == Intent.COMPARE:
        return p.gettext("Compare: {names}").format(names=names)
    if option.intent == Intent.CHANGE and role in (BODIES, SHARES):
        what = names if role == BODIES and len(option.subjects) == 1 else p.topic(option.topic)
        return p.gettext("{name}: the change between the survey waves").format(name=what)
    if role == PLACES and option.intent != Intent.RANKING:  # offered for a place
        return p.gettext("{measure} — {name}").format(measure=p.topic(option.topic), name=names)
    if role in (PLACES, FACTS):
        return p.topic(option.topic)
    if option.intent == Intent.RANKING and not option.waves:
        return p.gettext("Which body do people trust most?")
    period = p.wave(option.waves[0], short=True) if option.waves else ""
    if option.intent == Intent.RANKING:
        return p.gettext("Which body was trusted most in {period}?").format(period=period)
    if role in (SHARES, REASONS) and not period:
        return p.topic(option.topic)
    if role == SHARES:
        return p.gettext("How safe did people feel in {period}?").format(period=period)
    if role == REASONS:
        return p.gettext("Why did people feel unsafe in {period}?").format(period=period)
    if not option.subjects:
        return p.topic(option.topic)
    subject = option.subjects[0]
    if option.measure:
        return p.gettext("{measure} — {name}").format(
            measure=p.measure(option.topic or "", subject, option.measure),
            name=p.subject(subject),
        )
    return p.gettext("How much do people trust {name}?").format(name=p.subject(subject, "dative"))


def topic_options(wave: str | None, p: Phrases) -> tuple[Query, ...]:
    """For a wave named alone ("2023?"): the headline of each kind, in that wave; for
    "how many?" alone (no wave), the headline of each kind."""
    waves = (wave,) if wave else ()
    bodies_topic, bodies = p.catalog.of_role(BODIES)
    options = [
        Query(
            Intent.RANKING,
            topic=bodies_topic,
            subjects=bodies,
            order="desc",
            waves=waves,
            waves_named=bool(waves),
        )
    ]
    for role in (SHARES, REASONS):
        topic = p.catalog.questionnaire.topic(role)
        if topic is not None:
            subjects = p.catalog.sole_subject(topic)
            options.append(
                Query(
                    Intent.VALUE,
                    topic=topic,
                    subjects=subjects,
                    waves=waves,
                    waves_named=bool(waves),
                )
            )
    return tuple(options)


class Clarify(AnswerType):
    intents = (Intent.CLARIFY,)

    def render(self, answer: Answer, p: Phrases) -> Message:
        query = answer.query
        options = query.options
        if query.asked == "topic" and query.waves:
            wave = query.waves[0]
            options = topic_options(wave, p)
            head = p.gettext("What should I show for the {wave}?").format(wave=p.wave(wave))
        elif query.asked == "topic":
            options = topic_options(None, p)
            head = p.gettext("Which figure do you mean?")
        elif query.asked == "places":
            head = p.gettext("For regions I have only the registered crime figures. Show them?")
        else:
            head = p.gettext("Which body do you mean?")
        rendered = tuple(Option(option_text(o, p), o) for o in options)
        lines = ((Span(head),), *((Span("• " + o.text),) for o in rendered))
        return Message(lines, options=rendered)


ANSWER = Clarify()
