"""Named subjects side by side: "courts or police: which is trusted more?"."""

from __future__ import annotations

from bot.intents.ranking import Ranking
from bot.model import Intent


class Compare(Ranking):
    """A ranking of the subjects named (bot.intents.ranking), under its own heading."""

    intents = (Intent.COMPARE,)
    code = "k"


ANSWER = Compare()
