"""The survey's own figures: "how many households were surveyed?", "what ages?"."""

from __future__ import annotations

from bot.figures import Lookup
from bot.intents.common import FigureAnswer, change_step
from bot.intents.value import at_wave, figure_lines
from bot.model import Answer, Intent, Line, Option, Query
from bot.phrases import Phrases


class SurveyFacts(FigureAnswer):
    intents = (Intent.SURVEY_FACTS,)
    code = "f"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return at_wave(query, look)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        return figure_lines(answer, p)

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        return tuple(change_step(query, p))

    def chart(self, answer: Answer, p: Phrases) -> None:
        """Households, a share and ages on one axis mean nothing: no chart."""
        return None


ANSWER = SurveyFacts()
