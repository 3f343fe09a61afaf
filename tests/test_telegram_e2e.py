"""The real `senim run` against a fake Telegram Bot API on 127.0.0.1: whole conversations.

Each test drives the bot subprocess only through Telegram updates and reads what it
sent back, exactly as Telegram would see it. Chats are numbered per test so one bot
process can serve a whole module.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.keyboards import shared
from tests.conftest import senim_env
from tests.fake_bot_api import Call, FakeBotAPI

TOKEN = "123456:SECRET-e2e-token-9f8e7d"
USERNAME = "senim_test_bot"
PNG = b"\x89PNG\r\n\x1a\n"


class RunningBot:
    """`senim run` as a subprocess, with its log kept in a file for inspection."""

    def __init__(self, api: FakeBotAPI, store_path: Path, state_dir: Path, *args: str, **env: str):
        self.api, self.args = api, args
        self.log_path = state_dir.parent / f"bot-{time.monotonic_ns()}.log"
        self.env = senim_env(
            store_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=api.base_url,
            SENIM_STATE_DIR=str(state_dir),
            SENIM_LOG_LEVEL=env.pop("SENIM_LOG_LEVEL", "INFO"),
            **env,
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready: str = "getUpdates") -> RunningBot:
        mark = self.api.mark()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self.api.wait_for(ready, after=mark, timeout=30)
        except TimeoutError:
            self.stop()
            raise AssertionError(f"bot did not start:\n{self.log}") from None
        return self

    def stop(self) -> int | None:
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            self.process = None

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN, username=USERNAME) as fake:
        yield fake
        assert fake.server_errors == []


@pytest.fixture
def own_api() -> Iterator[FakeBotAPI]:
    """A fake server of its own, for a test that starts (and restarts) its own bot."""
    with FakeBotAPI(token=TOKEN, username=USERNAME) as fake:
        yield fake
        assert fake.server_errors == []


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, store_path: Path, tmp_path_factory) -> Iterator[RunningBot]:
    running = RunningBot(api, store_path, tmp_path_factory.mktemp("state") / "chats").start()
    yield running
    assert running.stop() == 0, running.log
    assert TOKEN not in running.log and TOKEN.split(":")[1] not in running.log


def ask(
    api: FakeBotAPI, chat: int, text: str, language: str = "en", timeout: float = 10, **kwargs
) -> Call:
    mark = api.mark()
    api.push_message(chat, text, language_code=language, **kwargs)
    return api.wait_for("sendMessage", lambda c: c.chat_id == chat, after=mark, timeout=timeout)


def press(api: FakeBotAPI, chat: int, message_id: int, data: str, method: str) -> Call:
    mark = api.mark()
    api.push_callback(chat, message_id, data)
    answered = api.wait_for("answerCallbackQuery", after=mark)
    assert answered.params["callback_query_id"]
    return api.wait_for(method, lambda c: c.chat_id == chat, after=mark)


def button(call: Call, prefix: str) -> str:
    return next(d for d in call.callback_data() if d.startswith(prefix))


def share_payload(call: Call) -> str:
    rows = call.reply_markup["inline_keyboard"]
    return next(b["switch_inline_query"] for row in rows for b in row if "switch_inline_query" in b)


# -- questions and follow-ups ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat", "language", "question", "expected"),
    [
        (101, "kk", "Полицияға қанша адам сенеді?", ["61,6%", "Дереккөз"]),
        (102, "ru", "сколько людей доверяют судам в 2023?", ["61,0\xa0%", "Источник"]),
        (103, "en", "Which region has the most registered crimes?", ["27,576", "Source"]),
        (104, "ru", "politsiyaga qansha adam senedi", ["61,6%"]),  # Latin Kazakh: kk reply
    ],
)
def test_a_question_is_answered_in_its_language(bot, api, chat, language, question, expected):
    reply = ask(api, chat, question, language)
    assert reply.params["parse_mode"] == "HTML"
    for fragment in expected:
        assert fragment in reply.text
    assert reply.callback_data(), "an answer comes with next-step buttons"


def test_follow_ups_keep_the_conversation(bot, api):
    assert "61,6\xa0%" in ask(api, 110, "Сколько людей доверяют полиции?", "ru").text
    follow = ask(api, 110, "а в 2023?", "ru").text
    assert "63,1\xa0%" in follow and "61,6" not in follow
    assert "63,8\xa0%" in ask(api, 110, "а прокуратуре?", "ru").text
    assert "Сот жүйесі" in ask(api, 110, "ал сотқа ше?", "ru").text


def test_user_text_is_escaped_in_html_replies(bot, api):
    reply = ask(api, 111, "<b>police</b> <i>2019</i> & co")
    assert "2019" in reply.text  # the wave asked for is named back, as text
    assert "<i>" not in reply.text and "<b>police" not in reply.text


def test_clarifying_questions_become_buttons(bot, api):
    reply = ask(api, 112, "сколько процентов доверяют?", "ru")
    options = reply.callback_data()
    assert len(options) == 7 and all(d.startswith("a:") for d in options)
    chosen = press(api, 112, reply.result["message_id"], options[1], "editMessageText")
    assert "Полиция" in chosen.text and "61,6\xa0%" in chosen.text


# -- buttons ---------------------------------------------------------------------------------


def test_a_next_step_is_a_new_message_and_the_answer_stays(bot, api):
    reply = ask(api, 120, "How much do people trust the courts?")
    message_id = reply.result["message_id"]
    shown = press(api, 120, message_id, button(reply, "n:Ib"), "sendMessage")
    assert shown.result["message_id"] != message_id  # a new message below
    for label in ("Trust", "Partially trust", "Rather distrust", "Distrust", "Difficult to answer"):
        assert label in shown.text
    assert not api.calls_of("editMessageText", chat_id=120), "the answer pressed under stays"
    change = press(api, 120, shown.result["message_id"], button(shown, "n:Ic"), "sendMessage")
    assert "up 0.8 pp" in change.text


def test_an_example_under_start_keeps_the_greeting(bot, api):
    greeting = ask(api, 122, "/start", "en")
    data = greeting.reply_markup["inline_keyboard"][0][0]["callback_data"]
    answer = press(api, 122, greeting.result["message_id"], data, "sendMessage")
    assert "%" in answer.text
    assert not api.calls_of("editMessageText", chat_id=122), "the other examples stay"


def test_the_chart_button_sends_a_png_with_the_source(bot, api):
    reply = ask(api, 121, "Қай органға ең көп сенеді?", "kk")
    mark = api.mark()
    api.push_callback(121, reply.result["message_id"], button(reply, "c:"))
    photo = api.wait_for("sendPhoto", lambda c: c.chat_id == 121, after=mark, timeout=60)
    action = api.wait_for("sendChatAction", lambda c: c.chat_id == 121, after=mark)
    assert action.params["action"] == "upload_photo"
    image = next(iter(photo.files.values())).data
    assert image.startswith(PNG) and 5_000 < len(image) < 500_000
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert 600 <= width <= 2000 and 400 <= height <= 2000
    assert "Дереккөз" in photo.text
    api.wait_for("answerCallbackQuery", after=mark)
    # drawn in a worker process: matplotlib never enters the bot's own memory
    maps = Path(f"/proc/{bot.process.pid}/maps")
    if maps.exists():
        assert "matplotlib" not in maps.read_text()


def test_stale_or_malformed_buttons_get_a_polite_answer(bot, api):
    reply = ask(api, 122, "police")
    for data in ("zzz", "a:garbage", "c:IvTarmy", "l:xx", "a:" + "I" * 62):
        mark = api.mark()
        api.push_callback(122, reply.result["message_id"], data)
        answered = api.wait_for("answerCallbackQuery", after=mark)
        assert answered.params.get("text"), data
    assert "61.6%" in ask(api, 122, "police").text  # and the bot keeps serving


# -- share links and inline mode ---------------------------------------------------------------


def test_a_share_link_replays_the_same_figures_in_the_openers_language(bot, api):
    reply = ask(api, 130, "full breakdown for the police in 2023")
    payload, _shown_in = shared(share_payload(reply))  # (the link's payload the share carries)
    opened = ask(api, 131, f"/start {payload}", "kk")
    for value in ("63,1%", "27,8%", "3,6%", "3,9%", "1,7%"):
        assert value in opened.text
    assert "2023" in opened.text and "Полиция" in opened.text
    broken = ask(api, 132, "/start IvTtrustSarmyW9999", "en")
    assert "no longer opens" in broken.text


def test_inline_mode_answers_with_articles(bot, api):
    mark = api.mark()
    api.push_inline_query(140, "police 2024", language_code="en")
    answer = api.wait_for("answerInlineQuery", after=mark)
    assert answer.params["is_personal"] is True  # articles follow the asker's language
    (article,) = answer.params["results"]
    # written for the list: what, whose, which wave; then the figure and its source
    assert article["title"] == "Police — April–May 2024 survey", article
    assert "61.6%" in article["description"] and "Astana Times" in article["description"]
    assert "•" not in article["title"] + article["description"]
    content = article["input_message_content"]
    assert content["parse_mode"] == "HTML" and "t.me/" in content["message_text"]
    mark = api.mark()
    api.push_inline_query(140, "", language_code="kk")
    headlines = api.wait_for("answerInlineQuery", after=mark).params["results"]
    assert len(headlines) == 3 and all("%" in a["title"] or "0" in a["title"] for a in headlines)


def test_the_share_button_opens_inline_mode_with_the_exact_answer(bot, api):
    payload = share_payload(ask(api, 141, "сколько преступлений в столице", "ru"))
    # it reads as the answer's heading, not a code
    assert payload.startswith("Зарегистрированные преступления"), payload
    mark = api.mark()
    api.push_inline_query(141, payload, language_code="ru")
    (article,) = api.wait_for("answerInlineQuery", after=mark).params["results"]
    assert "18\xa0041" in article["input_message_content"]["message_text"]


def test_a_shared_answer_keeps_the_language_it_was_shown_in(bot, api):
    """A user whose Telegram is in Kazakh shares a Russian answer: Russian it stays."""
    payload = share_payload(ask(api, 143, "сколько доверяют судам", "kk"))
    mark = api.mark()
    api.push_inline_query(143, payload, language_code="kk")
    (article,) = api.wait_for("answerInlineQuery", after=mark).params["results"]
    text = article["input_message_content"]["message_text"]
    assert "Судебная система" in text and "Источник" in text, text


# -- commands ----------------------------------------------------------------------------------


def test_start_greets_in_the_users_language_with_example_buttons(bot, api):
    greeting = ask(api, 150, "/start", "kk")
    assert "Сәлеметсіз бе" in greeting.text
    buttons = greeting.reply_markup["inline_keyboard"]
    assert len(buttons) == 3 and all(row[0]["callback_data"].startswith("n:") for row in buttons)
    assert "Hello" in ask(api, 151, "/start", "de").text  # not kk/ru/en: English


def test_help_and_about(bot, api):
    help_text = ask(api, 152, "/help", "ru").text
    assert "прокуратура" in help_text and "Например" in help_text
    about = ask(api, 152, "/about", "en").text
    assert (
        "18,005" in about
        and "astanatimes.com" in about
        and "Bureau of National Statistics" in about
    )


def test_commands_and_descriptions_are_registered_per_language(bot, api):
    for lang in ("kk", "ru", "en"):
        names = [c["command"] for c in api.commands(language_code=lang)]
        assert names == ["start", "help", "language", "about", "forget"], lang
        assert "Senim" in api.description(language_code=lang)
        assert api.description(language_code=lang, short=True)
    assert api.commands(language_code="kk")[0]["description"] == "Бастау, сұрақ мысалдарымен"
    assert api.commands(language_code="ru")[0]["description"] == "Начало и примеры вопросов"
    assert api.commands()[0]["description"] == "Start, with example questions"  # the default


def test_forget_deletes_what_the_bot_keeps(bot, api):
    chat = 160
    pick = ask(api, chat, "/language", "en")
    press(api, chat, pick.result["message_id"], "l:kk", "editMessageText")
    assert "білемін" in ask(api, chat, "/help", "en").text  # the chosen kk beats language_code
    # confirmed in the language chosen until now; then the chat is a stranger again
    assert "осы чат туралы енді ештеңе сақтамаймын" in ask(api, chat, "/forget", "en").text
    assert "I know" in ask(api, chat, "/help", "en").text


# -- robustness --------------------------------------------------------------------------------


def test_429_and_500_on_send_message_still_deliver_the_reply(bot, api):
    api.fail("sendMessage", status=429, retry_after=1, match=lambda c: c.chat_id == 170)
    reply = ask(api, 170, "How much do people trust the police?")
    assert "61.6%" in reply.text
    assert any(c.failed and c.status == 429 for c in api.calls_of("sendMessage", chat_id=170))
    api.fail("sendMessage", status=500, match=lambda c: c.chat_id == 171)
    assert "61.6%" in ask(api, 171, "How much do people trust the police?").text
    assert any(c.failed and c.status == 500 for c in api.calls_of("sendMessage", chat_id=171))


def test_typing_shows_only_while_an_answer_is_held_up(bot, api):
    assert "61.6%" in ask(api, 180, "How much do people trust the police?").text
    assert api.calls_of("sendChatAction", chat_id=180) == []  # quick: no needless call

    mark = api.mark()
    api.slow("sendMessage", 1.0, times=2, match=lambda c: c.chat_id == 181)
    reply = ask(api, 181, "How much do people trust the police?")
    typing = api.wait_for("sendChatAction", lambda c: c.chat_id == 181, after=mark)
    assert typing.params["action"] == "typing"
    assert reply.time < typing.time < reply.time + reply.duration  # while it was on its way

    ask(api, 181, "and the courts?")  # held up again, but "typing…" still shows
    assert len(api.calls_of("sendChatAction", chat_id=181)) == 1


def test_garbage_and_non_text_updates_never_stop_the_bot(bot, api):
    chat = 180
    api.push_update({"update_id": 10**9, "no_such_field": {"x": 1}})
    api.push_update({"update_id": 10**9 + 1, "message": {"weird": True}})
    api.push_edited_message(chat, 1, "edited text")
    mark = api.mark()
    api.push_sticker(chat)
    hint = api.wait_for("sendMessage", lambda c: c.chat_id == chat, after=mark)
    assert "text" in hint.text
    for push in (api.push_photo, api.push_location):
        mark = api.mark()
        push(chat, **({"latitude": 43.2, "longitude": 76.9} if push == api.push_location else {}))
        api.wait_for("sendMessage", lambda c: c.chat_id == chat, after=mark)
    group = -100500
    api.push_message(group, "полиция 2023 — просто болтаем", chat_type="supergroup")
    mentioned = ask(api, group, f"@{USERNAME} полиция 2023", "ru", chat_type="supergroup")
    assert "63,1\xa0%" in mentioned.text
    group_replies = [c for c in api.calls_of("sendMessage", chat_id=group) if not c.failed]
    assert len(group_replies) == 1, "chatter without a mention is not answered"
    assert "61.6%" in ask(api, chat, "police").text


def test_an_ambiguous_inline_query_offers_an_article_per_option(bot, api):
    mark = api.mark()
    api.push_inline_query(142, "trust", language_code="en")
    results = api.wait_for("answerInlineQuery", after=mark).params["results"]
    titles = [r["title"] for r in results]
    assert len(results) >= 6, titles  # each body (and the ranking), not "Which body?"
    assert any(t.startswith("Police") for t in titles) and any("Courts" in t for t in titles)
    assert all(len(t) <= 120 and not t.endswith(" ") for t in titles)


def test_start_begins_a_new_conversation(bot, api):
    chat = 185
    assert "63,1\xa0%" in ask(api, chat, "доверие полиции в 2023", "ru").text
    mark = api.mark()
    api.push_message(chat, "/start", language_code="ru")
    api.wait_for("sendMessage", lambda c: c.chat_id == chat, after=mark)
    # the 2023 wave of the question before /start is not carried over
    reply = ask(api, chat, "суды", "ru")
    assert "61,8\xa0%" in reply.text and "апреля–мая 2024" in reply.text, reply.text


def test_a_photo_with_a_question_as_its_caption_is_answered(bot, api):
    chat = 186
    mark = api.mark()
    api.push_photo(chat, caption="police trust?")
    reply = api.wait_for("sendMessage", lambda c: c.chat_id == chat, after=mark)
    assert "61.6%" in reply.text, reply.text
    mark = api.mark()
    api.push_photo(chat)  # no caption: what Senim understands
    hint = api.wait_for("sendMessage", lambda c: c.chat_id == chat, after=mark)
    assert "text" in hint.text


# -- restarts, tokens, webhooks -------------------------------------------------------------------


def test_language_and_context_survive_a_restart(own_api, store_path: Path, tmp_path: Path):
    api = own_api
    state = tmp_path / "state"
    first = RunningBot(api, store_path, state).start()
    try:
        pick = ask(api, 190, "/language", "en")
        press(api, 190, pick.result["message_id"], "l:ru", "editMessageText")
        ask(api, 190, "Сколько людей доверяют полиции?", "ru")
    finally:
        assert first.stop() == 0
    second = RunningBot(api, store_path, state).start()
    try:
        assert "я знаю" in ask(api, 190, "/help", "en").text
        assert "63,1\xa0%" in ask(api, 190, "а в 2023?", "ru").text
    finally:
        assert second.stop() == 0


def test_the_token_never_appears_in_logs_even_at_debug(own_api, store_path: Path, tmp_path: Path):
    api = own_api
    running = RunningBot(api, store_path, tmp_path / "state", SENIM_LOG_LEVEL="DEBUG").start()
    try:
        ask(api, 195, "police")
        api.fail("sendMessage", status=500, match=lambda c: c.chat_id == 196)
        ask(api, 196, "courts")
    finally:
        running.stop()
    assert "getUpdates" in running.log  # it did log, verbosely
    assert TOKEN not in running.log and "SECRET-e2e-token" not in running.log


@pytest.mark.parametrize(
    ("token", "message"),
    [(None, "is not set"), ("not-a-token", "is malformed"), ("12:short", "is malformed")],
)
def test_missing_or_malformed_token_is_one_clear_line(store_path: Path, token, message):
    env = senim_env(store_path)
    if token:
        env["TELEGRAM_BOT_TOKEN"] = token
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    if token:
        assert token not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError:
        return 0  # not listening (yet)


def test_webhook_mode_checks_the_secret_on_every_request(own_api, store_path: Path, tmp_path: Path):
    api = own_api
    port = _free_port()
    public = "https://bot.example.test/telegram"  # the reverse proxy's URL, given to Telegram
    url = f"http://127.0.0.1:{port}/telegram"  # where the proxy forwards: we post here
    running = RunningBot(
        api,
        store_path,
        tmp_path / "state",
        "--webhook",
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        "--url",
        public,
        TELEGRAM_WEBHOOK_SECRET="hook-secret-123",
    ).start(ready="setWebhook")
    try:
        webhook = api.calls_of("setWebhook")[-1].params
        assert webhook["url"] == public and webhook["secret_token"] == "hook-secret-123"
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": 200, "type": "private"},
                "from": {"id": 200, "is_bot": False, "first_name": "W", "language_code": "en"},
                "text": "How much do people trust the police?",
            },
        }
        deadline = time.monotonic() + 15
        while True:  # the web server comes up just after setWebhook
            status = _post(url, {**update, "update_id": 0}, "wrong-secret")
            if status != 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == 403
        assert _post(url, update, None) == 403
        mark = api.mark()
        assert _post(url, update, "hook-secret-123") == 200
        reply = api.wait_for("sendMessage", lambda c: c.chat_id == 200, after=mark)
        assert "61.6%" in reply.text
        assert len([c for c in api.calls_of("sendMessage", chat_id=200) if not c.failed]) == 1
    finally:
        running.stop()
    assert "hook-secret-123" not in running.log and TOKEN not in running.log


def test_a_dockerfile_runs_senim_run():
    dockerfile = (Path(__file__).resolve().parent.parent / "Dockerfile").read_text()
    assert 'CMD ["senim", "run"]' in dockerfile


# -- answers over time, on a store of three waves (issue 11) ----------------------------------


@pytest.fixture(scope="module")
def bot3(store3_path: Path, tmp_path_factory) -> Iterator[tuple[RunningBot, FakeBotAPI]]:
    """`senim run` on the store of the three waves frozen once 2024-10 landed."""
    with FakeBotAPI(token=TOKEN, username=USERNAME) as fake:
        running = RunningBot(fake, store3_path, tmp_path_factory.mktemp("state3") / "chats")
        running.start()
        yield running, fake
        assert running.stop() == 0, running.log
        assert fake.server_errors == []


@pytest.mark.parametrize(
    ("chat", "language", "question", "expected"),
    [
        (701, "ru", "динамика доверия полиции", ["63,1\xa0%", "61,6\xa0%", "64,3\xa0%", "За год"]),
        (702, "kk", "полицияға сенім динамикасы", ["63,1%", "64,3%", "Бір жылда"]),
        (703, "en", "how has trust in the courts changed over time", ["61.0%", "62.0%"]),
    ],
)
def test_an_over_time_question_and_its_chart(bot3, chat, language, question, expected):
    """Every wave in order through the real `senim run`, then the line chart of it."""
    _running, api = bot3
    reply = ask(api, chat, question, language, timeout=20)
    for needle in expected:
        assert needle in reply.text, reply.text
    mark = api.mark()
    api.push_callback(chat, reply.result["message_id"], button(reply, "c:"))
    photo = api.wait_for("sendPhoto", lambda c: c.chat_id == chat, after=mark, timeout=60)
    image = next(iter(photo.files.values())).data
    assert image.startswith(PNG) and 5_000 < len(image) < 500_000
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert width == 1000 and 600 <= height <= 900


def test_the_over_time_button_under_an_answer(bot3):
    """Where a topic has more than two waves, an answer offers them all."""
    _running, api = bot3
    reply = ask(api, 704, "How many people trust the police?", "en", timeout=20)
    assert "64.3%" in reply.text
    buttons = {b["text"]: b for row in reply.reply_markup["inline_keyboard"] for b in row}
    assert "Over time" in buttons, list(buttons)
    data = buttons["Over time"]["callback_data"]
    shown = press(api, 704, reply.result["message_id"], data, "sendMessage")
    text = shown.text
    assert "63.1%" in text and "61.6%" in text and "64.3%" in text, text


def test_the_csv_button_sends_the_figures_with_their_sources(bot3):
    """A journalist's CSV: every figure of the answer, ids and names, values as
    published, derived marks, sources and their links."""
    import csv
    import io

    _running, api = bot3
    reply = ask(api, 705, "динамика доверия полиции", "ru", timeout=20)
    data = next(d for d in reply.callback_data() if d.startswith("v:"))
    mark = api.mark()
    api.push_callback(705, reply.result["message_id"], data)
    sent = api.wait_for("sendDocument", lambda c: c.chat_id == 705, after=mark, timeout=20)
    upload = next(iter(sent.files.values()))
    assert upload.filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(upload.data.decode("utf-8-sig"))))
    assert [r["value"] for r in rows if r["unit"] == "percent"] == ["63.1", "61.6", "64.3"]
    assert {r["value"] for r in rows if r["unit"] == "pp"} == {"-1.5", "2.7", "1.2"}
    assert all(r["derived"] == "true" for r in rows if r["unit"] == "pp")
    assert rows[0]["subject_name"] == "Полиция" and "stat.gov.kz" in rows[0]["source_url"]
    assert "Полиция" in sent.result["caption"]


def test_help_follows_the_language_the_chat_writes_in_and_says_so(bot, api):
    """A Kazakh-interface user who writes in Russian gets Russian /help, which states
    the rule."""
    chat = 187
    assert "Полиция" in ask(api, chat, "сколько доверяют полиции", "kk").text
    help_text = ask(api, chat, "/help", "kk").text
    assert "По опубликованным релизам я знаю" in help_text, help_text
    assert "/language" in help_text and "на котором вы пишете" in help_text
