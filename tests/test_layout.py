"""The code holds no id of the questionnaire (topic, subject, scale, measure, body,
region): those live in knowledge/, which a rename must be able to change alone
(tests/test_questionnaire.py); and no intent is named by its string."""

from __future__ import annotations

import re

import yaml

from tests.conftest import LIVE_KNOWLEDGE, REPO

# A word the code needs for itself that happens to be an id too: the condition keyword
# "all" (bot/nlu/conditions.py) is not the subject "all".
ALLOWED = {("bot/nlu/conditions.py", "all")}


def _ids() -> set[str]:
    topics = yaml.safe_load((LIVE_KNOWLEDGE / "topics.yaml").read_text(encoding="utf-8"))
    found = {t["id"] for t in topics["topics"]} | {s["id"] for s in topics["subjects"]}
    found |= {d["id"] for d in topics["derived"]} | {s["id"] for s in topics["scales"]}
    found |= {m["id"] for s in topics["scales"] for m in s["measures"]}
    for name in ("institutions.yaml", "regions.yaml"):
        found |= {r["id"] for r in yaml.safe_load((LIVE_KNOWLEDGE / name).read_text("utf-8"))}
    return found


def test_no_questionnaire_id_is_written_in_the_code():
    ids = _ids()
    assert {"trust", "police", "almaty_city", "registered_crimes", "survey"} <= ids
    quoted = re.compile(r"""["']([a-z_]+)["']""")
    found = []
    for path in sorted((REPO / "bot").rglob("*.py")):
        relative = str(path.relative_to(REPO))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for word in quoted.findall(line.split("#", 1)[0]):
                if word in ids and (relative, word) not in ALLOWED:
                    found.append(f"{relative}:{number}: {word!r}")
    assert found == [], "\n".join(found)


def test_intents_are_named_by_the_enum_only():
    names = (REPO / "bot" / "intents" / "names.py").read_text(encoding="utf-8")
    values = re.findall(r'^\s+[A-Z_]+ = "([a-z_]+)"', names, re.M)
    assert len(values) >= 14
    pattern = re.compile(r"intent\s*[=!]=\s*[\"']|Intent\([\"']|query\.intent in \([\"']")
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "bot").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == [], found
