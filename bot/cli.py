"""senim build | ask | chat | run — the command line.

argparse rather than click: a one-shot `senim ask` must start in well under
half a second, and every import on this path counts.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.engine import Engine

EXAMPLES = """examples:
  senim ask "How much do people trust the police?"
  senim ask --json "Полицияға қанша адам сенеді?"
  senim ask --json - < questions.txt   one JSON reply per line
  senim chat                          talk to Senim in the terminal
  senim run                           the Telegram bot (TELEGRAM_BOT_TOKEN)
  senim build --check                 validate knowledge/ only
"""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (senim ask ... | head): not worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="senim",
        description="Senim: answers about Kazakhstan's survey of trust in law enforcement.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands")

    build = commands.add_parser(
        "build",
        help="validate knowledge/ and write the store",
        description="Validate knowledge/ and write the SQLite store atomically.",
        epilog="example: senim build --knowledge knowledge --db var/senim.sqlite3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "--knowledge",
        type=Path,
        help="knowledge directory (default: $SENIM_KNOWLEDGE, else the knowledge/ Senim ships)",
    )
    build.add_argument(
        "--db", type=Path, help="store path (default: $SENIM_DB or var/senim.sqlite3)"
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="validate only, and say what a build would change; write nothing",
    )
    build.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every figure added, not only their number per topic and wave",
    )
    build.set_defaults(handler=_build)

    ask = commands.add_parser(
        "ask",
        help="answer a question (or, with '-', one question per line of stdin)",
        description="Answer a question about the survey, in its own language.",
        epilog='examples:\n  senim ask --json "сколько людей доверяют судам в 2023?"\n'
        '  senim ask --csv "trust in all bodies over time" > trust.csv',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ask.add_argument("--lang", choices=("kk", "ru", "en"), help="force the reply language")
    ask.add_argument("--json", action="store_true", help="print the reply as one JSON line")
    ask.add_argument(
        "--csv",
        action="store_true",
        help="print the reply's figures as CSV (ids, names, values, sources)",
    )
    ask.add_argument("question", nargs="+", help="the question, or '-' to read lines from stdin")
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser(
        "chat",
        help="an interactive chat in the terminal, with follow-up questions",
        description="Chat with Senim in the terminal; context carries over between questions.",
        epilog="example: senim chat --lang kk",
    )
    chat.add_argument("--lang", choices=("kk", "ru", "en"), help="force the reply language")
    chat.set_defaults(handler=_chat)

    run = commands.add_parser(
        "run",
        help="run the Telegram bot (long polling, or --webhook)",
        description="Run the Telegram bot. Token in TELEGRAM_BOT_TOKEN; Bot API base URL in "
        "TELEGRAM_API_URL; per-chat state in SENIM_STATE_DIR; log level in SENIM_LOG_LEVEL.",
        epilog="examples:\n  senim run\n  senim run --webhook --url https://bot.example.org/telegram"
        " --port 8443",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--webhook", action="store_true", help="receive updates by webhook")
    run.add_argument("--listen", default="0.0.0.0", help="webhook listen address (0.0.0.0)")
    run.add_argument("--port", type=int, default=8443, help="webhook port (8443)")
    run.add_argument(
        "--url", help="public webhook URL (or TELEGRAM_WEBHOOK_URL), e.g. behind a reverse proxy"
    )
    run.set_defaults(handler=_run)
    return parser


def _engine() -> Engine | None:
    from bot.engine import Engine
    from bot.store import StoreUnavailable

    try:
        return Engine.open(Settings.from_env())
    except StoreUnavailable as error:
        print(f"senim: {error}", file=sys.stderr)  # one line; `senim build` lists problems
        return None


def _ask(args: argparse.Namespace) -> int:
    from bot import ask

    engine = _engine()
    if engine is None:
        return 1
    if args.csv:
        if args.json or args.question == ["-"]:
            print("senim: --csv answers one question, without --json", file=sys.stderr)
            return 2
        from bot.export import figures_csv
        from bot.nlu.normalize import without_surrogates

        reply = engine.ask(without_surrogates(" ".join(args.question)), lang=args.lang)
        sys.stdout.write(figures_csv(engine, reply))
        return 0
    if args.question == ["-"]:
        if not args.json:
            print("senim: batch mode ('-') needs --json", file=sys.stderr)
            return 2
        return ask.ask_batch(engine, ask.stdin_lines(), args.lang, sys.stdout.buffer)
    return ask.ask_once(engine, " ".join(args.question), args.lang, args.json, sys.stdout)


def _chat(args: argparse.Namespace) -> int:
    from bot import ask

    engine = _engine()
    if engine is None:
        return 1
    return ask.chat(engine, args.lang, sys.stdin, sys.stdout)


def _build(args: argparse.Namespace) -> int:
    from bot.build import build

    settings = Settings.from_env()
    knowledge = args.knowledge or settings.knowledge_dir
    db_path = args.db or settings.db_path
    result = build(knowledge, db_path, check_only=args.check)
    if not result.ok:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"{len(result.problems)} problem(s); the store was not written.", file=sys.stderr)
        return 1
    summary = ", ".join(f"{topic} {n}" for topic, n in result.counts.items())
    total = sum(result.counts.values())
    if args.check:
        print(f"knowledge is valid: {total} observations ({summary})")
    else:
        print(f"wrote {db_path}: {total} observations ({summary})")
    if result.diff is not None:
        from bot.build_diff import report

        for line in report(result.diff, verbose=args.verbose, check=args.check):
            print(line)
    return 0


def _run(args: argparse.Namespace) -> int:
    """`senim run`: every failure to start is one line on stderr and exit status 2; a
    bot that has to stop later (polling failed for good) exits 1. No path prints a
    traceback, and every line passes the token's redaction."""
    from bot import logs

    settings = Settings.from_env()
    secrets = (settings.token, os.environ.get("TELEGRAM_WEBHOOK_SECRET"))
    try:
        return _serve(args, settings)
    except _StartFailed as failure:
        print(f"senim: {logs.redact(str(failure), secrets)}", file=sys.stderr)
        return 2
    except _Stopped as failure:
        print(f"senim: stopped: {logs.redact(str(failure), secrets)}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug: still one line, and still no token
        line = logs.redact(f"{type(error).__name__}: {error}".splitlines()[0], secrets)
        print(f"senim: stopped by an unexpected error: {line}", file=sys.stderr)
        return 1


class _StartFailed(Exception):
    pass


class _Stopped(Exception):
    pass


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot import logs
    from bot.store import StoreUnavailable
    from bot.telegram import app
    from bot.telegram.polling import GIVE_UP_AFTER, PollingFailed

    try:
        app.check_token(settings.token)
    except app.TokenProblem as problem:
        raise _StartFailed(problem) from None
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
    max_rate = _seconds_setting("SENIM_MAX_RATE", 30.0)
    give_up_after = _seconds_setting("SENIM_GIVE_UP_AFTER", GIVE_UP_AFTER)
    webhook = None
    if args.webhook:
        url = args.url or os.environ.get("TELEGRAM_WEBHOOK_URL")
        if not url:
            raise _StartFailed("--webhook needs --url or TELEGRAM_WEBHOOK_URL")
        webhook = app.Webhook(args.listen, args.port, url, secret or app.new_secret())
    logs.setup(settings.log_level, settings.token, webhook.secret if webhook else secret)
    from bot.engine import Engine

    try:
        engine = Engine.open(settings)
    except StoreUnavailable as error:
        raise _StartFailed(error) from None
    try:
        app.run(settings, engine, webhook, max_rate, give_up_after)
    except app.StartupError as error:
        raise _StartFailed(error) from None
    except PollingFailed as error:
        raise _Stopped(error) from None
    return 0


def _seconds_setting(name: str, default: float) -> float:
    """A non-negative number from the environment (a rate or a number of seconds)."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise _StartFailed(f"{name} must be a number of 0 or more, not {raw!r}")
    return value
