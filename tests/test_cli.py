"""`senim ask` and `senim chat` as users and programs run them: real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import senim_env

SENIM = [sys.executable, "-m", "bot"]
CONTRACT_KEYS = {"question", "lang", "intent", "figures", "text", "link"}


def run(store_path: Path, *args: str, stdin: bytes | str | None = None, **env: str):
    return subprocess.run(
        [*SENIM, *args],
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        env=senim_env(store_path, **env),
        timeout=60,
    )


def test_ask_prints_the_answer_and_its_share_link(store_path: Path):
    result = run(store_path, "ask", "How much do people trust the police?")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "61.6%" in out and "Source:" in out
    assert "https://t.me/SenimTestBot?start=IvTtrustSpoliceP2404" in out


def test_ask_json_follows_the_contract(store_path: Path):
    result = run(store_path, "ask", "--json", "Полицияға", "қанша", "адам", "сенеді?")
    data = json.loads(result.stdout)
    assert set(data) == CONTRACT_KEYS
    assert data["question"] == "Полицияға қанша адам сенеді?"
    assert data["lang"] == "kk" and data["intent"] == "value"
    assert data["figures"][0] == {
        "topic": "trust", "subject": "police", "measure": "trust",
        "wave": "2024-04", "value": 61.6, "unit": "percent",
    }  # fmt: skip
    assert "61,6%" in data["text"] and "<b>" not in data["text"]
    assert data["link"] == "https://t.me/SenimTestBot?start=IvTtrustSpoliceP2404"


def test_ask_json_shows_the_words_that_held_a_figure_back(store_path: Path):
    # Every word is accounted for: one the engine cannot read holds the figure back,
    # the nearest published one is offered, and the JSON says which word it was.
    result = run(store_path, "ask", "--json", "how much do zorblat people trust the police")
    data = json.loads(result.stdout)
    assert data["intent"] == "not_available" and data["figures"] == []
    assert data["unexplained"] == ["zorblat"]
    assert data["options"] == ["How much do people trust the police?"]
    assert "“zorblat”" in data["text"]
    # A question read in full has no such field: the contract's keys only.
    full = run(store_path, "ask", "--json", "how much do people trust the police")
    full = json.loads(full.stdout)
    assert set(full) == CONTRACT_KEYS and full["figures"]


def test_lang_forces_the_reply_language(store_path: Path):
    data = json.loads(run(store_path, "ask", "--json", "--lang", "ru", "police trust").stdout)
    assert data["lang"] == "ru" and "Полиция" in data["text"]


def test_python_dash_m_bot_is_senim(store_path: Path):
    result = run(store_path, "--help")
    assert result.returncode == 0 and b"senim ask" in result.stdout


BAD_LINES = [
    b"",
    b"   ",
    b"x" * 100_000,
    bytes(range(256)).replace(b"\n", b""),
    b"\x00\x01\x02\x1b[31mred\x7f",
    "🙂🚓⚖️🔥".encode(),
    b"'; DROP TABLE observations; --",
    b"<b>hi</b><script>alert(1)</script>",
    b"{not json",
    b'{"q": 42, "session": "x"}',
    b'{"session": "x"}',
    b"\xff\xfe\xfd",
]


def test_batch_mode_answers_every_line_even_bad_ones(store_path: Path):
    stdin = b"\n".join([*BAD_LINES, "доверие судам 2023".encode()]) + b"\n"
    result = run(store_path, "ask", "--json", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(replies) == len(BAD_LINES) + 1
    for reply in replies[:-1]:
        assert set(reply) >= CONTRACT_KEYS and reply["figures"] == []
        assert reply["intent"] != "error", reply
        assert "<script>" not in reply["text"]
    assert replies[-1]["figures"][0]["value"] == 61.0
    assert result.stderr == b""


def test_batch_mode_flushes_each_reply_before_reading_on(store_path: Path):
    process = subprocess.Popen(
        [*SENIM, "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=senim_env(store_path),
    )
    try:
        for question, value in [("police trust 2023", 63.1), ("courts trust 2024", 61.8)]:
            process.stdin.write(question.encode() + b"\n")
            process.stdin.flush()
            reply = json.loads(process.stdout.readline())  # would hang if not flushed
            assert reply["figures"][0]["value"] == value
    finally:
        process.stdin.close()
        process.wait(timeout=10)


def test_batch_sessions_keep_context_apart(store_path: Path):
    lines = [
        {"q": "Сколько людей доверяют полиции?", "session": "a"},
        {"q": "How much do people trust the courts?", "session": "b"},
        {"q": "а в 2023?", "session": "a"},
        {"q": "and in 2023?", "session": "b"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\nа в 2023?\n"
    replies = [
        json.loads(x)
        for x in run(store_path, "ask", "--json", "-", stdin=stdin).stdout.splitlines()
    ]
    assert [(f["subject"], f["wave"]) for f in replies[2]["figures"]] == [("police", "2023-10")]
    assert [(f["subject"], f["wave"]) for f in replies[3]["figures"]] == [("courts", "2023-10")]
    assert replies[2]["lang"] == "ru" and replies[3]["lang"] == "en"
    assert (
        replies[4]["intent"] == "clarify" and replies[4]["options"]
    )  # a plain line has no context


def test_batch_mode_needs_json(store_path: Path):
    assert run(store_path, "ask", "-", stdin="police\n").returncode == 2


def test_chat_keeps_context_and_picks_options_by_number(store_path: Path):
    stdin = "Сколько процентов доверяют?\n2\nа в 2023?\n/quit\n"
    result = run(store_path, "chat", stdin=stdin)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert "1) Сколько людей доверяют прокуратуре?" in out
    assert "Полиция — опрос апреля–мая 2024 г." in out  # option 2: the police
    assert "Полиция — опрос октября–ноября 2023 г." in out  # the follow-up
    # each option once, numbered where the reply lists it (not bullets, then numbers)
    assert out.count("Сколько людей доверяют прокуратуре?") == 1, out


def test_chat_in_a_terminal_greets_like_the_bot(store_path: Path):
    """At a terminal, `senim chat` opens with the bot's greeting and examples."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--lang", "en"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=senim_env(store_path),
    )
    os.close(follower)
    os.write(leader, b"/quit\n")
    out, _err = process.communicate(timeout=60)
    os.close(leader)
    text = out.decode()
    assert process.returncode == 0
    assert "How much do people trust the police?" in text  # an example question
    assert "/quit" in text and len(text.splitlines()) >= 4, text


