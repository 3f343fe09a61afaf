"""What the October–November 2024 wave asked of knowledge/ and of replies: a source whose
date is not known, a distribution published in part, notes on figures (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.ask import as_json
from bot.build import build
from bot.store import Store
from tests.conftest import FIGURES_2024_10, frozen_knowledge
from tests.test_build import _edit

WAVES = "waves.yaml"
SOURCES = "sources.yaml"
NOTES = "notes.yaml"
OBS = Path("observations") / "2024-10-wave_bns_release.csv"


@pytest.fixture
def three_waves(tmp_path: Path) -> Path:
    return frozen_knowledge(tmp_path / "knowledge", figures=FIGURES_2024_10)


def _problems(root: Path) -> list[str]:
    result = build(root, None, check_only=True)
    return [str(p) for p in result.problems]


def test_the_three_wave_knowledge_builds_with_its_gap_and_notes(three_waves: Path, tmp_path):
    db = tmp_path / "s.sqlite3"
    assert build(three_waves, db).ok
    store = Store(db)
    assert ("safety", "residence_area", "hard_to_say", "2024-10") in store.unpublished()
    assert store.fact("safety", "residence_area", "hard_to_say", "2024-10") is None
    assert {w.id: w.released for w in store.waves()}["2024-10"] is None
    assert store.sources()["bns-2024-10"].published is None
    assert {n.id for n in store.notes()} == {"carried_over_2024_04"}


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        # without the declaration, a missing category is a mistake again
        (
            WAVES,
            "    - {topic: safety, subject: residence_area, measures: [hard_to_say]}\n",
            "",
            r"safety/residence_area in wave 2024-10 has no 'hard_to_say' share",
        ),
        # published in part, but the shares shown add to more than everyone
        (
            OBS,
            "completely_safe,2024-10,64.9,",
            "completely_safe,2024-10,66.9,",
            r"published in part but its shares sum to 101\.8, more than 100",
        ),
        # a share declared not published cannot also be given
        (
            WAVES,
            "measures: [hard_to_say]}",
            "measures: [not_safe]}",
            r"not_published: safety/residence_area/not_safe/2024-10 is also given",
        ),
        (
            WAVES,
            "measures: [hard_to_say]}",
            "measures: [never_encountered]}",
            r"not_published: 'never_encountered' is not on the safety scale",
        ),
        # a forgotten date is still a problem: only `unknown` says it is not known
        (SOURCES, "  published: unknown\n", "", r"missing 'published' \(a date, or unknown\)"),
        (WAVES, "  released: unknown", "  released: someday", r"'released' is 'someday'"),
        (NOTES, "waves: [2024-04]", "waves: [2025-04]", r"unknown wave '2025-04'"),
        (NOTES, "same_as: 2023-10", "same_as: 2019-10", r"unknown wave '2019-10' in same_as"),
        (NOTES, "topics: [safety, insecurity_reason]", "topics: [crime]", r"about no published"),
        (NOTES, "    en: As The Astana Times", "    xx: As The Astana Times", r"has no en text"),
    ],
    ids=[
        "partial undeclared",
        "partial over 100",
        "unpublished given",
        "unpublished off scale",
        "date missing",
        "date malformed",
        "note wave",
        "note same_as",
        "note selects nothing",
        "note language",
    ],
)
def test_each_new_rule_is_a_problem_at_its_file(three_waves: Path, relative, old, new, message):
    _edit(three_waves, relative, old, new)
    problems = _problems(three_waves)
    name = Path(relative).name
    assert any(name in p and re.search(message, p) for p in problems), problems


# -- replies ------------------------------------------------------------------------------

SAFETY_2024_10 = [
    "safety breakdown",
    "how safe do people feel",
    "Тұрғылықты жердегі қауіпсіздік толық",
    "безопасность по всем категориям",
    "how many found it difficult to answer whether they feel safe",
    "safety over time",
    "динамика безопасности",
]


@pytest.mark.parametrize("question", SAFETY_2024_10)
def test_the_missing_safety_share_is_never_stated_or_computed(engine3, question):
    reply = engine3.ask(question)
    data = as_json(engine3, reply)
    for figure in data["figures"]:
        key = (figure["topic"], figure["measure"], figure["wave"])
        assert key != ("safety", "hard_to_say", "2024-10"), reply.text
        # 100 − 99.8: the share nobody published
        assert not (figure["topic"] == "safety" and figure["value"] == 0.2), reply.text
    assert "0.2%" not in reply.text and "0,2%" not in reply.text and "0,2\xa0%" not in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "safety in April-May 2024",
        "безопасность весной 2024",
        "2024 көктемдегі қауіпсіздік",
        "why did people feel unsafe in spring 2024",
        "did feeling safe change between autumn 2023 and spring 2024",
        "safety over time",
        "причины чувства небезопасности",
        "how safe do people feel",  # 2024-10 with April–May 2024 as context
    ],
)
def test_every_reply_that_states_a_noted_figure_shows_the_note(engine3, question):
    reply = engine3.ask(question)
    data = as_json(engine3, reply)
    noted = [
        f
        for f in data["figures"]
        if f["wave"] == "2024-04"
        and f["topic"] in ("safety", "insecurity_reason")
        and f.get("unit") != "pp"
    ]
    assert noted, reply.text
    assert data.get("notes"), reply.text
    assert data["notes"][0] in reply.text
    # identical as published is not a finding
    for phrase in ("no change", "без изменений", "өзгеріссіз", "өзгерген жоқ"):
        assert phrase not in reply.text.casefold(), reply.text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_2024_10_release_is_never_given_a_date(engine3, lang):
    p = engine3.phrases[lang]
    question = {
        "kk": "2024 жылғы қазан–қараша релизі қашан шықты",
        "ru": "когда вышел релиз за октябрь-ноябрь 2024",
        "en": "when was the October-November 2024 survey released",
    }[lang]
    reply = engine3.ask(question)
    line = next(line for line in reply.text.splitlines() if p.wave("2024-10") in line)
    assert not re.search(r"20(24|25)\D+\d{1,2}\D", line.split(p.wave("2024-10"), 1)[1]), line
    assert "296303" in line
    # and the figures' source line names the publisher, the survey and the link
    figures = engine3.ask({"kk": "полицияға сенім", "ru": "доверие полиции", "en": "police"}[lang])
    source = next(line for line in figures.text.splitlines() if "296303" in line)
    assert p.wave("2024-10") in source, source


@pytest.mark.parametrize(
    ("question", "wave"),
    [
        ("why do people feel unsafe", "2024-04"),
        ("причины чувства небезопасности", "2024-04"),
        ("crimes in Almaty", "2023-10"),
        ("how many households were surveyed", "2023-10"),
    ],
)
def test_latest_per_topic_says_which_wave_it_is(engine3, question, wave):
    reply = engine3.ask(question)
    # (the wave before may be added as context; the answer is for the topic's latest)
    assert max(f.wave for f in reply.figures) == wave, reply.text
    assert "Senim" in reply.text  # "These are the latest figures on this that Senim has"


# -- the charts of answers over time ----------------------------------------------------------

TREND_QUESTIONS = {
    "kk": [
        "полицияға сенім динамикасы",
        "барлық органдарға сенім динамикасы",
        "қауіпсіздік динамикасы",
    ],
    "ru": [
        "динамика доверия полиции",
        "доверие ко всем органам в динамике",
        "динамика безопасности",
    ],
    "en": ["police trust over time", "trust in all bodies over time", "safety over time"],
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("kind", [0, 1, 2], ids=["one body", "six bodies", "safety"])
def test_trend_charts_are_phone_sized_pngs_in_the_reply_language(engine3, lang, kind):
    from bot.charts import render_png

    reply = engine3.ask(TREND_QUESTIONS[lang][kind])
    assert reply.intent == "trend" and reply.lang == lang, reply.text
    spec = engine3.chart(reply.query, lang)
    assert spec is not None and spec.kind == "trend"
    p = engine3.phrases[lang]
    assert spec.points == tuple(p.wave(w, short=True) for w in ("2023-10", "2024-04", "2024-10"))
    assert spec.title == reply.text.splitlines()[0]  # what is measured, whose, which waves
    assert "296303" in spec.footnote  # the source, as the text gives it
    assert 1 <= len(spec.labels) <= 6
    image = render_png(spec)
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(image) < 400_000
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert width == 1000 and 600 <= height <= 900


def test_a_chart_of_a_derived_total_says_it_is_calculated(engine3):
    reply = engine3.ask("trust in total in the police over time")
    spec = engine3.chart(reply.query, "en")
    assert spec is not None and "calculated by Senim" in spec.note
