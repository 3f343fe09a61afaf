"""Every answer category of one subject: "full results for the police"."""

from __future__ import annotations

from bot.charts import ChartSpec
from bot.figures import Lookup
from bot.intents.base import AnswerType
from bot.intents.common import change_step, chart_of, compare_step, no_figures, title, with_source
from bot.intents.value import at_wave, figure_lines
from bot.model import Answer, Intent, Message, Option, Query
from bot.phrases import Phrases


class Breakdown(AnswerType):
    intents = (Intent.BREAKDOWN,)
    code = "b"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return at_wave(query, look, every=True, context=True)

    def render(self, answer: Answer, p: Phrases) -> Message:
        if not answer.rows:
            return no_figures(answer, p)
        return with_source(answer, p, figure_lines(answer, p))

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        return (*change_step(query, p), *compare_step(query, p))

    def chart(self, answer: Answer, p: Phrases) -> ChartSpec | None:
        return chart_of(answer, p, title(answer, p))


ANSWER = Breakdown()
