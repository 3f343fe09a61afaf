"""senim build | ask | chat | run — the command line.

argparse rather than click: a one-shot `senim ask` must start in well under
half a second, and every import on this path counts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings

EXAMPLES = """examples:
  senim build --check                 validate knowledge/ only
  senim build                         (re)write the store
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
    build.add_argument("--knowledge", type=Path, help="knowledge directory (default: ./knowledge)")
    build.add_argument(
        "--db", type=Path, help="store path (default: $SENIM_DB or var/senim.sqlite3)"
    )
    build.add_argument("--check", action="store_true", help="validate only; write nothing")
    build.set_defaults(handler=_build)
    return parser


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
    return 0
