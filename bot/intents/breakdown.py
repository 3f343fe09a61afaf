"""Every answer category of one subject: "full results for the police"."""

from __future__ import annotations

from bot.figures import Lookup
from bot.intents.common import (
    FigureAnswer,
    change_step,
    chart_title,
    compare_step,
    trend_step,
)
from bot.intents.value import at_wave, figure_lines
from bot.model import Answer, Intent, Line, Option, Query
from bot.phrases import Phrases


class Breakdown(FigureAnswer):
    intents = (Intent.BREAKDOWN,)
    code = "b"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return at_wave(query, look, every=True, context=True)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        return figure_lines(answer, p)

    def chart_heading(self, answer: Answer, p: Phrases) -> str:
        return chart_title(answer, p)

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        return (*change_step(query, p), *trend_step(query, p), *compare_step(query, p))


ANSWER = Breakdown()
