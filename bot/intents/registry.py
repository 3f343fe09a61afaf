"""Every answer type, and the order in which claims read a question.

A question is read by the first claim that takes it (a Query); a claim may also say
that the question is a follow-up (NEEDS_CONTEXT), which ends the search. Topic
questions are read by role (bot.nlu.roles), in the order of
knowledge/questionnaire.yaml. What no claim takes is a follow-up or small talk
(bot.nlu.parse).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.intents import (
    breakdown,
    change,
    clarify,
    compare,
    glossary,
    not_available,
    ranking,
    small_talk,
    survey_facts,
    survey_info,
    trend,
    value,
)
from bot.intents.base import AnswerType
from bot.model import Intent
from bot.nlu.asked import Asked, Claim
from bot.nlu.roles import claim_topic

CLAIMS: tuple[Callable[[Asked], Claim], ...] = (
    not_available.claim_instruction,
    glossary.claim_term,
    glossary.claim_topic_term,
    small_talk.claim_off_topic,
    survey_info.claim,
    not_available.claim_unavailable,
    claim_topic,
    clarify.claim_ask_back,
)

ANSWER_TYPES: tuple[AnswerType, ...] = (
    value.ANSWER,
    breakdown.ANSWER,
    change.ANSWER,
    trend.ANSWER,
    compare.ANSWER,
    ranking.ANSWER,
    survey_facts.ANSWER,
    survey_info.ANSWER,
    glossary.ANSWER,
    clarify.ANSWER,
    not_available.ANSWER,
    small_talk.ANSWER,
)

ANSWERS: dict[Intent, AnswerType] = {
    intent: answer for answer in ANSWER_TYPES for intent in answer.intents
}
assert set(ANSWERS) == set(Intent), "every intent has its answer type"
