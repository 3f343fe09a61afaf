"""Independent question sets (tests/independent/): questions written by people who saw only
the seeds and the contract, never the lexicon, the code or the golden files, scored by the
rules they were written to (tests/independent/FORMAT.md).

- A case with no figures is met by a reply that states none (and, with `expect`, of that
  kind). A case with figures needs every one of them in the reply.
- `exact: true`: no other figures, except context FORMAT.md allows: the previous wave of an
  asked measure, the parts of an asked total, and, for "which is most" rankings and ranked
  changes, the other subjects of the same measure and wave.
- `exact: false`: no figures about other subjects, except in such rankings.
- A reply that states a figure while the asked ones are missing, or states figures about
  something not asked, *answers a different question*: the count that must stay at zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent / "independent"
FILES = ("kk", "ru", "en", "mixed")
RANKED = ("ranking", "change")
KINDS = {
    "not_available": {"not_available"},
    "clarify": {"clarify"},
    "survey_info": {"survey_info", "glossary", "survey_facts"},
}

Key = tuple[str, str, str, str, str, float]


@dataclass(frozen=True)
class Case:
    id: str
    session: str
    q: str
    lang: str
    figures: frozenset[Key]
    exact: bool
    expect: str | None


def _unit(figure: dict[str, Any]) -> str:
    if figure.get("unit"):
        return str(figure["unit"])
    if figure["topic"] == "crime" or figure["measure"] == "households_sampled":
        return "count"
    return "years" if figure["measure"] in ("age_min", "age_max") else "percent"


def key(figure: dict[str, Any]) -> Key:
    return (
        str(figure["topic"]),
        str(figure["subject"]),
        str(figure["measure"]),
        str(figure["wave"]),
        _unit(figure),
        round(float(figure["value"]), 2),
    )


def load(folder: Path) -> list[Case]:
    """Every case of a set, conversations flattened in order (one session each)."""
    cases = []
    for name in FILES:
        path = folder / f"{name}.yaml"
        if not path.exists():
            continue
        for n, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), 1):
            turns = item.get("conversation", [item])
            for t, turn in enumerate(turns, 1):
                cases.append(
                    Case(
                        id=f"{name}#{n}" + (f".{t}" if len(turns) > 1 else ""),
                        session=f"{folder.name}-{name}-{n}",
                        q=str(turn["q"]),
                        lang=str(turn["lang"]),
                        figures=frozenset(key(f) for f in turn.get("figures") or ()),
                        exact=bool(turn.get("exact")),
                        expect=turn.get("expect"),
                    )
                )
    return cases


def judge(case: Case, reply: dict[str, Any]) -> tuple[list[str], bool]:
    """(problems, whether the reply states a figure for another question)."""
    problems = []
    if reply["lang"] != case.lang:
        problems.append(f"lang {reply['lang']}")
    actual = {key(f) for f in reply["figures"]}
    expected = case.figures
    missing = expected - actual
    if not expected:
        stray = actual
    else:
        if missing:
            problems.append(f"missing {sorted(missing)}")
        ranked = reply["intent"] in RANKED and not missing
        if case.exact:
            measures = {k[:3] for k in expected}
            totals = {(k[0], k[1], k[3]) for k in expected if k[2].endswith("_total")}
            stray = {k for k in actual - expected if k[:3] not in measures}
            stray = {k for k in stray if (k[0], k[1], k[3]) not in totals}
            if ranked:
                same = {(k[0], k[2], k[3]) for k in expected}
                stray = {k for k in stray if (k[0], k[2], k[3]) not in same}
        else:
            subjects = {k[:2] for k in expected}
            stray = (
                set()
                if reply["intent"] == "ranking"
                else {k for k in actual if k[:2] not in subjects}
            )
            if ranked:
                same = {(k[0], k[2]) for k in expected}
                stray = {k for k in stray if (k[0], k[2]) not in same}
    if stray:
        problems.append(f"stray {sorted(stray)}")
    if case.expect and case.expect != "none":
        allowed = KINDS.get(case.expect, {case.expect})
        if reply["intent"] not in allowed:
            problems.append(f"intent {reply['intent']} not {case.expect}")
    return problems, bool(stray) or (bool(actual) and bool(missing))
