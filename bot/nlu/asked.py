"""One question being read: its features, the conversation before it, and what the store
holds. Every claim (bot.intents.registry) reads a question through this."""

from __future__ import annotations

from typing import NamedTuple

from bot.catalog import Catalog
from bot.model import Query
from bot.nlu.conditions import Compiled
from bot.nlu.features import Features
from bot.questionnaire import Questionnaire, Reading

# Words that ask for a kind of answer rather than a topic.
INTENT_CUES = (
    "change", "compare", "most", "least", "ranking", "breakdown",
    "over_time", "year_on_year", "since",
)  # fmt: skip
# Beyond topic words, these make a question more than "and X?": not a bare follow-up.
ELLIPSIS_BREAKERS = frozenset({*INTENT_CUES, "poll", "define"})


class NeedsContext:
    """A claim's answer for "this is a follow-up": no fresh query; the previous question
    gives the rest ("what about distrust?" after a question about one body)."""


NEEDS_CONTEXT = NeedsContext()
Claim = Query | NeedsContext | None


class Asked(NamedTuple):
    f: Features
    context: Query | None
    catalog: Catalog

    @property
    def q(self) -> Questionnaire:
        return self.catalog.questionnaire

    def holds(self, condition: Compiled | None) -> bool:
        return self.q.holds(condition, self.f)

    def has(self, *cues: str) -> bool:
        return self.f.has(*cues)

    def named(self, topic: str | None) -> tuple[str, ...]:
        """The subjects of a topic the question names, in the order named."""
        own = set(self.catalog.subjects.get(topic or "", ()))
        return tuple(s for s in (*self.f.institutions, *self.f.regions) if s in own)

    def everyone(self, topic: str) -> tuple[str, ...]:
        """Every subject of a topic but those the question sets aside ("apart from ...")."""
        return tuple(s for s in self.catalog.subjects[topic] if s not in self.f.excluded)

    def has_any(self, cues: frozenset[str]) -> bool:
        return not self.f.cues.keys().isdisjoint(cues)

    @property
    def about_anything(self) -> bool:
        """Does the question touch anything the survey measures (or knows it does not)?"""
        f = self.f
        return bool(
            f.institutions
            or f.regions
            or f.reasons
            or f.facts
            or self.has_any(self.q.domain_cues)
            or f.unavailable
        )

    @property
    def elliptical(self) -> bool:
        """Names a subject or a wave but not what about it: "а прокуратуре?", "Ақтөбеде?"."""
        return not (self.has_any(self.q.domain_cues) or self.has_any(ELLIPSIS_BREAKERS))

    def reading(self, role: str) -> Reading | None:
        return self.q.by_role.get(role)

    def topic_of(self, role: str) -> str | None:
        return self.q.topic(role)
