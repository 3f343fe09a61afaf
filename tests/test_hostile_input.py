"""Arbitrary input never breaks the engine or its Telegram HTML (see tests/hostile.py).

CI runs a bounded number of examples; benchmarks/hostile_input.py runs 100,000.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import KNOWN, check, questions

EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@EXAMPLES
@given(question=questions)
def test_any_question_gets_a_valid_reply(engine, question):
    check(engine, question)


@EXAMPLES
@given(
    before=st.sampled_from(["police 2023", "сколько преступлений в Алматы", "қауіпсіздік"]),
    question=questions,
)
def test_any_follow_up_gets_a_valid_reply(engine, before, question):
    check(engine, question, before)


@pytest.mark.parametrize("word", KNOWN)
def test_each_known_oddity_alone(engine, word):
    check(engine, word)
    check(engine, f"police {word} 2024")
