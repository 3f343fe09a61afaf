"""Greetings, thanks, help, and questions about something else: a short reply with
examples of what Senim answers."""

from __future__ import annotations

from bot.intents.base import AnswerType
from bot.model import Answer, Intent, Line, Message, Query, Span
from bot.nlu.asked import INTENT_CUES, Asked, Claim
from bot.phrases import Phrases
from bot.questionnaire import BODIES, PLACES

INTENTS = (Intent.GREETING, Intent.THANKS, Intent.HELP, Intent.OUT_OF_SCOPE)


def claim_off_topic(a: Asked) -> Claim:
    """ "What is the weather in Astana?": off topic, unless it names a body or a topic;
    "tell me a joke about cops" always is."""
    if a.has("entertainment") or (
        a.has("offtopic") and not (a.f.institutions or a.has_any(a.q.topic_cues))
    ):
        return Query(Intent.OUT_OF_SCOPE)
    return None


def fallback(a: Asked, waves: list[str]) -> Query:
    """What is left when nothing claimed the question and it is no follow-up."""
    if waves or a.f.years or a.has("share"):
        return Query(Intent.CLARIFY, asked="topic", waves=tuple(waves))
    if a.has("thanks"):
        return Query(Intent.THANKS)
    if a.has("greeting"):
        return Query(Intent.GREETING)
    if a.has("help"):
        return Query(Intent.HELP)
    if a.has("how_many", *INTENT_CUES) and not a.f.unexplained:
        # "how many?", "how did it change?", "сол көрсеткіш қанша болды?" with nothing
        # before them: about the survey, but which figure? Ask back.
        return Query(Intent.CLARIFY, asked="topic")
    return Query(Intent.OUT_OF_SCOPE)


def examples(p: Phrases) -> list[Line]:
    return [(Span("• " + example),) for example in p.examples()]


def help_lines(p: Phrases) -> list[Line]:
    _bodies_topic, bodies = p.catalog.of_role(BODIES)
    _places_topic, places = p.catalog.of_role(PLACES)
    waves = tuple(p.wave(w.id, short=True) for w in p.catalog.waves)
    text = p.gettext(
        "I know, from the published releases:\n"
        "• trust in: {bodies} (survey waves: {waves});\n"
        "• how safe people feel in their area, and why some feel unsafe;\n"
        "• registered crimes in: {regions};\n"
        "• the survey itself: sample, ages, dates, sources.\n"
        "Ask in Kazakh, Russian or English, in your own words. For example:"
    ).format(
        bodies=p.list_of(tuple(p.subject(s, "in_text") for s in bodies)),
        waves=p.list_of(waves),
        regions=p.list_of(tuple(p.subject(s) for s in places)),
    )
    rule = p.gettext(
        "I answer in the language you write in; /language sets the language of commands "
        "and buttons."
    )
    said = text.split("\n")
    # (before "Ask in Kazakh, Russian or English… For example:", which the examples follow)
    said.insert(len(said) - 1, rule)
    return [*((Span(line),) for line in said), *examples(p)]


class SmallTalk(AnswerType):
    intents = INTENTS

    def render(self, answer: Answer, p: Phrases) -> Message:
        intent = answer.query.intent
        if intent == Intent.THANKS:
            return Message.of(p.gettext("You're welcome! Ask me anything else about the survey."))
        if intent == Intent.HELP:
            return Message(tuple(help_lines(p)))
        if intent == Intent.GREETING:
            head = p.gettext(
                "Hello! I'm Senim. I answer questions about the Bureau of National Statistics "
                "survey of public trust in law enforcement and the courts, with the exact "
                "published figures and their source. Try:"
            )
        else:
            head = p.gettext(
                "I only answer questions about the survey of public trust in law enforcement "
                "and the courts. For example:"
            )
        return Message(((Span(head),), *examples(p)))


ANSWER = SmallTalk()
