"""`senim build` says what it changes against the store it replaces (bot/build_diff.py):
real knowledge copies, real SQLite stores, real `senim build` subprocesses."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.build import BuildResult, build, open_store
from bot.build_diff import StoreDiff, TableChange, compare_stores, report
from bot.store import Store
from tests.test_build import OBS_2023, _edit, _line_of
from tests.test_live_knowledge import add_wave

BUILD = [sys.executable, "-m", "bot", "build"]
ALMATY = "crime,almaty_city,registered_crimes,2023-10,27576,count,bns-2024-01-24"


def _run_build(
    knowledge: Path, db: Path, *extra: str, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "TELEGRAM_"))}
    return subprocess.run(
        [*BUILD, "--knowledge", str(knowledge), "--db", str(db), *extra],
        capture_output=True,
        text=True,
        env={**environ, **env},
        timeout=60,
    )


def _diff(knowledge: Path, db: Path, **kwargs: bool) -> StoreDiff:
    result = build(knowledge, db, **kwargs)
    assert result.ok, "\n".join(map(str, result.problems))
    assert result.diff is not None
    return result.diff


@pytest.fixture
def built(knowledge_copy: Path, tmp_path: Path) -> Path:
    db = tmp_path / "var" / "senim.sqlite3"
    assert build(knowledge_copy, db).ok
    return db


def test_the_first_build_has_no_store_to_compare_with(knowledge_copy: Path, tmp_path: Path):
    diff = _diff(knowledge_copy, tmp_path / "senim.sqlite3")
    assert diff.status == "first"
    assert report(diff) == ["No store to compare with (first build)."]


def test_rebuilding_unchanged_knowledge_changes_nothing(knowledge_copy: Path, built: Path):
    built_at = Store(built).meta("built_at")
    diff = _diff(knowledge_copy, built)
    assert diff.status == "compared" and diff.unchanged, diff
    assert diff.built_at == built_at
    assert report(diff) == [
        f"Against the store it replaces ({built}, built {built_at}):",
        "  No changes.",
    ]


def test_a_wave_added_is_reported_with_its_source_and_figures(knowledge_copy: Path, built: Path):
    files = set((knowledge_copy / "observations").glob("*.csv"))
    wave = add_wave(knowledge_copy)
    [added_file] = set((knowledge_copy / "observations").glob("*.csv")) - files
    rows = list(csv.DictReader(io.StringIO(added_file.read_text(encoding="utf-8"))))
    assert rows and {r["wave"] for r in rows} == {wave}
    source = rows[0]["source"]

    diff = _diff(knowledge_copy, built)
    assert diff.waves.added == (wave,) and not diff.waves.removed and not diff.waves.changed
    assert diff.sources.added == (source,)
    assert not diff.sources.removed and not diff.sources.changed
    assert len(diff.figures.added) == len(rows)
    assert not diff.figures.changed and not diff.figures.removed
    per_topic = Counter(r["topic"] for r in rows)
    assert Counter(f.topic for f in diff.figures.added) == per_topic
    assert {f.wave for f in diff.figures.added} == {wave}

    lines = report(diff)
    assert f"  waves: + {wave}" in lines
    assert f"  sources: + {source}" in lines
    summary = ", ".join(f"{topic} {wave}: {n}" for topic, n in per_topic.items())
    assert f"  figures: + {len(rows)} ({summary}), ~ 0, − 0" in lines
    assert not any(line.startswith("    + ") for line in lines)  # summarised, not listed
    verbose = report(diff, verbose=True)
    listed = [line for line in verbose if line.startswith("    + ")]
    assert len(listed) == len(rows)
    assert listed[0].startswith(f"    + {rows[0]['topic']}/{rows[0]['subject']}/")
    assert f"(knowledge/observations/{added_file.name}:2)" in listed[0]


def test_one_figure_edited_is_exactly_one_change_old_to_new(knowledge_copy: Path, built: Path):
    _edit(knowledge_copy, OBS_2023, ALMATY, ALMATY.replace(",27576,", ",27577,"))
    line = _line_of(knowledge_copy, OBS_2023, "crime,almaty_city")
    diff = _diff(knowledge_copy, built)
    assert not diff.waves and not diff.sources and not diff.tables and not diff.meta
    assert not diff.figures.added and not diff.figures.removed
    [change] = diff.figures.changed
    assert change.old.key == ("crime", "almaty_city", "registered_crimes", "2023-10")
    assert (change.old.value, change.new.value, change.fields) == ("27576", "27577", ("value",))
    assert change.new.where == f"knowledge/{OBS_2023}:{line}"
    lines = report(diff)
    assert "  figures: + 0, ~ 1, − 0" in lines
    assert (
        f"    ~ crime/almaty_city/registered_crimes 2023-10: 27576 → 27577 count "
        f"(knowledge/{OBS_2023}:{line})"
    ) in lines


def test_a_value_is_compared_as_published_not_as_a_number(knowledge_copy: Path, built: Path):
    _edit(knowledge_copy, OBS_2023, ",0.35,percent", ",0.350,percent")
    [change] = _diff(knowledge_copy, built).figures.changed
    assert (change.old.value, change.new.value) == ("0.35", "0.350")


def test_a_row_deleted_is_reported_removed_with_where_it_was(knowledge_copy: Path, built: Path):
    line = _line_of(knowledge_copy, OBS_2023, "crime,almaty_city")
    _edit(knowledge_copy, OBS_2023, ALMATY + "\n", "")
    diff = _diff(knowledge_copy, built)
    assert not diff.figures.added and not diff.figures.changed
    [removed] = diff.figures.removed
    assert removed.key == ("crime", "almaty_city", "registered_crimes", "2023-10")
    lines = report(diff)
    assert "  figures: + 0, ~ 0, − 1" in lines
    assert (
        f"    − crime/almaty_city/registered_crimes 2023-10: 27576 count "
        f"(was knowledge/{OBS_2023}:{line})"
    ) in lines


def test_wave_and_source_fields_changed_show_old_and_new(knowledge_copy: Path, built: Path):
    _edit(knowledge_copy, "waves.yaml", "next_release: 2024-07-17", "next_release: 2024-07-18")
    _edit(knowledge_copy, "sources.yaml", "url: https://astanatimes.com/", "url: https://at.kz/")
    diff = _diff(knowledge_copy, built)
    [wave] = diff.waves.changed
    assert wave.id == "2023-10" and [f.field for f in wave.fields] == ["next_release"]
    [source] = diff.sources.changed
    assert source.id == "astana-times-2024-07-19" and [f.field for f in source.fields] == ["url"]
    assert not diff.figures
    lines = report(diff)
    assert "  waves: ~ 2023-10 (next_release)" in lines
    assert "    ~ 2023-10 next_release: 2024-07-17 → 2024-07-18" in lines
    assert "  sources: ~ astana-times-2024-07-19 (url)" in lines


def test_a_corrupt_old_store_still_builds_and_is_said_unreadable(knowledge_copy: Path, built: Path):
    built.write_bytes(os.urandom(8192))
    diff = _diff(knowledge_copy, built)
    assert diff.status == "unreadable"
    assert report(diff) == [
        f"The store it replaces ({built}) could not be read (it is not an SQLite "
        "database): nothing to compare with."
    ]
    assert Store(built).count() == 86  # the new store is in place


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]),
        lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000),
        lambda p: (p.unlink(), p.mkdir()),
    ],
    ids=["empty", "truncated", "garbled header", "a directory"],
)
def test_damaged_old_stores_never_break_the_comparison(built: Path, tmp_path: Path, damage):
    new = tmp_path / "new.sqlite3"
    shutil.copy(built, new)
    damage(built)
    diff = compare_stores(built, new)
    assert diff.status in {"unreadable", "compared"}, diff
    assert len(report(diff)) >= 1 and all("\n" not in line for line in report(diff))


def test_an_older_schema_is_compared_on_what_both_stores_have(built: Path, tmp_path: Path):
    """A store of another schema: no sources table, no value_text, no next_release."""
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE waves (id TEXT PRIMARY KEY, released TEXT)")
        conn.execute("INSERT INTO waves VALUES ('2023-10', '2024-01-24'), ('2019-04', 'x')")
        conn.execute("CREATE TABLE observations (topic, subject, measure, wave, value REAL, unit)")
        conn.execute(
            "INSERT INTO observations VALUES"
            " ('crime', 'almaty_city', 'registered_crimes', '2023-10', 27500.0, 'count'),"
            " ('survey', 'all', 'age_min', '2023-10', 15.0, 'years')"
        )
        conn.execute("CREATE TABLE legacy_remarks (id TEXT, text TEXT)")
        conn.execute("INSERT INTO legacy_remarks VALUES ('a', 'b')")
    diff = compare_stores(old, built)
    assert diff.status == "compared"
    assert diff.waves.added == ("2024-04",) and diff.waves.removed == ("2019-04",)
    assert not diff.waves.changed  # released is the same; next_release is not compared
    [change] = diff.figures.changed
    assert (change.old.value, change.new.value) == ("27500", "27576")
    assert len(diff.figures.added) == 84 and not diff.figures.removed
    tables = {t.table: t for t in diff.tables}
    assert tables["legacy_remarks"].state == "gone" and tables["legacy_remarks"].removed == 1
    assert tables["lexicon"].state == "new"
    lines = report(diff)
    assert any("schema version unknown" in line for line in lines)
    assert "  (sources not compared: the old store has no sources table)" in lines
    assert any(
        line.startswith("  other: ") and "legacy_remarks gone (had 1 row)" in line for line in lines
    )


def test_other_tables_are_summarised_by_rows_added_and_removed(built: Path, tmp_path: Path):
    new = tmp_path / "new.sqlite3"
    shutil.copy(built, new)
    with sqlite3.connect(new) as conn:
        conn.execute("DELETE FROM glossary WHERE rowid = (SELECT MIN(rowid) FROM glossary)")
        conn.execute("CREATE TABLE extra_counts (topic TEXT, wave TEXT)")
        conn.execute("INSERT INTO extra_counts VALUES ('trust', '2024-10'), ('safety', '2024-10')")
        conn.execute("UPDATE meta SET value = '[]' WHERE key = 'questionnaire'")
    diff = compare_stores(built, new)
    assert not diff.unchanged
    assert [t.table for t in diff.tables] == ["glossary", "extra_counts"]
    other = [line for line in report(diff) if line.startswith("  other: ")]
    assert other == [
        "  other: glossary −1, extra_counts new (2 rows), questionnaire (meta) changed"
    ]


def test_a_failing_comparison_never_fails_the_build(
    knowledge_copy: Path, built: Path, monkeypatch: pytest.MonkeyPatch
):
    import bot.build_diff

    def broken(*_args: object) -> StoreDiff:
        raise RuntimeError("a bug\nwith two lines")

    monkeypatch.setattr(bot.build_diff, "_compare", broken)
    diff = _diff(knowledge_copy, built)
    assert diff.status == "not_compared"
    assert report(diff) == [
        f"Not compared with the store at {built}: the comparison failed (RuntimeError: a bug)."
    ]


def test_open_store_does_not_compare(
    knowledge_copy: Path, built: Path, monkeypatch: pytest.MonkeyPatch
):
    """Rebuilding a stale store at start-up costs no comparison."""
    import bot.build_diff

    def forbidden(*_args: object, **_kwargs: object) -> StoreDiff:
        raise AssertionError("open_store compared the stores")

    monkeypatch.setattr(bot.build_diff, "compare_stores", forbidden)
    os.utime(built, (0, 0))  # older than knowledge/: rebuilt
    store, _lexicon = open_store(knowledge_copy, built)
    assert store.count() == 86
    store.close()


def test_build_result_still_constructs_without_a_diff():
    result = BuildResult([], {"trust": 1})
    assert result.ok and result.diff is None


def test_build_with_problems_has_no_diff(knowledge_copy: Path, built: Path):
    _edit(knowledge_copy, OBS_2023, ",27576,", ",-1,")
    result = build(knowledge_copy, built)
    assert not result.ok and result.diff is None


def test_check_reports_what_a_build_would_change_and_writes_nothing(
    knowledge_copy: Path, built: Path, tmp_path: Path
):
    before = built.read_bytes()
    _edit(knowledge_copy, OBS_2023, ALMATY, ALMATY.replace(",27576,", ",27577,"))
    temp = tmp_path / "tmp"
    temp.mkdir()
    run = _run_build(knowledge_copy, built, "--check", TMPDIR=str(temp))
    assert run.returncode == 0, run.stderr
    out = run.stdout.splitlines()
    assert out[0].startswith("knowledge is valid: 86 observations")
    assert out[1].startswith(f"Against the store a build would replace ({built}, built ")
    assert "  figures: + 0, ~ 1, − 0" in out
    assert any("27576 → 27577 count" in line for line in out)
    assert built.read_bytes() == before
    assert sorted(p.name for p in built.parent.iterdir()) == [built.name]
    assert list(temp.iterdir()) == []  # the store it compared with is gone


def test_check_without_a_store_writes_nothing(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "none" / "senim.sqlite3"
    run = _run_build(knowledge_copy, db, "--check")
    assert run.returncode == 0, run.stderr
    assert "No store to compare with (first build)." in run.stdout
    assert not db.parent.exists()


def test_the_cli_prints_the_report_after_what_it_wrote(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "senim.sqlite3"
    first = _run_build(knowledge_copy, db)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[1:] == ["No store to compare with (first build)."]
    again = _run_build(knowledge_copy, db)
    assert again.stdout.splitlines()[-1] == "  No changes."

    wave = add_wave(knowledge_copy)
    line = _line_of(knowledge_copy, OBS_2023, "crime,almaty_city")
    _edit(knowledge_copy, OBS_2023, ALMATY, ALMATY.replace(",27576,", ",27577,"))
    secret = "123456:telegram-token-not-to-print"
    run = _run_build(knowledge_copy, db, "-v", TELEGRAM_BOT_TOKEN=secret)
    assert run.returncode == 0, run.stderr
    out = run.stdout.splitlines()
    assert out[0].startswith(f"wrote {db}: ")
    assert out[1].startswith(f"Against the store it replaces ({db}, built ")
    assert f"  waves: + {wave}" in out
    assert (
        f"    ~ crime/almaty_city/registered_crimes 2023-10: 27576 → 27577 count "
        f"(knowledge/{OBS_2023}:{line})"
    ) in out
    assert sum(line.startswith("    + ") and f" {wave}: " in line for line in out) > 0
    assert secret not in run.stdout + run.stderr


def test_the_cli_reports_an_unreadable_store_and_exits_0(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "senim.sqlite3"
    db.write_bytes(b"not a database at all" * 100)
    run = _run_build(knowledge_copy, db)
    assert run.returncode == 0, run.stderr
    assert f"The store it replaces ({db}) could not be read" in run.stdout
    assert Store(db).count() == 86


def test_a_table_without_rowid_is_compared_too(built: Path, tmp_path: Path):
    new = tmp_path / "new.sqlite3"
    shutil.copy(built, new)
    for path, rows in ((built, ["a"]), (new, ["a", "b"])):
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE keyed (k TEXT PRIMARY KEY) WITHOUT ROWID")
            conn.executemany("INSERT INTO keyed VALUES (?)", [(r,) for r in rows])
    diff = compare_stores(built, new)
    assert diff.status == "compared"
    assert diff.tables == (TableChange("keyed", 1, 0),)
