"""The engine's names for what it understood (reported as "intent" in JSON output)."""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    VALUE = "value"  # one figure (or the figures of one measure)
    BREAKDOWN = "breakdown"  # every answer category of one subject
    CHANGE = "change"  # the same figures in two waves, and the difference
    TREND = "trend"  # the same figures in every wave of a span, each step's change
    COMPARE = "compare"  # named subjects side by side
    RANKING = "ranking"  # every subject, ordered
    SURVEY_FACTS = "survey_facts"  # the sample and the ages surveyed
    SURVEY_INFO = "survey_info"  # waves, releases, sources, method
    GLOSSARY = "glossary"  # a term of the release's glossary
    CLARIFY = "clarify"  # asking back, with options
    NOT_AVAILABLE = "not_available"  # what is not published, and what is
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    OUT_OF_SCOPE = "out_of_scope"

    @property
    def small_talk(self) -> bool:
        return self in SMALL_TALK


SMALL_TALK = frozenset({Intent.GREETING, Intent.THANKS, Intent.HELP, Intent.OUT_OF_SCOPE})
# Answers that state no figures of their own and keep no slots to follow up on.
NO_FIGURES = frozenset({*SMALL_TALK, Intent.CLARIFY, Intent.NOT_AVAILABLE})
