"""Speed of `senim ask`: batch throughput, per-question latency, one-shot cold start.

    python benchmarks/ask_throughput.py [--rounds 5] [--cold 20]

Prints figures; asserts nothing (see README for the latest ones). Uses the
golden questions (tests/golden), the way `senim ask --json -` reads them.
Runs on one core (taskset) when available.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def golden_questions() -> list[str]:
    import yaml

    questions = []
    for name in ("kk", "ru", "en", "mixed"):
        for item in yaml.safe_load((REPO / "tests" / "golden" / f"{name}.yaml").read_text()):
            turns = item.get("conversation", [item])
            questions += [str(turn["q"]) for turn in turns]
    return questions


def one_core() -> list[str]:
    return ["taskset", "-c", "0"] if shutil.which("taskset") else []


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def in_process_latency(questions: list[str], rounds: int) -> None:
    """Latency of one question through the engine and JSON, as batch mode does it."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    from bot.ask import as_json
    from bot.config import Settings
    from bot.engine import Engine

    engine = Engine.open(Settings.from_env())
    for label, passes in (
        ("first pass (every word new to the process)", 1),
        ("steady state", rounds),
    ):
        samples = []
        for _ in range(passes):
            for question in questions:
                started = time.perf_counter()
                json.dumps(as_json(engine, engine.ask(question)), ensure_ascii=False)
                samples.append(time.perf_counter() - started)
        print(
            f"in-process, {label}: {len(samples)} questions, "
            f"p50 {percentile(samples, 0.5) * 1e6:.0f} µs, "
            f"p99 {percentile(samples, 0.99) * 1e6:.0f} µs, "
            f"max {max(samples) * 1e3:.2f} ms, "
            f"{len(samples) / sum(samples):,.0f} questions/s"
        )


def batch_throughput(questions: list[str], target: int) -> None:
    """Wall time of the real `senim ask --json -` over ~target lines (start-up included)."""
    lines = (questions * (target // len(questions) + 1))[:target]
    with tempfile.TemporaryFile() as stdin:
        stdin.write(("\n".join(lines) + "\n").encode())
        stdin.seek(0)
        started = time.perf_counter()
        result = subprocess.run(
            [*one_core(), sys.executable, "-m", "bot", "ask", "--json", "-"],
            stdin=stdin,
            capture_output=True,
            check=True,
        )
        elapsed = time.perf_counter() - started
    replies = result.stdout.count(b"\n")
    print(
        f"batch `senim ask --json -`, one core: {replies} replies in {elapsed:.2f} s = "
        f"{replies / elapsed:,.0f} questions/s (process start-up included)"
    )


def cold_start(runs: int) -> None:
    """Wall time of a one-shot `senim ask`, process start to exit."""
    senim = shutil.which("senim") or str(Path(sys.executable).with_name("senim"))
    command = [*one_core(), senim, "ask", "How much do people trust the police?"]
    subprocess.run(command, capture_output=True, check=True)  # store built, files cached
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    print(
        f"cold start, one-shot `senim ask`: median {statistics.median(times):.3f} s, "
        f"p90 {percentile(times, 0.9):.3f} s, best {min(times):.3f} s ({runs} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cold", type=int, default=20)
    parser.add_argument("--batch", type=int, default=20_000)
    args = parser.parse_args()
    # An installed package has bytecode; a checkout run with PYTHONDONTWRITEBYTECODE
    # would otherwise re-compile every module on every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "bot")], check=True)
    questions = golden_questions()
    print(
        f"{len(questions)} golden questions; "
        f"python {sys.version.split()[0]}; {os.cpu_count()} cores"
    )
    batch_throughput(questions, args.batch)
    cold_start(args.cold)
    in_process_latency(questions, args.rounds)


if __name__ == "__main__":
    main()
