"""`senim run` when Telegram misbehaves: rejected tokens, a failing getUpdates, garbage.

The real bot process against the fake Bot API. A bot must either serve or exit non-zero
with one line; it must never look alive while answering nothing, and its token's
secret must never reach its output.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import senim_env
from tests.fake_bot_api import FakeBotAPI
from tests.test_telegram_e2e import TOKEN, USERNAME, RunningBot, ask

SECRET = TOKEN.split(":")[1]


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN, username=USERNAME) as api:
        yield api
        assert api.server_errors == []


def run_once(store_path: Path, tmp_path: Path, api_url: str, token: str = TOKEN, **env: str):
    """`senim run` to its end (it must end by itself), with what it printed."""
    environment = senim_env(
        store_path,
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=api_url,
        SENIM_STATE_DIR=str(tmp_path / "state"),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_clean_line(result: subprocess.CompletedProcess[str], status: int, *words: str):
    assert result.returncode == status, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr
    assert SECRET not in result.stderr + result.stdout


@pytest.mark.parametrize("status", [401, 404])
def test_a_rejected_token_at_start_is_one_line_and_exit_2(fake, store_path, tmp_path, status):
    fake.fail("getMe", status=status, times=None)
    result = run_once(store_path, tmp_path, fake.base_url)
    assert_one_clean_line(result, 2, "rejected TELEGRAM_BOT_TOKEN")


def test_a_wrong_token_at_start_is_one_line_and_exit_2(fake, store_path, tmp_path):
    """The fake answers 401 for any other token, as Telegram does."""
    other = "987654321:AAother-secret-token-value"
    result = run_once(store_path, tmp_path, fake.base_url, token=other)
    assert_one_clean_line(result, 2, "rejected")
    assert "other-secret-token-value" not in result.stderr


def test_a_failing_api_at_start_is_one_line_and_exit_2(fake, store_path, tmp_path):
    fake.fail("getMe", status=500, times=None)
    result = run_once(store_path, tmp_path, fake.base_url)
    assert_one_clean_line(result, 2, "not usable", "Internal Server Error")


def test_an_unreachable_api_at_start_is_one_line_and_exit_2(store_path, tmp_path):
    result = run_once(store_path, tmp_path, "http://127.0.0.1:9/bot")
    assert_one_clean_line(result, 2, "not usable", "NotSent")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (TOKEN + "\n", "line break"),
        (" " + TOKEN, "spaces"),
        ("800:TEST", "5 or more letters"),  # the message states the rule it applies
        ("abc:ABCDEFGH", "3 or more digits"),
    ],
)
def test_a_malformed_token_says_which_rule_it_breaks(store_path, tmp_path, token, message):
    result = run_once(store_path, tmp_path, "http://127.0.0.1:9/bot", token=token)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert token.strip() not in result.stderr


@pytest.mark.parametrize("status", [401, 404, 500])
def test_polling_recovers_after_getupdates_fails_for_5_seconds(fake, store_path, tmp_path, status):
    """PTB's own loop stops for good after a 401/404 ("Aborting retry loop")."""
    bot = RunningBot(fake, store_path, tmp_path / "state").start()
    try:
        assert "61.6%" in ask(fake, 1, "police").text
        fake.fail("getUpdates", status=status, times=None)
        fake.push_message(2, "How much do people trust the courts?")  # waits out the fault
        time.sleep(5)
        fake.clear_faults()
        replies = [ask(fake, 3 + n, "police", timeout=15).text for n in range(3)]
        assert all("61.6%" in text for text in replies)
        fake.wait_for("sendMessage", lambda c: c.chat_id == 2)
        assert bot.process is not None and bot.process.poll() is None
    finally:
        assert bot.stop() == 0, bot.log
    assert SECRET not in bot.log
    assert "getUpdates failed" in bot.log


def test_a_token_that_stays_rejected_ends_the_process_non_zero(fake, store_path, tmp_path):
    """When recovery is not coming, exit (a supervisor restarts it, or a person looks)."""
    bot = RunningBot(fake, store_path, tmp_path / "state", SENIM_GIVE_UP_AFTER="2").start()
    fake.fail("getUpdates", status=401, times=None)
    assert bot.process is not None
    status = bot.process.wait(timeout=30)
    assert status == 1
    lines = [line for line in bot.log.splitlines() if line.startswith("senim:")]
    assert lines == ["senim: stopped: the Bot API has rejected the token for 2 s"] or (
        len(lines) == 1 and "rejected the token" in lines[0]
    )
    assert SECRET not in bot.log


def test_an_update_with_a_string_update_id_does_not_stop_polling(fake, store_path, tmp_path):
    bot = RunningBot(fake, store_path, tmp_path / "state").start()
    try:
        fake.push_update({"update_id": "not-a-number", "message": {"text": "x"}})
        fake.push_update({"update_id": None})
        fake.push_update({"update_id": True, "message": {"text": "y"}})
        assert "61.6%" in ask(fake, 20, "police").text
        assert "61.8%" in ask(fake, 21, "courts").text
    finally:
        assert bot.stop() == 0, bot.log
    assert "without an integer update_id" in bot.log


def test_an_edited_command_is_ignored(fake, store_path, tmp_path):
    bot = RunningBot(fake, store_path, tmp_path / "state").start()
    try:
        first = ask(fake, 30, "/start")
        fake.push_edited_message(30, first.result["message_id"] - 1, "/start")
        fake.push_edited_message(30, first.result["message_id"] - 1, "/help")
        assert "61.6%" in ask(fake, 30, "police").text
        replies = [c for c in fake.calls_of("sendMessage", chat_id=30) if not c.failed]
        assert len(replies) == 2  # the greeting and the answer: no reply to the edits
    finally:
        assert bot.stop() == 0, bot.log
