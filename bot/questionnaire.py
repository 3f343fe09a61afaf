"""knowledge/questionnaire.yaml as the engine reads it: which topic a question is about,
which measure its words compose, which figures go together (compiled by `senim build`,
loaded from the store)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from bot.nlu.conditions import (
    Compiled,
    Facts,
    Predicate,
    from_json,
    positive_concepts,
    positive_cues,
    predicate,
)

BODIES, PLACES, SHARES, REASONS, FACTS = "bodies", "places", "shares", "reasons", "facts"


class Reading(NamedTuple):
    """How the questions of one topic are read."""

    topic: str
    role: str
    asked_by: Compiled
    unless: Compiled | None
    said: Compiled | None  # the topic named as such (not reached through a subject)
    ask_back: Compiled | None  # words that, alone, are asked back about
    default: str | None  # the measure of a question that names none
    default_group: str | None  # or the group of figures it gets (none: every category)
    measures: tuple[tuple[str, Compiled], ...]  # cue combinations, first match wins
    groups: Mapping[str, tuple[str, ...]]  # figures answered together
    rules: tuple[tuple[str, str, Compiled | None], ...]  # (group | measure, id, when)
    scale_note: tuple[str, frozenset[str]] | None  # (scale, measures) explained in rankings
    glossary: str | None  # the glossary term that defines the topic
    only_most: bool  # the subjects published are those with the most (no fewest, no total)
    namesakes: tuple[tuple[str, str, str], ...]  # (place, cue, the place of that name)
    # (condition, (kind, id)): what people ask of the topic that the survey did not ask
    not_asked: tuple[tuple[Compiled, tuple[str, str]], ...] = ()
    quoted: str | None = None  # what a share quoted of the default may be instead


class Questionnaire:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.signals: dict[str, Compiled] = {
            name: from_json(condition) for name, condition in data["signals"].items()
        }
        self.readings: tuple[Reading, ...] = tuple(_reading(t) for t in data["topics"])
        self.by_role = {reading.role: reading for reading in self.readings}
        self.by_topic = {reading.topic: reading for reading in self.readings}
        # Answer words that are alternatives of one another ("толық емес, ішінара"): a
        # negation can set one aside for another of its group (bot.nlu.features).
        self.contrasts: dict[str, str] = {
            cue: name for name, cues in data.get("contrasts", {}).items() for cue in cues
        }
        # Answer words that deny ("сенбейтін", "disagree"): "толық сенбейтін, бірақ ішінара
        # сенетіндер" sets the denied answer aside for the one after "but".
        self.denials: frozenset[str] = frozenset(data.get("denials", ()))
        # The two sides of each answer scale ("trust", "distrust"): both asked is every
        # category (bot/nlu/roles.py)
        self.opposites: tuple[tuple[str, str], ...] = tuple(
            (a, b) for a, b in data.get("opposites", ())
        )
        self.headlines: tuple[tuple[str, str], ...] = tuple(
            (h["intent"], h["topic"]) for h in data["headlines"]
        )
        # Words that ask about some topic: a question without any of them is about
        # nothing the survey measures (or a follow-up that names only a subject or wave).
        self.topic_cues = frozenset(
            cue for r in self.readings for cue in positive_cues(r.asked_by, self.signals)
        )
        self.ask_back_cues = frozenset(
            cue for r in self.readings if r.ask_back for cue in positive_cues(r.ask_back, {})
        )
        self.domain_cues = self.topic_cues | self.ask_back_cues
        # Each condition as a function, made once (by the identity of its tuple, which
        # the readings keep for the questionnaire's life).
        self._signal_tests: dict[str, Predicate] = {}
        for name, condition in self.signals.items():
            self._signal_tests[name] = predicate(condition, self._signal_tests)
        self._tests: dict[int, Predicate] = {}

    @classmethod
    def from_json(cls, text: str) -> Questionnaire:
        return cls(json.loads(text))

    def holds(self, condition: Compiled | None, facts: Facts) -> bool:
        if condition is None:
            return False
        test = self._tests.get(id(condition))
        if test is None:
            test = self._tests[id(condition)] = predicate(condition, self._signal_tests)
        return test(facts)

    def topic(self, role: str) -> str | None:
        """The topic read in this role, if the questionnaire has one."""
        reading = self.by_role.get(role)
        return reading.topic if reading else None

    def reads(
        self, topic: str | None, concept: str, holds: Callable[[Compiled], bool] | None = None
    ) -> bool:
        """Does the topic's reading use this concept (its asked_by or rules), in a
        condition that holds when `holds` is given? "what age group was surveyed" is the
        survey's ages (the facts rules read the age group); "how many respondents were
        over 65?" is not (that condition excludes a count), so it stays a qualifier."""
        reading = self.by_topic.get(topic or "")
        if reading is None:
            return False
        conditions = [reading.asked_by, *(when for _k, _t, when in reading.rules if when)]
        if holds is not None:  # (what the question asks decides: the topic's asked_by)
            conditions = [reading.asked_by]
        for condition in conditions:
            for part in _alternatives(condition):
                if concept in positive_concepts(part) and (holds is None or holds(part)):
                    return True
        return False

    def role(self, topic: str | None) -> str | None:
        reading = self.by_topic.get(topic or "")
        return reading.role if reading else None

    def asks(self, role: str, facts: Facts) -> bool:
        """Do the words ask about the topic of this role (ignoring `unless`)?"""
        reading = self.by_role.get(role)
        return reading is not None and self.holds(reading.asked_by, facts)

    def measure(self, reading: Reading, facts: Facts) -> str | None:
        """The measure the words compose, by the topic's rules; None for the default."""
        return next((m for m, when in reading.measures if self.holds(when, facts)), None)


def _reading(data: Mapping[str, Any]) -> Reading:
    def condition(key: str) -> Compiled | None:
        value = data.get(key)
        return from_json(value) if value is not None else None

    note = data.get("scale_note")
    return Reading(
        topic=data["topic"],
        role=data["role"],
        asked_by=from_json(data["asked_by"]),
        unless=condition("unless"),
        said=condition("said"),
        ask_back=condition("ask_back"),
        default=data.get("default"),
        quoted=data.get("quoted"),
        default_group=data.get("default_group"),
        measures=tuple((m, from_json(when)) for m, when in data["measures"]),
        groups={name: tuple(members) for name, members in data["groups"].items()},
        rules=tuple(
            (kind, target, from_json(when) if when is not None else None)
            for kind, target, when in data["rules"]
        ),
        scale_note=(note["scale"], frozenset(note["measures"])) if note else None,
        glossary=data.get("glossary"),
        only_most=bool(data.get("only_most")),
        namesakes=tuple((p, c, o) for p, c, o in data.get("namesakes", ())),
        not_asked=tuple(
            (from_json(when), _kind_and_id(lacking))
            for when, lacking in data.get("not_asked", ())
            if when is not None
        ),
    )


def _kind_and_id(concept: str) -> tuple[str, str]:
    """ "unavailable_motive/trust_reasons" -> ("motive", "trust_reasons")."""
    kind, _, ident = concept.partition("/")
    return kind.removeprefix("unavailable_"), ident


def _alternatives(condition: Compiled) -> list[Compiled]:
    """The branches of an `any` condition, or the condition itself."""
    if condition[0] == "any":
        return [part for inner in condition[1] for part in _alternatives(inner)]
    return [condition]
