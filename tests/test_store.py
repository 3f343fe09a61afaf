"""The store holds every published figure, and is read-only at run time."""

from __future__ import annotations

import os
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import pytest

from bot.build import open_store
from bot.store import Store, StoreUnavailable

# Figures typed from the seed texts (shared/seeds), not from knowledge/, so a
# slip in either shows up: (institution, wave) -> trust, partial_trust,
# partial_distrust, distrust, and the fifth category.
SEED_TRUST = {
    ("prosecutor", "2023-10"): ("63.8", "27.1", "3.0", "2.9", ("hard_to_say", "3.2")),
    ("police", "2023-10"): ("63.1", "27.8", "3.6", "3.9", ("never_encountered", "1.7")),
    ("anti_corruption", "2023-10"): ("51.1", "31.1", "5.3", "3.9", ("never_encountered", "8.6")),
    ("economic_investigation", "2023-10"): (
        "46.3",
        "31.5",
        "5.5",
        "3.6",
        ("never_encountered", "13.1"),
    ),
    ("courts", "2023-10"): ("61.0", "28.1", "2.7", "3.2", ("hard_to_say", "5.0")),
    ("fire_service", "2023-10"): ("77.2", "17.9", "1.0", "1.0", ("hard_to_say", "3.0")),
    ("prosecutor", "2024-04"): ("66", "24.1", "3", "2.3", ("hard_to_say", "4.6")),
    ("police", "2024-04"): ("61.6", "27", "4.4", "4.6", ("never_encountered", "2.5")),
    ("anti_corruption", "2024-04"): ("50.9", "28.7", "4.9", "4.1", ("never_encountered", "11.4")),
    ("economic_investigation", "2024-04"): (
        "47.8",
        "29",
        "5.2",
        "2.9",
        ("never_encountered", "15"),
    ),
    ("courts", "2024-04"): ("61.8", "25.9", "3.4", "2.9", ("hard_to_say", "6")),
    ("fire_service", "2024-04"): ("79.4", "16.4", "0.9", "0.4", ("hard_to_say", "2.8")),
}
MEASURES = ("trust", "partial_trust", "partial_distrust", "distrust")


@pytest.mark.parametrize(("institution", "wave"), sorted(SEED_TRUST))
def test_every_trust_figure_of_the_seeds_is_in_the_store(store: Store, institution, wave):
    *values, (fifth, fifth_value) = SEED_TRUST[(institution, wave)]
    for measure, value in [*zip(MEASURES, values, strict=True), (fifth, fifth_value)]:
        fact = store.fact("trust", institution, measure, wave)
        assert fact is not None, (institution, measure, wave)
        assert fact.value == Decimal(value)
        assert fact.unit == "percent"
    expected_source = "bns-2024-01-24" if wave == "2023-10" else "astana-times-2024-07-19"
    assert {f.source for f in store.facts("trust", subject=institution, wave=wave)} == {
        expected_source
    }


def test_counts_per_topic(store: Store):
    assert store.count("trust") == 6 * 5 * 2
    assert store.count("safety") == 5 * 2
    assert store.count("insecurity_reason") == 3 * 2
    assert store.count("crime") == 6
    assert store.count("survey") == 4
    assert store.count() == 86


def test_safety_reasons_crimes_and_survey_facts(store: Store):
    for wave in ("2023-10", "2024-04"):
        safety = {f.measure: f.value for f in store.facts("safety", wave=wave)}
        assert safety == {
            "completely_safe": Decimal("61.7"),
            "safe_enough": Decimal("30.5"),
            "not_safe": Decimal("6") if wave == "2024-04" else Decimal("6.0"),
            "not_safe_at_all": Decimal("1") if wave == "2024-04" else Decimal("1.0"),
            "hard_to_say": Decimal("0.8"),
        }
        reasons = [(f.measure, f.value) for f in store.facts("insecurity_reason", wave=wave)]
        assert reasons == [
            ("fear_of_attack", Decimal("26.7")),
            ("fear_of_going_out_alone", Decimal("15.8")),
            ("low_security", Decimal("14.4")),
        ]
    crimes = [(f.subject, int(f.value)) for f in store.facts("crime")]
    assert crimes == [
        ("almaty_city", 27576),
        ("astana_city", 18041),
        ("almaty_region", 10223),
        ("karaganda_region", 9264),
        ("shymkent_city", 6533),
        ("aktobe_region", 6178),
    ]
    assert {f.unit for f in store.facts("crime")} == {"count"}
    survey = {f.measure: (f.value, f.unit) for f in store.facts("survey")}
    assert survey == {
        "households_sampled": (Decimal("18005"), "count"),
        "household_share": (Decimal("0.35"), "percent"),
        "age_min": (Decimal("15"), "years"),
        "age_max": (Decimal("80"), "years"),
    }


