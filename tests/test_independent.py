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
    "dev3": (0.97, 2),
    "dev4": (0.97, 3),
    # Never tuned on: scored at the start of issue 10 (80.2%, 81 wrong-figure) and at its
    # end (93.8%, 6). A guard against going back, not the goal (>= 98%, 0): see README.
    "heldout": (0.93, 6),
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
