"""`senim build`: every validation rule, reported as file:line, old store untouched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.build import build

OBS_2023 = Path("observations") / "2024-01-24_bns_release.csv"
OBS_2024 = Path("observations") / "2024-07-19_astana_times.csv"


def _edit(root: Path, relative: Path | str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {relative}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, relative: Path | str, needle: str) -> int:
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def _run_build(knowledge: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SENIM_DB"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "build",
            "--knowledge",
            str(knowledge),
            "--db",
            str(db),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def built(knowledge_copy: Path, tmp_path: Path) -> Path:
    """A good store, built before the knowledge copy is broken."""
    db = tmp_path / "senim.sqlite3"
    assert build(knowledge_copy, db).ok
    return db


# (what breaks, file, text to replace, replacement, expected message regex, line needle)
BROKEN = [
    (
        "unknown wave",
        OBS_2024,
        "trust,police,trust,2024-04,",
        "trust,police,trust,2024-10,",
        r"unknown wave '2024-10'",
        "trust,police,trust,2024-10,",
    ),
    (
        "unknown institution",
        OBS_2024,
        "trust,courts,trust,2024-04",
        "trust,army,trust,2024-04",
        r"unknown subject 'army' for topic 'trust'",
        "trust,army,trust",
    ),
    (
        "unknown measure for the scale",
        OBS_2024,
        "trust,police,never_encountered",
        "trust,police,hard_to_say",
        r"unknown measure 'hard_to_say' for trust/police \(scale 'agreement'\)",
        "trust,police,hard_to_say",
    ),
    (
        "unknown source",
        OBS_2023,
        "crime,aktobe_region,registered_crimes,2023-10,6178,count,bns-2024-01-24",
        "crime,aktobe_region,registered_crimes,2023-10,6178,count,bns-2025",
        r"unknown source 'bns-2025'",
        "aktobe_region",
    ),
    (
        "observation without a source",
        OBS_2023,
        "survey,all,age_max,2023-10,80,years,bns-2024-01-24",
        "survey,all,age_max,2023-10,80,years,",
        r"observation has no source",
        "age_max",
    ),
    (
        "percentage above 100",
        OBS_2023,
        "survey,all,household_share,2023-10,0.35,",
        "survey,all,household_share,2023-10,135,",
        r"percentage 135 is outside 0-100",
        "household_share",
    ),
    (
        "negative percentage",
        OBS_2023,
        "insecurity_reason,all,low_security,2023-10,14.4,",
        "insecurity_reason,all,low_security,2023-10,-14.4,",
        r"percentage -14.4 is outside 0-100",
        "low_security",
    ),
    (
        "count that is not an integer",
        OBS_2023,
        "crime,almaty_city,registered_crimes,2023-10,27576,",
        "crime,almaty_city,registered_crimes,2023-10,27576.5,",
        r"count 27576.5 is not a non-negative integer",
        "almaty_city",
    ),
    (
        "negative count",
        OBS_2023,
        "crime,astana_city,registered_crimes,2023-10,18041,",
        "crime,astana_city,registered_crimes,2023-10,-18041,",
        r"count -18041 is not a non-negative integer",
        "astana_city",
    ),
    (
        "value that is not a number",
        OBS_2023,
        "survey,all,age_min,2023-10,15,",
        "survey,all,age_min,2023-10,fifteen,",
        r"value 'fifteen' is not a number",
        "age_min",
    ),
    (
        "distribution that does not sum to 100",
        OBS_2024,
        "trust,courts,trust,2024-04,61.8,",
        "trust,courts,trust,2024-04,68.1,",
        r"trust/courts in wave 2024-04 sums to 106.3, not 100",
        "trust,courts,trust,2024-04",
    ),
    (
        "unit that does not match the measure",
        OBS_2023,
        "survey,all,households_sampled,2023-10,18005,count,",
        "survey,all,households_sampled,2023-10,18005,percent,",
        r"unit 'percent' does not match measure 'households_sampled' \(count\)",
        "households_sampled",
    ),
    (
        "institution without a Kazakh name",
        "institutions.yaml",
        "    kk: {name: Полиция, in_text: полиция, dative: полицияға, genitive: полицияның}\n",
        "",
        r"institution 'police' has no kk names",
        "id: police",
    ),
    (
        "region without a Russian locative",
        "regions.yaml",
        "ru: {name: город Шымкент, locative: в городе Шымкенте}",
        "ru: {name: город Шымкент}",
        r"region 'shymkent_city' has no ru locative",
        "ru: {name: город Шымкент}",
    ),
    (
        "measure label missing in English",
        "topics.yaml",
        "en: {name: Fear of going out alone}",
        "de: {name: Angst}",
        r"measure_label 'insecurity_reason:fear_of_going_out_alone' has no en names",
        "id: fear_of_going_out_alone",
    ),
    (
        "wave citing an unknown source",
        "waves.yaml",
        "source: astana-times-2024-07-19",
        "source: nobody",
        r"unknown source 'nobody'",
        "id: 2024-04",
    ),
    (
        "institution on an unknown scale",
        "institutions.yaml",
        "- id: courts\n  scale: confidence",
        "- id: courts\n  scale: likert",
        r"unknown scale 'likert' for institution 'courts'",
        "id: courts",
    ),
    (
        "YAML that does not parse",
        "regions.yaml",
        "- id: aktobe_region",
        "- id: [aktobe_region",
        r"not valid YAML",
        None,
    ),
]


@pytest.mark.parametrize(
    ("relative", "old", "new", "message", "needle"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_each_rule_is_reported_with_file_and_line_and_the_store_survives(
    knowledge_copy: Path, built: Path, relative, old, new, message, needle
):
    before = built.read_bytes()
    _edit(knowledge_copy, relative, old, new)
    result = _run_build(knowledge_copy, built)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(
        rf"^knowledge/{re.escape(str(relative))}:\d+: .*{message}", result.stderr, re.M
    ), result.stderr
    if needle is not None:
        line = _line_of(knowledge_copy, relative, needle)
        assert re.search(
            rf"^knowledge/{re.escape(str(relative))}:{line}: .*{message}", result.stderr, re.M
        ), (line, result.stderr)
    assert built.read_bytes() == before
    assert list(built.parent.glob("*.tmp")) == []


def _replace_bytes(root: Path, relative: Path | str, old: bytes, new: bytes) -> None:
    path = root / relative
    data = path.read_bytes()
    assert old in data, (relative, old)
    path.write_bytes(data.replace(old, new, 1))


def _header_only(root: Path, relative: Path | str) -> None:
    path = root / relative
    path.write_text(path.read_text().splitlines()[0] + "\n")


# What used to crash `senim build` (a traceback, or a problem at "line 0"), and what used
# to pass silently (a wave left without figures): (case, file, how to break it, message,
# the text on the expected line; None: line 1).
HOSTILE = [
    (
        "impossible month",
        "waves.yaml",
        lambda k: _edit(k, "waves.yaml", "released: 2024-01-24", "released: 2024-13-45"),
        r"'released' is '2024-13-45', not a date",
        "id: 2023-10",
    ),
    (
        "no such day",
        "sources.yaml",
        lambda k: _edit(k, "sources.yaml", "published: 2024-07-19", "published: 2024-02-30"),
        r"'published' is '2024-02-30', not a date",
        "id: astana-times-2024-07-19",
    ),
    (
        "a month that is not one",
        "waves.yaml",
        lambda k: _edit(k, "waves.yaml", "fieldwork_end: 2024-05", "fieldwork_end: 2024-5"),
        r"not a month",
        "id: 2024-04",
    ),
    (
        "a huge CSV field",
        OBS_2024,
        lambda k: _edit(
            k,
            OBS_2024,
            "trust,police,trust,2024-04,61.6",
            "trust,police,trust,2024-04," + "6" * 200_000,
        ),
        r"not a valid CSV line",
        "trust,police,trust,2024-04,666",
    ),
    (
        "an open quote",
        OBS_2024,
        lambda k: _edit(k, OBS_2024, "trust,courts,trust,2024-04", 'trust,"courts,trust,2024-04'),
        r"not a valid CSV line",
        'trust,"courts',
    ),
    (
        "a NUL byte in CSV",
        OBS_2024,
        lambda k: _replace_bytes(k, OBS_2024, b"61.6", b"6\x001.6"),
        r"contains a NUL character",
        "trust,police,trust,2024-04,6",
    ),
    (
        "a NUL byte in YAML",
        "regions.yaml",
        lambda k: _replace_bytes(k, "regions.yaml", b"id: shymkent_city", b"id: shym\x00kent_city"),
        r"contains a NUL character",
        "shym",
    ),
    (
        "bytes that are not UTF-8",
        "institutions.yaml",
        lambda k: _replace_bytes(k, "institutions.yaml", b"id: courts", b"id: c\xffourts"),
        r"not UTF-8 \(byte 0xff\)",
        "id: c",
    ),
    (
        "nested too deeply",
        "glossary.yaml",
        lambda k: (k / "glossary.yaml").write_text("[" * 5000),
        r"not valid YAML",
        None,
    ),
]
VANISHED = [
    (
        "an observations file cut to its header",
        lambda k: _header_only(k, OBS_2024),
        f"knowledge/{OBS_2024}:1: no observations (only a header)",
    ),
    (
        "an observations file deleted",
        lambda k: (k / OBS_2024).unlink(),
        "knowledge/waves.yaml:{line}: wave '2024-04' has no observations",
    ),
]


@pytest.mark.parametrize(
    ("relative", "breaking", "message", "needle"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_files_are_problems_at_their_line_never_a_crash(
    knowledge_copy: Path, built: Path, relative, breaking, message, needle
):
    before = built.read_bytes()
    breaking(knowledge_copy)
    result = _run_build(knowledge_copy, built)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = 1
    if needle is not None:
        raw = (knowledge_copy / relative).read_bytes().decode("utf-8", "replace")
        line = next(n for n, text in enumerate(raw.splitlines(), 1) if needle in text)
    pattern = rf"^knowledge/{re.escape(str(relative))}:{line}: .*{message}"
    assert re.search(pattern, result.stderr, re.M), (line, result.stderr[:2000])
    assert built.read_bytes() == before


@pytest.mark.parametrize(
    ("breaking", "expected"), [case[1:] for case in VANISHED], ids=[c[0] for c in VANISHED]
)
def test_a_wave_cannot_silently_vanish(knowledge_copy: Path, built: Path, breaking, expected):
    """Before: the build passed, the store held 48 of 86 figures, and "police" was
    answered for the older wave."""
    before = built.read_bytes()
    breaking(knowledge_copy)
    result = _run_build(knowledge_copy, built)
    assert result.returncode == 1
    line = _line_of(knowledge_copy, "waves.yaml", "id: 2024-04")
    assert expected.format(line=line) in result.stderr or (
        f"knowledge/waves.yaml:{line}: wave '2024-04' has no observations" in result.stderr
    ), result.stderr
    assert "source 'astana-times-2024-07-19' has no observations" in result.stderr
    assert built.read_bytes() == before


def test_knowledge_mutated_at_random_is_reported_never_raised(knowledge_copy: Path):
    """Random damage to random files (bytes, lines, whole files): load_knowledge lists
    problems and never raises, nor falls back to its internal-error net."""
    import random
    import shutil

    from bot.knowledge import load_knowledge

    rnd = random.Random(2024)
    files = sorted(p for p in knowledge_copy.rglob("*") if p.suffix in (".yaml", ".csv"))
    junk = [b"", b"- ", b": ", b"{", b"]", b'"', b"\x00", b"\xff", b"2024-02-30", b"~",
            b"[1, 2]", b"{a: 1}", b"!!binary x", b"*a", b"? ", b"1e400", b"nan", b"-5",
            b"x" * 150_000, b"[" * 3000, b"\t"]  # fmt: skip
    pristine = {p: p.read_bytes() for p in files}
    for _ in range(60):
        for path, data in pristine.items():
            path.write_bytes(data)
        for _ in range(rnd.randint(1, 3)):
            path = rnd.choice(files)
            lines = pristine[path].split(b"\n")
            k = rnd.randrange(len(lines))
            piece = rnd.choice(junk)
            lines[k] = rnd.choice([piece, lines[k][: len(lines[k]) // 2] + piece + lines[k]])
            path.write_bytes(b"\n".join(lines[: rnd.randint(k, len(lines))]))
        _kb, problems = load_knowledge(knowledge_copy)
        assert not any("internal validation error" in str(p) for p in problems), problems
    shutil.rmtree(knowledge_copy)


def test_duplicate_observation_names_both_places(knowledge_copy: Path, built: Path):
    before = built.read_bytes()
    path = knowledge_copy / OBS_2023
    path.write_text(path.read_text() + "trust,police,trust,2023-10,63.1,percent,bns-2024-01-24\n")
    result = _run_build(knowledge_copy, built)
    assert result.returncode == 1
    last = len(path.read_text().splitlines())
    first = _line_of(knowledge_copy, OBS_2023, "trust,police,trust,2023-10")
    assert (
        f"knowledge/{OBS_2023}:{last}: duplicate observation trust/police/trust/2023-10 "
        f"(also knowledge/{OBS_2023}:{first})"
    ) in result.stderr
    assert built.read_bytes() == before


def test_every_problem_is_reported_at_once(knowledge_copy: Path, built: Path):
    _edit(knowledge_copy, OBS_2024, "trust,police,trust,2024-04,", "trust,police,trust,2019-04,")
    _edit(
        knowledge_copy,
        OBS_2023,
        "crime,almaty_city,registered_crimes,2023-10,27576,",
        "crime,almaty_city,registered_crimes,2023-10,-1,",
    )
    _edit(
        knowledge_copy,
        "institutions.yaml",
        "en: {name: Police, in_text: the police, dative: the police, genitive: the police}",
        "en: {}",
    )
    result = _run_build(knowledge_copy, built)
    assert result.returncode == 1
    assert "unknown wave '2019-04'" in result.stderr
    assert "count -1 is not a non-negative integer" in result.stderr
    assert "institution 'police' has no en name" in result.stderr
    assert "problem(s); the store was not written" in result.stderr


def test_check_validates_without_writing(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "never.sqlite3"
    result = _run_build(knowledge_copy, db, "--check")
    assert result.returncode == 0, result.stderr
    assert "knowledge is valid: 86 observations" in result.stdout
    assert not db.exists()


def test_build_writes_the_store_and_reports_counts(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "out" / "senim.sqlite3"
    result = _run_build(knowledge_copy, db)
    assert result.returncode == 0, result.stderr
    assert "trust 60, safety 10, insecurity_reason 6, crime 6, survey 4" in result.stdout
    assert db.exists()


def test_a_build_that_fails_midway_leaves_the_old_store(
    knowledge_copy: Path, built: Path, monkeypatch: pytest.MonkeyPatch
):
    """A crash while writing (disk full, killed) must not replace the old store."""
    import sqlite_utils.db

    before = built.read_bytes()
    original = sqlite_utils.db.Table.insert_all

    def insert_then_fail(self, records, *args, **kwargs):
        if self.name == "observations":
            raise OSError("disk full")
        return original(self, records, *args, **kwargs)

    monkeypatch.setattr(sqlite_utils.db.Table, "insert_all", insert_then_fail)
    with pytest.raises(OSError, match="disk full"):
        build(knowledge_copy, built)
    assert built.read_bytes() == before
    assert list(built.parent.glob(f".{built.name}.*")) == []


def test_missing_knowledge_directory(tmp_path: Path):
    result = _run_build(tmp_path / "nowhere", tmp_path / "db.sqlite3")
    assert result.returncode == 1
    assert "knowledge directory not found" in result.stderr
