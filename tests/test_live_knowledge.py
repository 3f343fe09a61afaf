"""The live knowledge/ (the tests use frozen figures, tests/conftest.py): it builds, each of
its waves answers its headline questions, and a wave added to it, as the README says,
breaks no test."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.build import build, open_store
from bot.engine import Engine
from bot.model import Intent, Query
from tests.conftest import LIVE_KNOWLEDGE, REPO


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    store, lexicon = open_store(LIVE_KNOWLEDGE, tmp_path_factory.mktemp("live") / "s.sqlite3")
    return Engine(store, lexicon, "SenimTestBot")


def test_the_live_knowledge_builds(tmp_path: Path):
    result = build(LIVE_KNOWLEDGE, tmp_path / "senim.sqlite3")
    assert result.ok, "\n".join(map(str, result.problems))


def test_each_live_wave_answers_its_headlines(live: Engine):
    answered = 0
    for wave in live.catalog.waves:
        for intent, topic in live.questionnaire.headlines:
            if wave.id not in live.catalog.topic_waves[topic]:
                continue
            query = Query(
                Intent(intent),
                topic=topic,
                subjects=live.catalog.subjects[topic],
                measure=live.questionnaire.by_topic[topic].default,
                order="desc",
                waves=(wave.id,),
                waves_named=True,
            )
            reply = live.reply_to(query, "en")
            assert reply.figures and {f.wave for f in reply.figures} == {wave.id}, (wave, topic)
            answered += 1
    assert answered >= len(live.catalog.waves)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_each_live_wave_is_found_by_its_own_name(live: Engine, lang: str):
    """Asked about the police "in the April–May 2024 survey" (as replies name it), each
    wave answers for itself."""
    bodies = live.catalog.questionnaire.topic("bodies")
    for wave in live.catalog.waves:
        if wave.id not in live.catalog.topic_waves[bodies or ""]:
            continue
        name = live.phrases[lang].wave(wave.id)
        police = live.phrases[lang].subject("police")
        reply = live.ask(f"{police} {name}")
        assert {f.wave for f in reply.figures} == {wave.id}, (lang, name, reply.text)


def add_wave(knowledge: Path) -> str:
    """Add a wave after the latest, as the README's "Adding a survey wave" says: the
    publication in sources.yaml, the wave in waves.yaml, one observations file."""
    waves = yaml.safe_load((knowledge / "waves.yaml").read_text(encoding="utf-8"))
    latest = waves[-1]
    year, month = map(int, str(latest["fieldwork_start"]).split("-"))
    year, month = (year + 1, month - 6) if month > 6 else (year, month + 6)
    wave = f"{year}-{month:02d}"
    end = f"{year}-{month + 1:02d}"
    released = f"{year + (month > 6)}-{(month + 3 - 1) % 12 + 1:02d}-15"
    source = f"bns-{released}"
    with (knowledge / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write(
            f"\n- id: {source}\n  kind: official_release\n  published: {released}\n"
            "  url: https://stat.gov.kz/en/industries/social-statistics/stat-crime/\n"
            "  title: On the level of public confidence in law enforcement agencies\n"
            "  publisher:\n    kk: Ұлттық статистика бюросы\n    ru: Бюро национальной статистики\n"
            "    en: Bureau of National Statistics\n  short:\n    kk: Ұлттық статистика бюросы\n"
            "    ru: Бюро национальной статистики\n    en: Bureau of National Statistics\n"
        )
    # The figures are the latest wave's, so are the shares its source did not show
    missing = latest.get("not_published") or []
    declared = "".join(
        f"    - {{topic: {m['topic']}, subject: {m['subject']}, "
        f"measures: [{', '.join(m['measures'])}]}}\n"
        for m in missing
    )
    with (knowledge / "waves.yaml").open("a", encoding="utf-8") as waves_file:
        waves_file.write(
            f"\n- id: {wave}\n  fieldwork_start: {wave}\n  fieldwork_end: {end}\n"
            f"  released: {released}\n  source: {source}\n"
            + (f"  not_published:\n{declared}" if declared else "")
        )
    rows = []
    for path in sorted((knowledge / "observations").glob("*.csv")):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            if row["wave"] == latest["id"]:
                rows.append({**row, "wave": wave, "source": source})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (knowledge / "observations" / f"{released}_bns_release.csv").write_text(out.getvalue())
    return wave


def test_a_wave_added_to_knowledge_breaks_no_test(tmp_path: Path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(LIVE_KNOWLEDGE, knowledge)
    wave = add_wave(knowledge)
    result = build(knowledge, tmp_path / "check.sqlite3")
    assert result.ok, "\n".join(map(str, result.problems))
    store, lexicon = open_store(knowledge, tmp_path / "check.sqlite3")
    assert Engine(store, lexicon, "x").catalog.latest.id == wave
    env = {**os.environ, "SENIM_LIVE_KNOWLEDGE": str(knowledge)}
    this = f"{Path(__file__).relative_to(REPO)}::test_a_wave_added_to_knowledge_breaks_no_test"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--deselect", this],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
