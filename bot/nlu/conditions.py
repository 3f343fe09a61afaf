"""Conditions on the concepts of a question, written as data (knowledge/questionnaire.yaml).

A condition is a mapping; every key in it must hold:

    cues: [a, b]            one of these cues is in the question
    all_cues: [a, b]        every one of them is
    beside: [a, b]          one of these cues is in the question too; unlike `cues`, they
                            do not by themselves make a word ask about the topic ("which",
                            "most" beside "difficult to answer")
    concepts: [kind, kind/id]   a concept of this kind (institution, region...) or this one
    signal: name            a named condition of the questionnaire holds
    near: {cue: c, to: [a, b], before: 2, after: 0}
                            cue c stands at most `before` words ahead of one of them, or
                            at most `after` words behind one
    any: [cond, ...]        one of them holds
    all: [cond, ...]        all of them hold
    not: cond               it does not hold

`compile_condition` checks a condition against the lexicon and the signals (its
problems are messages for `senim build`) and turns it into nested tuples, which
`holds` evaluates without any further lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol

Compiled = tuple[Any, ...]
KEYS = ("cues", "all_cues", "beside", "concepts", "signal", "near", "any", "all", "not")


class Facts(Protocol):
    """What a condition can look at in a question (bot.nlu.features.Features)."""

    cues: dict[str, list[int]]
    concepts: set[str]


class ConditionError(ValueError):
    pass


def compile_condition(
    data: Any,
    *,
    cues: Collection[str],
    concepts: Collection[str],
    signals: Collection[str],
) -> Compiled:
    """The condition as tuples; ConditionError names what is wrong with it."""
    if not isinstance(data, Mapping) or not data:
        raise ConditionError(f"a condition must be a mapping of {', '.join(KEYS)}")
    parts: list[Compiled] = []
    for key, value in data.items():
        if key == "__line__":
            continue
        if key in ("cues", "all_cues", "beside"):
            names = _names(key, value)
            unknown = sorted(set(names) - set(cues))
            if unknown:
                raise ConditionError(f"unknown cue '{unknown[0]}' (no cue/{unknown[0]} in lexicon)")
            parts.append((key, frozenset(names)))
        elif key == "concepts":
            names = _names(key, value)
            unknown = sorted(set(names) - set(concepts))
            if unknown:
                raise ConditionError(f"unknown concept '{unknown[0]}'")
            parts.append((key, frozenset(names)))
        elif key == "signal":
            if value not in signals:
                raise ConditionError(f"unknown signal '{value}'")
            parts.append(("signal", str(value)))
        elif key == "near":
            parts.append(_near(value, cues))
        elif key in ("any", "all"):
            if not isinstance(value, list) or not value:
                raise ConditionError(f"'{key}' needs a list of conditions")
            inner = tuple(
                compile_condition(item, cues=cues, concepts=concepts, signals=signals)
                for item in value
            )
            parts.append((key, inner))
        elif key == "not":
            inner = compile_condition(value, cues=cues, concepts=concepts, signals=signals)
            parts.append(("not", inner))
        else:
            raise ConditionError(f"unknown condition key '{key}' (use {', '.join(KEYS)})")
    return parts[0] if len(parts) == 1 else ("all", tuple(parts))


def _names(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConditionError(f"'{key}' needs a list of names")
    return list(value)


def _near(value: Any, cues: Collection[str]) -> Compiled:
    if not isinstance(value, Mapping):
        raise ConditionError("'near' needs cue, to, and before or after")
    cue = value.get("cue")
    targets = _names("to", value.get("to"))
    before, after = value.get("before", 0), value.get("after", 0)
    if not isinstance(before, int) or not isinstance(after, int) or before < 0 or after < 0:
        raise ConditionError("'near': before and after are numbers of words (0 or more)")
    for name in (cue, *targets):
        if name not in cues:
            raise ConditionError(f"unknown cue '{name}' in 'near'")
    return ("near", cue, frozenset(targets), before, after)


def holds(condition: Compiled, facts: Facts, signals: Mapping[str, Compiled]) -> bool:
    kind = condition[0]
    if kind in ("cues", "beside"):
        return any(cue in facts.cues for cue in condition[1])
    if kind == "all_cues":
        return all(cue in facts.cues for cue in condition[1])
    if kind == "concepts":
        return any(concept in facts.concepts for concept in condition[1])
    if kind == "signal":
        return holds(signals[condition[1]], facts, signals)
    if kind == "near":
        _kind, cue, targets, before, after = condition
        spots = [spot for target in targets for spot in facts.cues.get(target, ())]
        # (at the same word too: one phrase of both, "немесе ішінара" = "or partly")
        return any(
            0 <= spot - at <= before or 0 <= at - spot <= after
            for at in facts.cues.get(cue, ())
            for spot in spots
        )
    if kind == "any":
        return any(holds(inner, facts, signals) for inner in condition[1])
    if kind == "all":
        return all(holds(inner, facts, signals) for inner in condition[1])
    if kind == "not":
        return not holds(condition[1], facts, signals)
    raise ValueError(f"not a compiled condition: {condition!r}")


Predicate = Callable[[Facts], bool]


def predicate(condition: Compiled, signals: Mapping[str, Predicate]) -> Predicate:
    """The condition as one function of a question's facts: what `holds` computes,
    without interpreting the tuples on every question (the parser asks dozens of
    conditions per question). `signals` may be filled in after: it is read at call time."""
    kind = condition[0]
    if kind in ("cues", "beside"):
        names = condition[1]
        return lambda facts: not facts.cues.keys().isdisjoint(names)
    if kind == "all_cues":
        names = condition[1]
        return lambda facts: names <= facts.cues.keys()
    if kind == "concepts":
        names = condition[1]
        return lambda facts: not facts.concepts.isdisjoint(names)
    if kind == "signal":
        name = condition[1]
        return lambda facts: signals[name](facts)
    if kind == "near":
        return lambda facts: holds(condition, facts, {})
    if kind == "any":
        inner = tuple(predicate(part, signals) for part in condition[1])
        return lambda facts: any(test(facts) for test in inner)
    if kind == "all":
        inner = tuple(predicate(part, signals) for part in condition[1])
        return lambda facts: all(test(facts) for test in inner)
    if kind == "not":
        negated = predicate(condition[1], signals)
        return lambda facts: not negated(facts)
    raise ValueError(f"not a compiled condition: {condition!r}")


def positive_cues(condition: Compiled, signals: Mapping[str, Compiled]) -> set[str]:
    """The cues whose presence can make the condition hold (not those under `not`)."""
    kind = condition[0]
    if kind in ("cues", "all_cues"):
        return set(condition[1])
    if kind == "signal":
        return positive_cues(signals[condition[1]], signals)
    if kind == "near":
        return {condition[1], *condition[2]}
    if kind in ("any", "all"):
        return {cue for inner in condition[1] for cue in positive_cues(inner, signals)}
    return set()


def positive_concepts(condition: Compiled) -> set[str]:
    """The concepts whose presence can make the condition hold (not those under `not`)."""
    kind = condition[0]
    if kind == "concepts":
        return set(condition[1])
    if kind in ("any", "all"):
        return {c for inner in condition[1] for c in positive_concepts(inner)}
    return set()


def to_json(condition: Any) -> Any:
    """A compiled condition as JSON (frozensets as sorted lists), for the store."""
    if isinstance(condition, frozenset):
        return sorted(condition)
    if isinstance(condition, tuple):
        return [to_json(part) for part in condition]
    return condition


def from_json(data: Any) -> Compiled:
    """The inverse of to_json."""
    kind = data[0]
    if kind in ("cues", "all_cues", "beside", "concepts"):
        return (kind, frozenset(data[1]))
    if kind == "near":
        return ("near", data[1], frozenset(data[2]), data[3], data[4])
    if kind in ("any", "all"):
        return (kind, tuple(from_json(inner) for inner in data[1]))
    if kind == "not":
        return ("not", from_json(data[1]))
    return (kind, data[1])
