"""Hostile input at volume: the property of tests/hostile.py on 100,000 examples, and the
memory of `senim ask --json -` fed 20,000 distinct 4,096-character questions.

    python benchmarks/hostile_input.py [--examples 100000] [--long 20000]

Prints figures; asserts nothing. The property run stops at the first failing example
(hypothesis shrinks it and prints it); a run that reaches the end had 0 exceptions,
every reply valid Telegram HTML of at most 4,096 characters.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ALPHABET = "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыэюяәғқңөұүһі"
WORDS = [
    "полиция",
    "сотқа",
    "police",
    "trust",
    "доверие",
    "суд",
    "2023",
    "2024",
    "прокуратура",
    "сенім",
    "crime",
    "Алматы",
]


def property_run(examples: int) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from bot.config import Settings
    from bot.engine import Engine
    from tests.hostile import check, questions

    engine = Engine.open(Settings.from_env())
    follow_ups = st.sampled_from([None, "police 2023", "преступления в Алматы", "қауіпсіздік"])
    count = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(question=questions, before=follow_ups)
    def run(question: str, before: str | None) -> None:
        nonlocal count
        count += 1
        check(engine, question, before)

    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    print(
        f"property: {count} examples, 0 exceptions, every reply valid Telegram HTML "
        f"≤ 4096 characters ({seconds:.0f} s, {seconds / count * 1e3:.2f} ms each)"
    )


def random_strings(count: int, seed: int = 5) -> list[str]:
    """Letters at random: Latin words, Cyrillic words, and mixes of up to four words."""
    rnd = random.Random(seed)
    latin = "abcdefghijklmnopqrstuvwxyz"
    cyrillic = "абвгдежзийклмнопрстуфхцчшщыэюяәғқңөұүһі"
    found = []
    for _ in range(count):
        kind = rnd.random()
        if kind < 0.4:
            found.append("".join(rnd.choice(latin) for _ in range(rnd.randint(1, 10))))
        elif kind < 0.7:
            found.append("".join(rnd.choice(cyrillic) for _ in range(rnd.randint(1, 10))))
        else:
            found.append(
                " ".join(
                    "".join(rnd.choice(latin + cyrillic) for _ in range(rnd.randint(1, 8)))
                    for _ in range(rnd.randint(1, 4))
                )
            )
    return found


def noise_run(count: int) -> None:
    """How many random strings get figures (each one is a figure nobody asked for)."""
    from bot.config import Settings
    from bot.engine import Engine

    engine = Engine.open(Settings.from_env())
    hits = [text for text in random_strings(count) if engine.ask(text).figures]
    print(f"noise: {len(hits)} of {count} random strings got figures: {hits[:12]}")


def long_questions(count: int, length: int, seed: int = 1) -> list[bytes]:
    rnd = random.Random(seed)
    lines = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < length:
            if rnd.random() < 0.3:
                parts.append(rnd.choice(WORDS))
            else:
                parts.append("".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(2, 12))))
        lines.append(" ".join(parts)[:length].encode() + b"\n")
    return lines


def memory_run(count: int, length: int = 4096) -> None:
    """Peak RSS of one `senim ask --json -` answering `count` distinct long questions."""
    lines = long_questions(count, length)
    with tempfile.TemporaryDirectory() as temp:
        store = Path(temp) / "senim.sqlite3"
        if (REPO / "var" / "senim.sqlite3").exists():
            store.write_bytes((REPO / "var" / "senim.sqlite3").read_bytes())
            os.utime(store)
        env = {**os.environ, "SENIM_DB": str(store)}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", "--json", "-"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        started = time.perf_counter()
        assert process.stdin is not None
        peak = 0
        for number, line in enumerate(lines):
            process.stdin.write(line)
            if number % 500 == 0:
                peak = max(peak, _hwm(process.pid))
        process.stdin.flush()
        process.stdin.close()
        while process.poll() is None:
            peak = max(peak, _hwm(process.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    print(
        f"memory: {count} distinct {length}-character questions: peak RSS {peak / 1024:.1f} MB "
        f"(target ≤ 120 MB), {count / seconds:.0f} questions/s"
    )


def _hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--long", type=int, default=20_000, help="long questions (memory)")
    parser.add_argument("--noise", type=int, default=57_741, help="random strings")
    args = parser.parse_args(argv)
    if args.noise:
        noise_run(args.noise)
    if args.long:
        memory_run(args.long)
    if args.examples:
        property_run(args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