@pytest.mark.parametrize("command", [["ask", "police"], ["chat"]])
def test_no_store_and_broken_knowledge_is_a_clear_error(tmp_path: Path, command):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "waves.yaml").write_text("- id: [broken\n")
    result = run(tmp_path / "none.sqlite3", *command, stdin="", SENIM_KNOWLEDGE=str(knowledge))
    assert result.returncode == 1
    assert b"does not build" in result.stderr and b"Traceback" not in result.stderr
    assert result.stderr.count(b"\n") == 1


def test_a_closed_pipe_is_not_a_traceback(store_path: Path):
    process = subprocess.Popen(
        [*SENIM, "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=senim_env(store_path),
    )
    process.stdout.close()  # like `| head -1` exiting early
    _out, err = process.communicate(b"police\n" * 2000, timeout=60)
    assert b"Traceback" not in err


def _sqlite_with(path: Path, sql: str) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    connection.executescript(sql)
    connection.close()


def _garbled_snapshot(path: Path) -> None:
    _sqlite_rewrite(
        path, "UPDATE meta SET value = '{\"concepts\": [' WHERE key = 'lexicon_snapshot'"
    )


def _sqlite_rewrite(path: Path, sql: str) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    connection.execute(sql)
    connection.commit()
    connection.close()


# Ways a store file can be unusable: (case, how to break a good copy of it).
BROKEN_STORES = [
    ("empty file", lambda p: p.write_bytes(b"")),
    ("truncated", lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3])),
    ("corrupt pages", lambda p: p.write_bytes(p.read_bytes()[:4096] + b"\xde\xad" * 20000)),
    ("not SQLite", lambda p: p.write_bytes(b"this is not a database\n" * 100)),
    ("missing tables", lambda p: _sqlite_rewrite(p, "DROP TABLE observations")),
    ("garbled lexicon snapshot", _garbled_snapshot),
    ("another schema version", lambda p: _sqlite_rewrite(
        p, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")),
]  # fmt: skip


@pytest.mark.parametrize(
    "breaking", [c[1] for c in BROKEN_STORES], ids=[c[0] for c in BROKEN_STORES]
)
def test_a_broken_store_is_rebuilt_from_valid_knowledge(
    store_path: Path, frozen_dir: Path, tmp_path: Path, breaking
):
    store = tmp_path / "senim.sqlite3"
    store.write_bytes(store_path.read_bytes())
    breaking(store)
    knowledge = {"SENIM_KNOWLEDGE": str(frozen_dir)}
    result = run(store, "ask", "--json", "How much do people trust the police?", **knowledge)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["figures"][0]["value"] == 61.6
    assert b"Traceback" not in result.stderr
    again = run(store, "ask", "police", **knowledge)  # the rebuilt store is simply used now
    assert again.returncode == 0 and b"rebuilding" not in again.stderr


@pytest.mark.parametrize(
    "breaking", [c[1] for c in BROKEN_STORES], ids=[c[0] for c in BROKEN_STORES]
)
def test_a_broken_store_and_broken_knowledge_is_one_clear_line(
    store_path: Path, knowledge_copy: Path, tmp_path: Path, breaking
):
    store = tmp_path / "senim.sqlite3"
    store.write_bytes(store_path.read_bytes())
    breaking(store)
    (knowledge_copy / "waves.yaml").write_text("- id: [broken\n")
    for command in (["ask", "police"], ["run"]):
        result = run(
            store, *command, SENIM_KNOWLEDGE=str(knowledge_copy),
            TELEGRAM_BOT_TOKEN="123456:ABCDEFG-never-used", TELEGRAM_API_URL="http://127.0.0.1:9/bot",
        )  # fmt: skip
        assert result.returncode == (2 if command == ["run"] else 1), result.stderr
        lines = [line for line in result.stderr.decode().splitlines() if line.startswith("senim:")]
        assert len(lines) == 1 and "does not build" in lines[0], result.stderr
        assert b"Traceback" not in result.stderr


def test_a_store_path_that_is_a_directory_is_one_clear_line(tmp_path: Path, frozen_dir: Path):
    store = tmp_path / "senim.sqlite3"
    store.mkdir()
    result = run(store, "ask", "police", SENIM_KNOWLEDGE=str(frozen_dir))
    assert result.returncode == 1
    assert result.stderr.count(b"\n") == 1 and b"cannot be written" in result.stderr


def test_ask_csv_gives_the_figures_with_their_sources(store_path: Path):
    import csv
    import io

    result = run(store_path, "ask", "--csv", "How much do people trust the police?")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert rows[0]["subject"] == "police" and rows[0]["value"] == "61.6"
    assert rows[0]["source_name"] == "The Astana Times" and rows[0]["source_url"]
    assert {r["derived"] for r in rows} == {"false", "true"}  # the change is marked
    refused = run(store_path, "ask", "--csv", "trust in the army")
    assert refused.stdout.decode().strip().count("\n") == 0  # the header, no rows
    assert run(store_path, "ask", "--csv", "--json", "police").returncode == 2
