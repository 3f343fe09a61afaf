"""Throughput of `senim run` next to a bare echo bot, on the same fake Bot API.

    .venv/bin/python benchmarks/bot_throughput.py [--questions 1000] [--chats 50] [--rounds 3]

Each round measures both bots, one after the other (Senim first in odd rounds, the echo
bot first in even ones, so a drift in machine speed hits both alike). One measurement:

1. a fresh tests.fake_bot_api.FakeBotAPI starts in this process (127.0.0.1 only; every
   measurement gets its own instance, so no bot sees another's calls or chats);
2. the bot starts as a subprocess pointed at it: `python -m bot run` with
   SENIM_MAX_RATE=0, SENIM_LOG_LEVEL=WARNING, a fresh temporary SENIM_STATE_DIR and a
   temporary copy of the store; or `python benchmarks/echo_bot.py` (python-telegram-bot
   configured like Senim: 64 concurrent updates and Senim's HTTP transport, no handler
   work but `reply_text(text)`);
3. once it has polled (`getUpdates`) and answered a warm-up question, the questions are
   pushed as fast as possible: question i comes from chat 1000 + i % chats, drawn
   round-robin from the golden questions (tests/golden, the four files interleaved), its
   user's language_code being the question's language;
4. it waits (up to --timeout seconds) until every question has its `sendMessage` reply,
   reads the bot's peak RSS and stops it with SIGTERM.

Figures, per bot (over all rounds: the median rate, pooled latencies, the worst RSS):

* rate: replies / (arrival of the last reply at the fake − the first push);
* lost: questions without a reply, counted per chat (questions pushed − replies sent);
* latency p50/p95: push → arrival of the `sendMessage` at the fake, pairing a chat's k-th
  question with its k-th reply (chats are answered concurrently, so this pairs by order,
  not identity). All questions arrive at once, so this is mostly time spent queued;
* peak RSS: `VmHWM` of the bot process just before it is stopped, plus that of any child
  process seen while it ran (there normally are none);
* steal: the share of CPU time the hypervisor took while the bot ran. Both bots are bound
  by one core (the event loop), so on a VM whose steal varies the rates vary with it;
  that is what the rounds and the medians are for.

SENIM_MAX_RATE=0 lifts Senim's overall flood limit (30 messages/s, Telegram's real one):
the fake has no flood limits, and with the limit the run would only measure the limiter.

The fake listens with a backlog of 1024 (socketserver's default of 5 made the kernel drop
connections, TcpExtListenOverflows in /proc/net/netstat: 1 s SYN retransmits and lost
replies). A run says so if an overflow happens anyway.

The fake runs in this process and shares the machine with the bot, so absolute figures
include its cost; the Senim/echo ratio is the figure to compare across machines.
Prints figures and whether the targets are met; never fails on a miss.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fake_bot_api import Call, FakeBotAPI  # noqa: E402

TOKEN = "123456:BENCH-token"
USERNAME = "senim_bench_bot"
FIRST_CHAT = 1000
WARMUP_CHAT = 999
GOLDEN_FILES = ("kk", "ru", "en", "mixed")
START_TIMEOUT = 60.0  # seconds for a bot to poll and answer the warm-up question

TARGET_RATE_RATIO = 0.8  # Senim's rate at least this share of the echo bot's
TARGET_RSS_MB = 80.0


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    lang: str


@dataclass(slots=True)
class Result:
    """One measurement of one bot."""

    name: str
    replies: int
    lost: int
    extra: int  # replies beyond a chat's questions (should be 0 too)
    seconds: float  # first push -> last reply
    latencies: list[float]
    peak_rss_kb: int  # the bot process and its children, if any
    children: int  # child processes seen
    startup_seconds: float  # start -> warm-up reply
    chat_actions: int  # sendChatAction calls ("typing..."), sent only for slow work
    listen_overflows: int  # connections the kernel dropped while the bot ran (system-wide)
    steal: float  # share of CPU time stolen by the hypervisor while the bot ran

    @property
    def rate(self) -> float:
        return self.replies / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class Summary:
    """All rounds of one bot."""

    name: str
    rounds: list[Result]

    @property
    def rates(self) -> list[float]:
        return [r.rate for r in self.rounds]

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def lost(self) -> int:
        return sum(r.lost for r in self.rounds)

    @property
    def peak_rss_mb(self) -> float:
        return max(r.peak_rss_kb for r in self.rounds) / 1024

    def latency(self, share: float) -> float:
        pooled = [latency for r in self.rounds for latency in r.latencies]
        return percentile(pooled, share) if pooled else float("nan")

    def total(self, attribute: str) -> int:
        return sum(getattr(r, attribute) for r in self.rounds)


# -- workload -------------------------------------------------------------------------------


def golden_questions() -> list[Question]:
    """Every golden question (conversation turns included), the four files interleaved."""
    per_file: list[list[Question]] = []
    for name in GOLDEN_FILES:
        items = yaml.safe_load((REPO / "tests" / "golden" / f"{name}.yaml").read_text("utf-8"))
        questions = []
        for item in items:
            for turn in item.get("conversation", [item]):
                lang = str(turn.get("lang") or item.get("lang") or name)
                questions.append(Question(str(turn["q"]), lang if lang != "mixed" else "ru"))
        per_file.append(questions)
    interleaved: list[Question] = []
    for index in range(max(len(questions) for questions in per_file)):
        interleaved += [questions[index] for questions in per_file if index < len(questions)]
    return interleaved


def workload(count: int, chats: int) -> list[tuple[int, Question]]:
    pool = golden_questions()
    return [(FIRST_CHAT + i % chats, pool[i % len(pool)]) for i in range(count)]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# -- observing the fake, the process and the machine ----------------------------------------


class Replies:
    """Arrival times of successful sendMessage calls, per chat (fed by the fake's threads)."""

    def __init__(self, api: FakeBotAPI, chat_ids: set[int]) -> None:
        self._chat_ids = chat_ids
        self._times: dict[int, list[float]] = defaultdict(list)
        self._count = 0
        self.chat_actions = 0
        self._cond = threading.Condition()
        api.subscribe(self._on_call)

    def _on_call(self, call: Call) -> None:
        chat_id = call.params.get("chat_id")
        if call.failed or chat_id not in self._chat_ids:
            return
        with self._cond:
            if call.method == "sendChatAction":
                self.chat_actions += 1
            elif call.method == "sendMessage":
                self._times[chat_id].append(call.time)
                self._count += 1
                self._cond.notify_all()

    def wait(self, count: int, timeout: float, bot: subprocess.Popen[bytes]) -> None:
        """Until count replies arrived, the time is up or the bot exited."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._count < count and bot.poll() is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(min(remaining, 0.5))

    def per_chat(self) -> dict[int, list[float]]:
        with self._cond:
            return {chat: sorted(times) for chat, times in self._times.items()}


def _status_kb(pid: int, key: str) -> int:
    """A `VmXxx:  1234 kB` line of /proc/<pid>/status, in kB (0 if gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    pending = [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                children = {int(c) for c in (task / "children").read_text().split()}
                pending += list(children - found)
                found |= children
    return found


class ChildrenPeak:
    """Peak VmHWM of every descendant process of pid, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self._pid = pid
        self._interval = interval
        self._peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> ChildrenPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.sample()

    def sample(self) -> None:
        for child in _descendants(self._pid):
            self._peaks[child] = max(self._peaks.get(child, 0), _status_kb(child, "VmHWM"))

    @property
    def count(self) -> int:
        return len(self._peaks)

    @property
    def total_kb(self) -> int:
        return sum(self._peaks.values())


def listen_overflows() -> int:
    """TcpExt ListenOverflows: connections dropped because an accept queue was full."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        names, values = (
            line.split()
            for line in Path("/proc/net/netstat").read_text().splitlines()
            if line.startswith("TcpExt:")
        )
        return int(values[names.index("ListenOverflows")])
    return 0


def cpu_ticks() -> tuple[int, int]:
    """(stolen, total) CPU ticks of the machine so far, from /proc/stat."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return fields[7], sum(fields[:8])
    return 0, 0


# -- one measurement ------------------------------------------------------------------------


@dataclass(slots=True)
class BotSpec:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def running(spec: BotSpec, api: FakeBotAPI, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.base_url,
        "PYTHONUNBUFFERED": "1",
        **spec.env,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            spec.command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _output(log_path: Path) -> str:
    return log_path.read_text("utf-8", "replace")[-3000:]


def measure(
    spec: BotSpec, jobs: list[tuple[int, Question]], timeout: float, log_path: Path
) -> Result:
    chat_ids = {chat for chat, _ in jobs}
    overflows = listen_overflows()
    with FakeBotAPI(token=TOKEN, username=USERNAME) as api:
        replies = Replies(api, chat_ids)
        started = time.monotonic()
        with running(spec, api, log_path) as bot, ChildrenPeak(bot.pid) as children:
            # Queued before the bot polls: a getUpdates is recorded only when it returns,
            # so the first, empty long poll would stay invisible for its whole timeout.
            warm = jobs[0][1]
            api.push_message(WARMUP_CHAT, warm.text, language_code=warm.lang)
            try:
                api.wait_for("sendMessage", lambda c: c.chat_id == WARMUP_CHAT, START_TIMEOUT)
            except TimeoutError:
                raise RuntimeError(f"{spec.name} did not answer:\n{_output(log_path)}") from None
            if not api.calls_of("getUpdates"):
                raise RuntimeError(f"{spec.name} answered without polling")
            startup = time.monotonic() - started

            stolen, ticks = cpu_ticks()
            pushed: dict[int, list[float]] = defaultdict(list)
            for chat, question in jobs:
                pushed[chat].append(time.monotonic())
                api.push_message(chat, question.text, language_code=question.lang)
            replies.wait(len(jobs), timeout, bot)
            stolen_after, ticks_after = cpu_ticks()
            if bot.poll() is not None:
                raise RuntimeError(
                    f"{spec.name} exited with status {bot.returncode}:\n{_output(log_path)}"
                )
            children.sample()
            peak_rss = _status_kb(bot.pid, "VmHWM") + children.total_kb
        if api.server_errors:
            print(f"warning: the fake server had {len(api.server_errors)} internal error(s)")

    got = replies.per_chat()
    lost = sum(max(0, len(times) - len(got.get(chat, []))) for chat, times in pushed.items())
    extra = sum(max(0, len(got.get(chat, [])) - len(times)) for chat, times in pushed.items())
    if lost:
        print(f"{spec.name}: {lost} lost repl(y/ies); the end of its output:\n{_output(log_path)}")
    first_push = min(times[0] for times in pushed.values())
    last_reply = max((times[-1] for times in got.values() if times), default=first_push)
    return Result(
        name=spec.name,
        replies=sum(len(times) for times in got.values()),
        lost=lost,
        extra=extra,
        seconds=last_reply - first_push,
        latencies=[
            reply - push
            for chat, times in pushed.items()
            for push, reply in zip(times, got.get(chat, []), strict=False)
        ],
        peak_rss_kb=peak_rss,
        children=children.count,
        startup_seconds=startup,
        chat_actions=replies.chat_actions,
        listen_overflows=listen_overflows() - overflows,
        steal=(stolen_after - stolen) / max(1, ticks_after - ticks),
    )


# -- report ---------------------------------------------------------------------------------


def report(senim: Summary, echo: Summary) -> None:
    header = (
        f"{'bot':<6} {'replies/s':>9} {'lost':>5} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'peak RSS MB':>11} {'start s':>7} {'steal':>6}   replies/s per round"
    )
    print(header)
    print("-" * len(header))
    for s in (senim, echo):
        start = statistics.median(r.startup_seconds for r in s.rounds)
        steal = statistics.mean(r.steal for r in s.rounds)
        print(
            f"{s.name:<6} {s.rate:>9.1f} {s.lost:>5} {s.latency(0.5) * 1e3:>8.0f} "
            f"{s.latency(0.95) * 1e3:>8.0f} {s.peak_rss_mb:>11.1f} {start:>7.2f} "
            f"{steal:>6.0%}   " + ", ".join(f"{rate:.1f}" for rate in s.rates)
        )
    ratio = senim.rate / echo.rate if echo.rate else float("nan")
    per_round = [s.rate / e.rate for s, e in zip(senim.rounds, echo.rounds, strict=True)]
    print(
        f"\nSenim/echo: rate ×{ratio:.2f} (per round: "
        + ", ".join(f"{r:.2f}" for r in per_round)
        + f"), p50 latency ×{senim.latency(0.5) / echo.latency(0.5):.2f}, "
        f"peak RSS ×{senim.peak_rss_mb / echo.peak_rss_mb:.2f}"
    )
    print("targets:")
    for label, met in (
        (f"Senim rate ≥ {TARGET_RATE_RATIO} × echo rate: ×{ratio:.2f}", ratio >= TARGET_RATE_RATIO),
        (f"0 lost replies: Senim {senim.lost}, echo {echo.lost}", senim.lost == echo.lost == 0),
        (
            f"Senim peak RSS ≤ {TARGET_RSS_MB:.0f} MB: {senim.peak_rss_mb:.1f} MB",
            senim.peak_rss_mb <= TARGET_RSS_MB,
        ),
    ):
        print(f"  [{'met' if met else 'MISSED'}] {label}")
    for s in (senim, echo):
        notes = {
            "chat_actions": "sendChatAction call(s) (slow answers)",
            "extra": "more repl(y/ies) than questions",
            "children": "child process(es), counted in its RSS",
            "listen_overflows": "TCP listen overflow(s): connections dropped, figures distorted",
        }
        for attribute, what in notes.items():
            if s.total(attribute):
                print(f"note: {s.name}: {s.total(attribute)} {what}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=1000, help="questions per bot (1000)")
    parser.add_argument("--chats", type=int, default=50, help="chats they come from (50)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per bot (3)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait (120)")
    args = parser.parse_args(argv)
    if min(args.questions, args.chats, args.rounds) < 1:
        parser.error("--questions, --chats and --rounds must be at least 1")

    # PYTHONDONTWRITEBYTECODE is set here: without this every start would recompile.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "bot"], cwd=REPO, check=True)
    jobs = workload(args.questions, args.chats)
    print(
        f"{len(jobs)} questions from {min(args.chats, len(jobs))} chats, {args.rounds} round(s) "
        "per bot, a fresh fake Bot API per measurement.\nSenim runs with SENIM_MAX_RATE=0: "
        "its 30 messages/s flood limit is lifted, the fake has none.\n",
        flush=True,
    )
    results: dict[str, list[Result]] = {"senim": [], "echo": []}
    with tempfile.TemporaryDirectory(prefix="senim-bench-") as temp:
        work_dir = Path(temp)
        store = work_dir / "senim.sqlite3"
        if (REPO / "var" / "senim.sqlite3").exists():  # copy2 keeps the mtime: no rebuild
            shutil.copy2(REPO / "var" / "senim.sqlite3", store)
        for round_number in range(1, args.rounds + 1):
            senim = BotSpec(
                "senim",
                [sys.executable, "-m", "bot", "run"],
                {
                    "SENIM_MAX_RATE": "0",
                    "SENIM_LOG_LEVEL": "WARNING",
                    "SENIM_STATE_DIR": str(work_dir / f"state-{round_number}"),
                    "SENIM_DB": str(store),
                },
            )
            echo = BotSpec("echo", [sys.executable, str(REPO / "benchmarks" / "echo_bot.py")])
            order = (senim, echo) if round_number % 2 else (echo, senim)
            for spec in order:
                log_path = work_dir / f"{spec.name}-{round_number}.log"
                result = measure(spec, jobs, args.timeout, log_path)
                results[spec.name].append(result)
                print(
                    f"round {round_number}: {spec.name:<5} {result.rate:6.1f} replies/s, "
                    f"{result.lost} lost, steal {result.steal:.0%}",
                    flush=True,
                )
    print()
    report(Summary("senim", results["senim"]), Summary("echo", results["echo"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