def test_reference_data(store: Store):
    waves = store.waves()
    assert [w.id for w in waves] == ["2023-10", "2024-04"]
    assert waves[0].released == "2024-01-24" and waves[0].next_release == "2024-07-17"
    assert waves[1].released == "2024-07-17"
    assert store.sources()["astana-times-2024-07-19"].kind == "press_report"
    assert store.scale_of("trust", "police") == "agreement"
    assert store.scale_of("trust", "courts") == "confidence"
    assert store.scale_measures("agreement")[-1] == "never_encountered"
    assert store.derived_measures()["trust_total"] == ("trust", ("trust", "partial_trust"))
    assert store.name("institution", "police", "kk", "dative") == "полицияға"
    assert store.name("region", "almaty_city", "ru") == "город Алматы"


def test_derived_figures_are_not_stored(store: Store):
    assert store.fact("trust", "police", "trust_total", "2024-04") is None
    assert store.facts("trust", measure="distrust_total") == []


def test_store_is_read_only_at_run_time(store_path: Path):
    before = store_path.read_bytes()
    store = Store(store_path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store._conn.execute("DELETE FROM observations")
    store.close()
    assert store_path.read_bytes() == before


def test_the_store_has_keys_and_indexes(store_path: Path):
    conn = sqlite3.connect(store_path)
    fks = {row[2] for row in conn.execute("PRAGMA foreign_key_list(observations)")}
    assert fks == {"topics", "subjects", "measures", "waves", "sources"}
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(observations)")}
    assert {
        "idx_observations_topic_wave_measure",
        "idx_observations_topic_subject_measure",
    } <= indexes
    plan = " ".join(
        str(row)
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM observations WHERE topic='trust' AND wave='2024-04'"
            " AND measure='trust'"
        )
    )
    assert "idx_observations_topic_wave_measure" in plan


def test_missing_store_is_built_on_first_use(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "fresh" / "senim.sqlite3"
    store = open_store(knowledge_copy, db)[0]
    assert db.exists()
    assert store.fact("trust", "police", "trust", "2024-04").value == Decimal("61.6")


def test_stale_store_is_rebuilt_when_knowledge_changes(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "senim.sqlite3"
    open_store(knowledge_copy, db)
    old = (knowledge_copy / "observations" / "2024-07-19_astana_times.csv").read_text()
    # A corrected figure (keeps the distribution at 100): the store must follow.
    new = old.replace("trust,police,trust,2024-04,61.6", "trust,police,trust,2024-04,61.5")
    new = new.replace(
        "trust,police,partial_trust,2024-04,27,", "trust,police,partial_trust,2024-04,27.1,"
    )
    csv = knowledge_copy / "observations" / "2024-07-19_astana_times.csv"
    csv.write_text(new)
    future = time.time() + 5
    os.utime(csv, (future, future))
    store = open_store(knowledge_copy, db)[0]
    assert store.fact("trust", "police", "trust", "2024-04").value == Decimal("61.5")


def test_fresh_store_is_not_rebuilt(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "senim.sqlite3"
    open_store(knowledge_copy, db)
    inode = db.stat().st_ino
    open_store(knowledge_copy, db)
    assert db.stat().st_ino == inode


def test_broken_knowledge_keeps_the_previous_store_in_use(knowledge_copy: Path, tmp_path: Path):
    db = tmp_path / "senim.sqlite3"
    open_store(knowledge_copy, db)
    before = db.read_bytes()
    (knowledge_copy / "waves.yaml").write_text("- id: [unclosed\n")
    future = time.time() + 5
    os.utime(knowledge_copy / "waves.yaml", (future, future))
    store = open_store(knowledge_copy, db)[0]
    assert store.fact("trust", "courts", "trust", "2023-10").value == Decimal("61.0")
    assert db.read_bytes() == before


def test_no_store_and_broken_knowledge_is_a_clear_error(knowledge_copy: Path, tmp_path: Path):
    (knowledge_copy / "waves.yaml").write_text("- id: [unclosed\n")
    with pytest.raises(StoreUnavailable) as error:
        open_store(knowledge_copy, tmp_path / "none.sqlite3")
    assert any("waves.yaml:" in p for p in error.value.problems)


def test_a_store_that_cannot_be_rewritten_stays_in_use(
    knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A read-only install (the Docker image's user cannot write /app) keeps serving."""
    import tempfile

    db = tmp_path / "senim.sqlite3"
    open_store(knowledge_copy, db)
    future = time.time() + 5
    os.utime(knowledge_copy / "waves.yaml", (future, future))  # the store looks stale

    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert open_store(knowledge_copy, db)[0].path == db
    with pytest.raises(StoreUnavailable, match="cannot be written"):
        open_store(knowledge_copy, tmp_path / "elsewhere.sqlite3")
