"""Lost and duplicated answers when Telegram fails sends: `senim run` on the fake Bot API.

    python benchmarks/fault_run.py [--questions 1000] [--chats 50] [--faults 0.10]

1,000 golden questions from 50 chats (as in bot_throughput.py), then a chart from each
chat, twice on fresh fakes and fresh state:

1. a reference run with no faults: each chat's replies, in order;
2. the same questions with `--faults` of sendMessage and sendPhoto calls failing, in
   equal parts: 429 (retry_after 1), 500, a slow answer (2-6 s, after the message was
   delivered), and a connection closed before Telegram carried the call out.

Each chat's replies are aligned with the reference (difflib): a reference reply
missing is lost, a reply beyond the alignment is a duplicate. A last line repeats the
run with connections closed *after* delivery instead: the client cannot tell the two
kinds apart (bot/telegram/transport.py), and Senim sends again, so each such fault is
a duplicate rather than a lost answer. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import difflib
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bot_throughput import (  # noqa: E402
    TOKEN,
    USERNAME,
    WARMUP_CHAT,
    BotSpec,
    running,
    workload,
)
from tests.fake_bot_api import Call, FakeBotAPI  # noqa: E402

SENDS = ("sendMessage", "sendPhoto")
KINDS = ("429", "500", "slow", "closed")


class Observed:
    """Carried-out sends per chat, in order (fed by the fake's threads)."""

    def __init__(self, api: FakeBotAPI, chats: set[int]) -> None:
        self.chats = chats
        self.sent: dict[int, list[str]] = defaultdict(list)
        self.cond = threading.Condition()
        api.subscribe(self._on_call)

    def _on_call(self, call: Call) -> None:
        chat = call.params.get("chat_id")
        if call.failed or chat not in self.chats or call.method not in SENDS:
            return
        with self.cond:
            shown = call.text if call.method == "sendMessage" else "photo: " + str(call.text)
            self.sent[chat].append(shown or "")
            self.cond.notify_all()

    def count(self) -> int:
        with self.cond:
            return sum(len(v) for v in self.sent.values())

    def wait_quiet(self, expected: int, timeout: float, quiet: float = 8.0) -> None:
        """Until `expected` sends arrived and nothing more came for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last, seen = time.monotonic(), -1
        while time.monotonic() < deadline:
            now_seen = self.count()
            if now_seen != seen:
                seen, last = now_seen, time.monotonic()
            if seen >= expected and time.monotonic() - last >= quiet:
                return
            time.sleep(0.2)


def inject(api: FakeBotAPI, share: float, seed: int, closed_after: bool) -> dict[str, int]:
    """Each send fails with probability `share`, split evenly over KINDS."""
    rnd = random.Random(seed)
    lock = threading.Lock()
    injected: dict[str, int] = defaultdict(int)

    def roll(kind: str):
        def match(call: Call) -> bool:  # asked once per call and rule
            with lock:
                hit = rnd.random() < share / len(KINDS)
                if hit:
                    injected[kind] += 1
                return hit

        return match

    for method in SENDS:
        api.fail(method, status=429, retry_after=1, times=None, match=roll("429"))
        api.fail(method, status=500, times=None, match=roll("500"))
        api.slow(method, rnd.uniform(2, 6), times=None, match=roll("slow"), after=True)
        api.drop(method, processed=closed_after, times=None, match=roll("closed"))
    return injected


def run(
    jobs, store: Path, work: Path, name: str, share: float, seed: int, closed_after: bool
) -> tuple[dict[int, list[str]], dict[str, int], float]:
    chats = {chat for chat, _ in jobs}
    with FakeBotAPI(token=TOKEN, username=USERNAME) as api:
        observed = Observed(api, chats)
        spec = BotSpec(
            "senim",
            [sys.executable, "-m", "bot", "run"],
            {
                "SENIM_MAX_RATE": "0",
                "SENIM_LOG_LEVEL": "WARNING",
                "SENIM_STATE_DIR": str(work / f"state-{name}"),
                "SENIM_DB": str(store),
            },
        )
        with running(spec, api, work / f"{name}.log") as bot:
            api.push_message(WARMUP_CHAT, "police")
            api.wait_for("sendMessage", lambda c: c.chat_id == WARMUP_CHAT, timeout=60)
            injected = inject(api, share, seed, closed_after) if share else {}
            started = time.monotonic()
            first_answer: dict[int, int] = {}
            for chat, question in jobs:
                api.push_message(chat, question.text, language_code=question.lang)
            observed.wait_quiet(len(jobs), timeout=600)
            for chat in sorted(chats):  # one chart per chat, from its first answer
                with_chart = [
                    c
                    for c in api.calls_of("sendMessage", chat_id=chat)
                    if not c.failed and any(d.startswith("c:") for d in c.callback_data())
                ]
                if with_chart:
                    call = with_chart[0]
                    first_answer[chat] = call.result["message_id"]
                    data = next(d for d in call.callback_data() if d.startswith("c:"))
                    api.push_callback(chat, call.result["message_id"], data)
            observed.wait_quiet(len(jobs) + len(first_answer), timeout=600)
            seconds = time.monotonic() - started
            if bot.poll() is not None:
                raise RuntimeError(f"the bot exited:\n{(work / f'{name}.log').read_text()}")
    return dict(observed.sent), dict(injected), seconds


def compare(
    reference: dict[int, list[str]], got: dict[int, list[str]], verbose: bool = False
) -> tuple[int, int, int]:
    lost = duplicated = total = 0
    for chat, expected in reference.items():
        actual = got.get(chat, [])
        matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
        matched = sum(block.size for block in matcher.get_matching_blocks())
        if verbose and len(expected) != matched:
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    print(f"chat {chat}: {tag} {expected[i1:i2]!r:.300} -> {actual[j1:j2]!r:.300}")
        lost += len(expected) - matched
        duplicated += len(actual) - matched
        total += len(expected)
    return lost, duplicated, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--faults", type=float, default=0.10, help="share of sends failing")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--verbose", action="store_true", help="print each lost reply")
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "bot"], cwd=REPO, check=True)
    jobs = workload(args.questions, args.chats)
    with tempfile.TemporaryDirectory(prefix="senim-faults-") as temp:
        work = Path(temp)
        store = work / "senim.sqlite3"
        if (REPO / "var" / "senim.sqlite3").exists():
            shutil.copy2(REPO / "var" / "senim.sqlite3", store)
        reference, _, _ = run(jobs, store, work, "reference", 0.0, args.seed, False)
        print(f"{len(jobs)} questions from {args.chats} chats, then a chart from each chat")
        columns = ("sends", "faults", "lost", "dup", "s")
        print(f"{'connections closed':<26} " + " ".join(f"{c:>6}" for c in columns))
        for closed_after in (False, True):
            got, injected, seconds = run(
                jobs, store, work, f"faults-{closed_after}", args.faults, args.seed, closed_after
            )
            lost, duplicated, total = compare(reference, got, args.verbose)
            label = "after delivery" if closed_after else "before the call"
            kinds = ", ".join(f"{k} {injected.get(k, 0)}" for k in KINDS)
            print(
                f"{label:<26} {total:>6} {sum(injected.values()):>6} {lost:>6} {duplicated:>6} "
                f"{seconds:>6.0f}   ({kinds}); duplicated {duplicated / total:.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
