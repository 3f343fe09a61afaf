"""A term of the release's glossary: "what counts as a crime?", "what is LSSRPGO?"."""

from __future__ import annotations

from bot.intents.base import AnswerType
from bot.intents.common import heading
from bot.model import Answer, Intent, Message, Query, Span
from bot.nlu.asked import INTENT_CUES, Asked, Claim
from bot.phrases import Phrases

TERM_BREAKERS = frozenset(INTENT_CUES)  # "rank the law enforcement bodies" is no definition


def claim_term(a: Asked) -> Claim:
    """A glossary term, asked to be defined, or named without any topic or answer cue."""
    f = a.f
    if f.glossary and (a.has("define") or not a.has_any(a.q.topic_cues | TERM_BREAKERS)):
        return Query(Intent.GLOSSARY, term=f.glossary[0])
    return None


def claim_topic_term(a: Asked) -> Claim:
    """ "What is a crime?": the definition of a topic named as such, not of a subject."""
    if not a.has("define"):
        return None
    for reading in a.q.readings:
        if reading.glossary and a.holds(reading.said) and not a.named(reading.topic):
            return Query(Intent.GLOSSARY, term=reading.glossary)
    return None


class Glossary(AnswerType):
    intents = (Intent.GLOSSARY,)
    code = "g"

    def render(self, answer: Answer, p: Phrases) -> Message:
        term = answer.query.term or ""
        source = next((s for ident, s in p.store.glossary_terms() if ident == term), "")
        return Message(
            (
                heading(p.name("glossary", term)),
                (Span(p.name("glossary", term, "definition")),),
                (),
                (Span(p.source_line((source,))),),
            )
        )


ANSWER = Glossary()
