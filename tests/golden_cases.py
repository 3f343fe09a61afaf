"""Loading and checking the golden question files (tests/golden/*.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

GOLDEN = Path(__file__).resolve().parent / "golden"
DEFAULT_UNITS = {"crime": "count", "survey": None}
EXPECT_INTENTS = {
    "not_available": {"not_available"},
    "clarify": {"clarify"},
    "help": {"greeting", "thanks", "help", "out_of_scope"},
    "survey_info": {"survey_info", "glossary", "survey_facts"},
}


@dataclass(frozen=True)
class Case:
    file: str
    number: int  # position in the file (conversation turns share it)
    turn: int
    q: str
    lang: str
    figures: tuple[tuple[Any, ...], ...]
    exact: bool
    expect: str | None
    text_contains: tuple[str, ...]

    @property
    def id(self) -> str:
        suffix = f".{self.turn}" if self.turn else ""
        return f"{self.file}#{self.number}{suffix}"


def _figure_key(figure: dict[str, Any]) -> tuple[Any, ...]:
    unit = figure.get("unit")
    if unit is None:
        if figure["topic"] == "crime" or figure["measure"] in ("households_sampled",):
            unit = "count"
        elif figure["measure"] in ("age_min", "age_max"):
            unit = "years"
        else:
            unit = "percent"
    return (
        figure["topic"],
        figure["subject"],
        figure["measure"],
        str(figure["wave"]),
        unit,
        round(float(figure["value"]), 2),
    )


def _case(file: str, number: int, turn: int, item: dict[str, Any]) -> Case:
    return Case(
        file=file,
        number=number,
        turn=turn,
        q=str(item["q"]),
        lang=item["lang"],
        figures=tuple(_figure_key(f) for f in item.get("figures") or ()),
        exact=bool(item.get("exact", False)),
        expect=item.get("expect"),
        text_contains=tuple(item.get("text_contains") or ()),
    )


def load(file: str) -> list[list[Case]]:
    """Each element is a conversation (a single case is a conversation of one)."""
    items = yaml.safe_load((GOLDEN / f"{file}.yaml").read_text(encoding="utf-8"))
    conversations = []
    for number, item in enumerate(items, start=1):
        if "conversation" in item:
            conversations.append(
                [
                    _case(file, number, turn, t)
                    for turn, t in enumerate(item["conversation"], start=1)
                ]
            )
        else:
            conversations.append([_case(file, number, 0, item)])
    return conversations


def reply_keys(figures: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {
        (f["topic"], f["subject"], f["measure"], f["wave"], f["unit"], round(float(f["value"]), 2))
        for f in figures
    }


def problems(case: Case, reply: dict[str, Any]) -> list[str]:
    """Why a reply does not meet its golden case (empty when it does)."""
    found = []
    if reply["lang"] != case.lang:
        found.append(f"lang {reply['lang']} != {case.lang}")
    actual = reply_keys(reply["figures"])
    expected = set(case.figures)
    if not expected:
        if actual:
            found.append(f"expected no figures, got {sorted(actual)}")
    else:
        missing = expected - actual
        if missing:
            found.append(f"missing {sorted(missing)}")
        if case.exact:
            extra = actual - expected
            if extra:
                found.append(f"unexpected {sorted(extra)}")
        elif reply["intent"] != "ranking":  # "which is most?" may list them all, in order
            subjects = {(k[0], k[1]) for k in expected}
            stray = {k for k in actual if (k[0], k[1]) not in subjects}
            if stray:
                found.append(f"figures about something not asked: {sorted(stray)}")
    if case.expect:
        allowed = EXPECT_INTENTS.get(case.expect, {case.expect})
        if reply["intent"] not in allowed:
            found.append(f"intent {reply['intent']} not in {sorted(allowed)}")
        if case.expect == "clarify" and not reply.get("options"):
            found.append("clarify without options")
    text = reply["text"].casefold()
    for needle in case.text_contains:
        if needle.casefold() not in text:
            found.append(f"text lacks {needle!r}")
    return found


def replay(engine: Any, files: tuple[str, ...] = ("kk", "ru", "en", "mixed")):
    """Every golden case with the engine's reply, conversations keeping their context."""
    from bot.conversation import Conversation

    for name in files:
        for conversation in load(name):
            chat = Conversation()
            for case in conversation:
                reply = engine.ask(case.q, context=chat.context, lang_hint=chat.lang)
                chat.remember(reply)
                yield case, reply
