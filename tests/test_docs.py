"""The README documents every CLI command, as sqlite-utils' test_docs does."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli import _parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    parser = _parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_every_cli_command_is_in_the_readme():
    commands = _commands()
    assert "build" in commands
    for command in commands:
        assert f"senim {command}" in README, f"README does not document `senim {command}`"


def test_every_knowledge_file_is_in_the_readme():
    knowledge = Path(__file__).resolve().parent.parent / "knowledge"
    for path in knowledge.glob("*.yaml"):
        assert f"`{path.name}`" in README, f"README does not describe knowledge/{path.name}"
