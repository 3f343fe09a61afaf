"""knowledge/questionnaire.yaml: every id checked by `senim build`, and a rename that is
carried through everywhere just works (no id of the questionnaire lives in Python)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.build import build, open_store
from bot.engine import Engine


def _replace(root: Path, relative: str, old: str, new: str, count: int = -1) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _rename_everywhere(root: Path, old: str, new: str) -> None:
    """A whole-word rename in every YAML and CSV file of a knowledge copy."""
    pattern = re.compile(rf"\b{re.escape(old)}\b")
    for path in [*root.glob("*.yaml"), *root.glob("observations/*.csv")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(pattern.sub(new, text), encoding="utf-8")


def _keep_cue_names(root: Path, old: str, new: str) -> None:
    """After a rename, the cue of the same name keeps its name: knowledge/lexicon is not
    renamed, so in questionnaire.yaml only `topic:` and `measure:` take the new id."""
    path = root / "questionnaire.yaml"
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        line = line.replace(new, old)
        for key in ("topic: ", "measure: "):
            line = line.replace(key + old, key + new)
        lines.append(line)
    path.write_text("".join(lines), encoding="utf-8")


def _problems(root: Path, tmp_path: Path) -> list[str]:
    return [str(p) for p in build(root, tmp_path / "store.sqlite3", check_only=True).problems]


def _engine(root: Path, tmp_path: Path) -> Engine:
    store, lexicon = open_store(root, tmp_path / "senim.sqlite3")
    return Engine(store, lexicon, "SenimTestBot")


def test_a_measure_renamed_in_topics_yaml_alone_fails_at_its_rule(knowledge_copy, tmp_path):
    _replace(knowledge_copy, "topics.yaml", "- id: never_encountered", "- id: no_contact")
    problems = _problems(knowledge_copy, tmp_path)
    line = next(
        n
        for n, text in enumerate(
            (knowledge_copy / "questionnaire.yaml").read_text().splitlines(), 1
        )
        if "measure: never_encountered" in text
    )
    expected = (
        f"knowledge/questionnaire.yaml:{line}: 'never_encountered' is not a measure of 'trust'"
    )
    assert expected in problems, problems


def test_a_measure_renamed_everywhere_just_works(knowledge_copy, tmp_path):
    _rename_everywhere(knowledge_copy, "never_encountered", "no_contact")
    _keep_cue_names(knowledge_copy, "never_encountered", "no_contact")
    assert _problems(knowledge_copy, tmp_path) == []
    reply = _engine(knowledge_copy, tmp_path).ask("how many never encountered the police")
    assert [(f.subject, f.measure, f.wave) for f in reply.figures][:1] == [
        ("police", "no_contact", "2024-04")
    ]


def test_a_topic_renamed_everywhere_just_works(knowledge_copy, tmp_path):
    _rename_everywhere(knowledge_copy, "safety", "feeling_safe")
    _keep_cue_names(knowledge_copy, "safety", "feeling_safe")
    assert _problems(knowledge_copy, tmp_path) == []
    engine = _engine(knowledge_copy, tmp_path)
    reply = engine.ask("how safe do people feel")
    assert reply.figures and {f.topic for f in reply.figures} == {"feeling_safe"}
    assert any(r.figures and r.figures[0].topic == "feeling_safe" for r in engine.headlines("en"))


def test_a_topic_renamed_in_topics_yaml_alone_fails(knowledge_copy, tmp_path):
    _replace(knowledge_copy, "topics.yaml", "  - id: safety", "  - id: feeling_safe")
    problems = "\n".join(_problems(knowledge_copy, tmp_path))
    assert "knowledge/questionnaire.yaml:" in problems
    assert "unknown topic 'safety' (not in topics.yaml)" in problems
    assert "topic 'feeling_safe' of topics.yaml is not read here" in problems


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("role: shares", "role: sharez", "unknown role 'sharez'"),
        ("role: shares", "role: bodies", "role 'bodies' belongs to another topic already"),
        ("{cues: [enough]}", "{cues: [enuogh]}", "unknown cue 'enuogh'"),
        ("{signal: unsafe}", "{signal: unsave}", "unknown signal 'unsave'"),
        ("default: registered_crimes", "default: murders", "'murders' is not a measure of 'crime'"),
        ("glossary: crime", "glossary: crimes", "unknown glossary term 'crimes'"),
        ("{intent: value, topic: safety}", "{intent: valeu, topic: safety}", "unknown intent"),
        ("group: ages\n", "group: age\n", "unknown group 'age'"),
        ("scale: agreement", "scale: agreemnt", "scale_note: unknown scale 'agreemnt'"),
    ],
)
def test_each_questionnaire_rule_is_checked_with_its_line(
    knowledge_copy, tmp_path, old, new, message
):
    _replace(knowledge_copy, "questionnaire.yaml", old, new, 1)
    problems = _problems(knowledge_copy, tmp_path)
    assert any(
        re.match(r"knowledge/questionnaire\.yaml:\d+: ", p) and message in p for p in problems
    ), problems
