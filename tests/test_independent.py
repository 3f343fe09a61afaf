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
    "dev2": (0.98, 3),
    "dev3": (0.98, 0),
    "dev4": (0.98, 0),
    # Written during the third session of issue 10, each scored fresh before tuning:
    # dev5 90.9 %, dev6 ru/en/mixed 92.6 % (kk 84.4 %), dev7 92.3 %.
    "dev5": (0.99, 1),
    "dev6": (0.97, 6),
    "dev7": (0.98, 3),
    "dev8": (0.96, 4),  # fresh: 89.8 % (12 for another question)
    # The first held-out slice: scored at the start of issue 10 (80.2 %, 81 wrong-figure)
    # and at the end of its second session (93.8 %, 6); its failures were read then, so
    # it has been tuned on since, like a dev set. The held-out slice now is heldout2.
    "heldout": (0.98, 2),
    # The second held-out slice, written right after this third session began:
    # 90.2 % (15) on that session's first code, 93.0 % (15) at its end, read then and
    # tuned on since. heldout3, written at that end and never read: 91.8 % (7) on the
    # session's first code, 94.8 % (7) on its last. Guards, not the goal (>= 98 %, 0).
    "heldout2": (0.95, 2),
    "heldout3": (0.94, 7),
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


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_an_independent_set_holds_its_score(engine, name):
    results = score(engine, name)
    floor, most_wrong = FLOORS[name]
    correct = sum(1 for _case, problems, _wrong in results if not problems)
    wrong = [f"{c.id} {c.q!r}" for c, _p, is_wrong in results if is_wrong]
    assert len(results) > 250
    assert correct / len(results) >= floor, f"{name}: {correct}/{len(results)}"
    assert len(wrong) <= most_wrong, "\n".join(wrong)
