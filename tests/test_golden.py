"""Golden questions (tests/golden/*.yaml): question -> expected figures, per language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ask import as_json
from bot.conversation import Conversation
from tests.conftest import senim_env
from tests.golden_cases import Case, load, problems

FILES = ("kk", "ru", "en", "mixed")
CONVERSATIONS = [conversation for name in FILES for conversation in load(name)]


def _holds(engine, conversation: list[Case]) -> None:
    """Each turn of a conversation (one chat) meets its case."""
    chat = Conversation()
    for case in conversation:
        reply = engine.ask(case.q, context=chat.context, lang_hint=chat.lang)
        chat.remember(reply)
        found = problems(case, as_json(engine, reply))
        assert not found, f"{case.id} {case.q!r}: {found}\n{reply.text}"


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c[0].id for c in CONVERSATIONS])
def test_golden(engine, conversation: list[Case]):
    _holds(engine, conversation)


# Against the three waves frozen once 2024-10 landed (tests/golden/2024-10/README.md)
THREE_WAVES = ("2024-10/kk", "2024-10/ru", "2024-10/en")
CONVERSATIONS_3 = [conversation for name in THREE_WAVES for conversation in load(name)]


@pytest.mark.parametrize("conversation", CONVERSATIONS_3, ids=[c[0].id for c in CONVERSATIONS_3])
def test_golden_three_waves(engine3, conversation: list[Case]):
    _holds(engine3, conversation)


def test_golden_files_cover_each_language_well():
    for name in ("kk", "ru", "en"):
        cases = [case for conversation in load(name) for case in conversation]
        assert len(cases) >= 100, name
        assert sum(1 for c in cases if not c.figures) >= 20, f"{name}: too few no-figure cases"
        assert sum(1 for c in load(name) if len(c) > 1) >= 5, f"{name}: too few follow-ups"
    kazakh = [case.q for conversation in load("kk") for case in conversation]
    assert sum(1 for q in kazakh if q.isascii()) >= 15, "Latin-script Kazakh"
    no_kazakh_letters = [
        q for q in kazakh if not q.isascii() and not set(q) & set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
    ]
    assert len(no_kazakh_letters) >= 20, "Kazakh typed without Kazakh letters"


def test_golden_through_the_real_cli_batch_mode_with_sessions(store_path: Path):
    """The whole golden set through `senim ask --json -`, conversations as sessions."""
    lines, cases = [], []
    for number, conversation in enumerate(CONVERSATIONS):
        for case in conversation:
            if len(conversation) > 1:
                lines.append(json.dumps({"q": case.q, "session": f"s{number}"}, ensure_ascii=False))
            else:
                lines.append(case.q)
            cases.append(case)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=senim_env(store_path),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == len(cases)
    failures = [
        (c.id, problems(c, r)) for c, r in zip(cases, replies, strict=True) if problems(c, r)
    ]
    assert not failures, failures[:10]
