"""The survey's own figures: "how many households were surveyed?", "what ages?"."""

from __future__ import annotations

from itertools import pairwise

from bot.figures import Lookup
from bot.intents.common import (
    FigureAnswer,
    change_step,
    heading,
    row_line,
    title,
    unknown_lines,
)
from bot.intents.value import at_wave, figure_lines
from bot.model import Answer, Figure, Intent, Line, Option, Query
from bot.phrases import Phrases


class SurveyFacts(FigureAnswer):
    intents = (Intent.SURVEY_FACTS,)
    code = "f"

    def lookup(self, query: Query, look: Lookup) -> Answer:
        return at_wave(query, look)

    def lines(self, answer: Answer, p: Phrases) -> list[Line]:
        ranges = _ranges(answer, p)
        if not ranges:
            return figure_lines(answer, p)
        # The pair of a range is one line ("Respondents' ages: 15–80 years"): two lines
        # "youngest: 15", "oldest: 80" read as two findings.
        lines: list[Line] = [heading(title(answer, p))]
        for index, row in enumerate(answer.rows):
            if index in ranges:
                label, low, high = ranges[index]
                lines.append(p.item(label, _span(low, high, p)))
            elif index - 1 not in ranges:
                lines.append(row_line(row, p))
        return lines + unknown_lines(answer, p)

    def steps(self, query: Query, p: Phrases) -> tuple[Option, ...]:
        return tuple(change_step(query, p))

    def chart(self, answer: Answer, p: Phrases) -> None:
        """Households, a share and ages on one axis mean nothing: no chart."""
        return None


def _ranges(answer: Answer, p: Phrases) -> dict[int, tuple[str, Figure, Figure]]:
    """Rows that open a range (a `range` name) followed by the figure that closes it:
    same unit and wave, and no change to state beside either."""
    found: dict[int, tuple[str, Figure, Figure]] = {}
    rows = answer.rows
    for index, (row, after) in enumerate(pairwise(rows)):
        label = p.range_label(row.figure)
        low, high = row.figure, after.figure
        if label is None or index - 1 in found:
            continue
        if low.unit != high.unit or low.wave != high.wave:
            continue
        if row.change is not None or after.change is not None:
            continue
        found[index] = (label, low, high)
    return found


def _span(low: Figure, high: Figure, p: Phrases) -> str:
    span = f"{p.value(low)}–{p.value(high)}"
    if low.unit != "years":
        return span
    return p.t.ngettext("{span} year", "{span} years", int(high.value)).format(span=span)


ANSWER = SurveyFacts()
