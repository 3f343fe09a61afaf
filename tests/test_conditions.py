"""Conditions written as data (bot/nlu/conditions.py): checked when compiled, exact when
evaluated."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.nlu.conditions import (
    ConditionError,
    compile_condition,
    from_json,
    holds,
    positive_cues,
    to_json,
)

CUES = {"trust", "neg", "neg_after", "partial", "total", "safety"}
CONCEPTS = {"institution", "institution/police", "fact", "fact/age"}


@dataclass
class Words:
    cues: dict[str, list[int]] = field(default_factory=dict)
    concepts: set[str] = field(default_factory=set)


def compiled(data, signals=()):
    return compile_condition(data, cues=CUES, concepts=CONCEPTS, signals=signals)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "a condition must be a mapping"),
        ("trust", "a condition must be a mapping"),
        ({"cues": ["trsut"]}, "unknown cue 'trsut'"),
        ({"cues": []}, "needs a list of names"),
        ({"concepts": ["army"]}, "unknown concept 'army'"),
        ({"signal": "negated"}, "unknown signal 'negated'"),
        ({"near": {"cue": "neg", "to": ["trust"], "before": -1}}, "before and after"),
        ({"near": {"cue": "nope", "to": ["trust"]}}, "unknown cue 'nope'"),
        ({"any": []}, "needs a list of conditions"),
        ({"maybe": ["trust"]}, "unknown condition key 'maybe'"),
        ({"not": {"cues": ["x"]}}, "unknown cue 'x'"),
    ],
)
def test_a_wrong_condition_says_what_is_wrong(data, message):
    with pytest.raises(ConditionError, match=message):
        compiled(data)


def test_cues_concepts_and_combinations():
    question = Words({"trust": [3], "partial": [1]}, {"institution", "institution/police"})
    assert holds(compiled({"cues": ["total", "trust"]}), question, {})
    assert not holds(compiled({"all_cues": ["total", "trust"]}), question, {})
    assert holds(compiled({"concepts": ["institution/police"]}), question, {})
    assert not holds(compiled({"concepts": ["fact"]}), question, {})
    assert holds(compiled({"cues": ["trust"], "concepts": ["institution"]}), question, {})
    assert not holds(compiled({"cues": ["trust"], "not": {"cues": ["partial"]}}), question, {})
    assert holds(compiled({"any": [{"cues": ["total"]}, {"cues": ["partial"]}]}), question, {})


@pytest.mark.parametrize(
    ("neg_at", "trust_at", "expected"),
    [(2, 3, True), (1, 3, True), (0, 3, False), (3, 3, True), (4, 3, False)],
)
def test_near_counts_words_ahead(neg_at, trust_at, expected):
    """ "не доверяют" (negation 1-2 words ahead of trust) is distrust; further off, not.
    The same word counts: one phrase may be both ("немесе ішінара" is "or" and "partly")."""
    near = compiled({"near": {"cue": "neg", "to": ["trust"], "before": 2}})
    assert holds(near, Words({"neg": [neg_at], "trust": [trust_at]}), {}) is expected


def test_near_after_counts_words_behind():
    """ "доверия нет": the negation follows what it negates."""
    near = compiled({"near": {"cue": "neg_after", "to": ["trust"], "after": 2}})
    assert holds(near, Words({"trust": [0], "neg_after": [2]}), {})
    assert not holds(near, Words({"trust": [0], "neg_after": [3]}), {})
    assert not holds(near, Words({"trust": [2], "neg_after": [0]}), {})


def test_signals_are_named_conditions():
    signals = {"negated": compiled({"cues": ["neg"]})}
    rule = compiled({"signal": "negated", "cues": ["trust"]}, signals)
    assert holds(rule, Words({"neg": [0], "trust": [1]}), signals)
    assert not holds(rule, Words({"trust": [1]}), signals)
    assert positive_cues(rule, signals) == {"neg", "trust"}


def test_positive_cues_leave_out_what_must_be_absent():
    rule = compiled({"cues": ["trust"], "not": {"cues": ["partial"]}})
    assert positive_cues(rule, {}) == {"trust"}


def test_the_stored_form_evaluates_the_same():
    rule = compiled(
        {
            "any": [
                {"all_cues": ["trust", "total"]},
                {"near": {"cue": "neg", "to": ["safety"], "before": 4}},
                {"not": {"concepts": ["fact/age"]}},
            ]
        }
    )
    again = from_json(to_json(rule))
    assert again == rule
    for question in (Words({"trust": [0]}), Words({"neg": [0], "safety": [3]}, {"fact/age"})):
        assert holds(again, question, {}) == holds(rule, question, {})


def test_the_questionnaire_tests_agree_with_holds(engine):
    """The questionnaire evaluates conditions as functions (bot.nlu.conditions.predicate);
    on every golden question they answer as `holds` does."""
    from bot.nlu.normalize import clean
    from tests.golden_cases import load

    q = engine.questionnaire
    conditions = [
        condition
        for reading in q.readings
        for condition in (
            reading.asked_by,
            reading.unless,
            reading.said,
            reading.ask_back,
            *(when for _m, when in reading.measures),
            *(when for _k, _t, when in reading.rules),
        )
        if condition is not None
    ]
    checked = 0
    for name in ("kk", "ru", "en", "mixed"):
        for conversation in load(name):
            for case in conversation:
                facts, _lang = engine.parser.analyser.analyse((clean(case.q), None))
                for condition in conditions:
                    assert q.holds(condition, facts) == holds(condition, facts, q.signals)
                    checked += 1
    assert checked > 10_000
