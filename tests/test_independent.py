"""The independent question sets through the real engine (frozen knowledge): the sets
tuned on may not fall below what they score now, and none may answer a different
question than the one asked. The held-out slice (tests/independent/heldout) is scored
here too, never tuned on: see README, "Independent questions"."""

from __future__ import annotations

import pytest

from bot.conversation import Conversation
from tests.independent_cases import ROOT, judge, load

# (set, least share correct, most replies with a figure for another question), just
# under what each set scored when last measured (benchmarks/independent_sets.py).
FLOORS = {
    "dev1": (0.98, 0),
    "dev2": (0.98, 2),
    "dev3": (0.98, 0),
    "dev4": (0.99, 0),
    # Written during the third session of issue 10, each scored fresh before tuning:
    # dev5 90.9 %, dev6 ru/en/mixed 92.6 % (kk 84.4 %), dev7 92.3 %, dev8 89.8 %.
    "dev5": (0.99, 0),
    "dev6": (0.98, 4),
    "dev7": (0.98, 3),
    "dev8": (0.97, 3),
    # Written during the fourth session, each scored fresh before tuning (on the code of
    # its day / the session's first code): dev9 97.5 % / 92.9 %, dev10 88.1 % / 82.8 %,
    # dev11 92.0 % / 87.0 %, dev12 94.2 % / 93.3 %.
    "dev9": (0.98, 3),
    "dev10": (0.97, 4),
    "dev11": (0.98, 0),
    "dev12": (0.98, 3),
    # Written during the fifth session, scored fresh (session's first code / code of its
    # day): dev13 93.4 % (16) / 93.6 % (16), dev14 93.9 % (18) / 94.4 % (15).
    "dev13": (0.97, 8),
    "dev14": (0.95, 10),
    # The first held-out slice: scored at the start of issue 10 (80.2 %, 81 wrong-figure)
    # and at the end of its second session (93.8 %, 6); tuned on since, like a dev set.
    "heldout": (0.99, 1),
    # heldout2: 90.2 % (15) on the third session's first code, 93.0 % (15) at its end,
    # read then and tuned on since. heldout3, written at that end: 94.8 % (7) then,
    # 95.3 % (7) on the fourth session's code before it was read; tuned on since.
    "heldout2": (0.99, 2),
    "heldout3": (0.98, 2),
    # heldout4, written during the fourth session and held out to its end: 93.1 % (11)
    # on that session's first code, 96.3 % (6) on its last; read then, and its general
    # failures fixed (97.8 %, 5). heldout5, written near its end: 88.3 %
    # (15) on the first code, 91.9 % (12) fresh on the code of its day; read and tuned on
    # then (96.1 %, 6). Guards, not the goal (>= 98 %, 0).
    "heldout4": (0.97, 5),
    "heldout5": (0.96, 6),
    # heldout6, written in the fifth session's first hour and held out to its end:
    # 93.3 % (20) on that session's first code, 93.6 % (19) on its last before it was
    # read; then a few general classes fixed (94.8 %, 15).
    "heldout6": (0.94, 15),
}
# Sets written for the three waves once 2024-10 landed (tests/independent/FORMAT3.md),
# scored on the three-wave frozen figures (engine3). wave3a, written in issue 11's
# session: 92.0 % (14) fresh, then read and tuned on (97.9 %, 4). wave3b, written late in
# that session and held out (not read): 93.1 % (13) on the code of its day and at the end.
THREE_WAVE_FLOORS = {
    "wave3a": (0.97, 4),
    "wave3b": (0.93, 13),
}


def score(engine, name: str):
    from bot.ask import as_json

    chats: dict[str, Conversation] = {}
    results = []
    for case in load(ROOT / name):
        chat = chats.setdefault(case.session, Conversation())
        reply = engine.ask(case.q, context=chat.context, lang_hint=chat.lang)
        chat.remember(reply)
        results.append((case, *judge(case, as_json(engine, reply))))
    return results


def _holds(engine, name: str, floor: float, most_wrong: int) -> None:
    results = score(engine, name)
    correct = sum(1 for _case, problems, _wrong in results if not problems)
    wrong = [f"{c.id} {c.q!r}" for c, _p, is_wrong in results if is_wrong]
    assert len(results) > 250
    assert correct / len(results) >= floor, f"{name}: {correct}/{len(results)}"
    assert len(wrong) <= most_wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_an_independent_set_holds_its_score(engine, name):
    _holds(engine, name, *FLOORS[name])


@pytest.mark.parametrize("name", sorted(THREE_WAVE_FLOORS))
def test_an_independent_three_wave_set_holds_its_score(engine3, name):
    _holds(engine3, name, *THREE_WAVE_FLOORS[name])
