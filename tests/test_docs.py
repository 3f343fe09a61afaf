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


def _body(text: str) -> str:
    """A contract without its title block (the copy adds a note under the title)."""
    return text.split("## Names", 1)[1]


def test_the_contract_in_docs_is_the_shared_one():
    docs = Path(__file__).resolve().parent.parent / "docs" / "CONTRACT.md"
    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "CONTRACT.md"
    assert "## Names" in docs.read_text(encoding="utf-8")
    if shared.is_file():  # beside a checkout (CI has it; a plain clone need not)
        assert _body(docs.read_text(encoding="utf-8")) == _body(shared.read_text(encoding="utf-8"))


def test_the_readme_links_only_files_a_clone_has():
    repo = Path(__file__).resolve().parent.parent
    for target in __import__("re").findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith(("http://", "https://")):
            assert (repo / target).exists(), f"README links {target}, which a clone lacks"
