"""Cost as the waves grow: build, start-up, and answers over every wave.

    python benchmarks/waves_growth.py [--waves 3,6,12,24] [--rounds 3]

Adds waves to a copy of knowledge/ the way the README's recipe does (the latest wave's
figures under a new id, as tests/test_live_knowledge.py does) and measures, for each
count: `senim build` (validate and write), the store's size, opening the engine (the
catalog is read once), and the first answer (no memo) to questions whose work grows with
the waves: the value with its context, the change, an answer over time for one body and
for all six, and the trend chart's spec. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.build import build  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.conftest import lexicon_of  # noqa: E402
from tests.test_live_knowledge import add_wave  # noqa: E402

QUESTIONS = {
    "value": "How much do people trust the police?",
    "change": "How did trust in the courts change?",
    "trend, one body": "how has trust in the police changed over time",
    "trend, six bodies": "trust in all bodies over time",
    "ranking": "rank the bodies by trust",
}


def measure(waves: int, rounds: int, work: Path) -> None:
    knowledge = work / f"k{waves}"
    shutil.copytree(REPO / "knowledge", knowledge)
    have = len([line for line in (knowledge / "waves.yaml").read_text().splitlines()
                if line.startswith("- id:")])  # fmt: skip
    for _ in range(waves - have):
        add_wave(knowledge)
    db = work / f"s{waves}.sqlite3"
    started = time.perf_counter()
    result = build(knowledge, db)
    build_s = time.perf_counter() - started
    assert result.ok, result.problems
    opens = []
    for _ in range(rounds):
        started = time.perf_counter()
        store = Store(db)
        engine = Engine(store, lexicon_of(store), "bench")
        opens.append(time.perf_counter() - started)
    parsed = {name: engine.parser.parse(q, None, None).query for name, q in QUESTIONS.items()}
    cells = []
    for name, query in parsed.items():
        samples = []
        for _ in range(rounds):
            engine = Engine(store, lexicon_of(store), "bench")  # no memo: the first answer
            started = time.perf_counter()
            engine.reply_to(query, "en")
            samples.append(time.perf_counter() - started)
        cells.append(f"{name} {statistics.median(samples) * 1e3:.2f} ms")
    trend = parsed["trend, six bodies"]
    started = time.perf_counter()
    spec = engine.chart(trend, "ru")
    chart_ms = (time.perf_counter() - started) * 1e3
    print(
        f"{waves:>3} waves: build {build_s:.2f} s, store {db.stat().st_size / 1024:.0f} KiB, "
        f"engine open {statistics.median(opens) * 1e3:.1f} ms; first answers: "
        + ", ".join(cells)
        + f"; trend chart spec {chart_ms:.2f} ms ({len(spec.points) if spec else 0} points)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", default="3,6,12,24")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for waves in (int(n) for n in args.waves.split(",")):
            measure(waves, args.rounds, Path(tmp))


if __name__ == "__main__":
    main()
