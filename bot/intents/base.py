"""What every answer type is: how it looks up its figures, how it reads as a Message, the
next steps it offers, and its chart. One module of bot/intents per type.

A new answer type (say, "over time") is one module with a subclass of AnswerType and,
when questions ask for it in their own words, a claim function; both are listed in
bot.intents.registry. Its words go in knowledge/lexicon, its phrases in locales/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.model import Answer, Intent, Message, Option, Query

if TYPE_CHECKING:
    from bot.charts import ChartSpec
    from bot.figures import Lookup
    from bot.phrases import Phrases


class AnswerType:
    """The default: no figures, no steps, no chart; subclasses override what they have."""

    intents: tuple[Intent, ...] = ()
    # The share-link letter (bot.links): an answer with figures can be shared; None: not.
    code: str | None = None

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return Answer(query)

    def render(self, answer: Answer, p: Phrases) -> Message:
        raise NotImplementedError

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        """What a reader may want next (buttons under the answer)."""
        return ()

    def chart_query(self, query: Query, p: Phrases) -> Query:
        """The query whose answer the chart draws (usually this one)."""
        return query

    def chart(self, answer: Answer, p: Phrases) -> ChartSpec | None:
        """The answer drawn, when a chart means something for it."""
        return None
