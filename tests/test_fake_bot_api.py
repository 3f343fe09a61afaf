"""Tests of the fake Telegram Bot API, driven by a real python-telegram-bot ``Bot``.

Each test checks behaviour the end-to-end tests rely on: Telegram's response and error
shapes, real long polling, the message store, fault injection and the inspection helpers.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

try:
    from tests.fake_bot_api import NOT_MODIFIED, QUERY_INVALID, Call, FakeBotAPI
except ModuleNotFoundError:  # plain `pytest` puts tests/, not the repo root, on sys.path
    from fake_bot_api import NOT_MODIFIED, QUERY_INVALID, Call, FakeBotAPI  # type: ignore[no-redef,import-not-found,unused-ignore]

TOKEN = "123456:TEST-token"
CHAT = 424242
# A valid 3x2 PNG (signature, IHDR, IDAT, IEND) so dimension sniffing has real input.
PNG_3X2 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000003000000020806000000b8d8e6"
    "8d0000001549444154789c63f8cfc0f01f0418180e80d0ff01005e8d0bf5ab51"
    "c1520000000049454e44ae426082"
)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN, username="senim_test_bot") as fake:
        yield fake
        assert fake.server_errors == []


def fast_request(pool_size: int = 8) -> HTTPXRequest:
    """PTB's default HTTPXRequest loads the CA bundle (~0.13 s per client, two per Bot);
    plain-HTTP tests do not need it."""
    return HTTPXRequest(connection_pool_size=pool_size, httpx_kwargs={"verify": False})


def make_bot(api: FakeBotAPI, token: str = TOKEN) -> Bot:
    return Bot(
        token,
        base_url=api.base_url,
        base_file_url=api.file_base_url,
        request=fast_request(),
        get_updates_request=fast_request(pool_size=1),  # like PTB's default
    )


@pytest_asyncio.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with make_bot(api) as real_bot:
        yield real_bot


def raw_request(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, Any]:
    """POST/GET with urllib; returns (status, decoded JSON) also for HTTP errors."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def retry_after_seconds(error: RetryAfter) -> float:
    value = error.retry_after  # int in PTB 22 (timedelta with PTB_TIMEDELTA=1)
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# ---------------------------------------------------------------------------- basics


@pytest.mark.asyncio
async def test_get_me_through_real_bot(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot is True
    assert me.username == "senim_test_bot"
    assert me.first_name == "Senim Test Bot"
    assert me.supports_inline_queries is True
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    # Bot.initialize() already called getMe once; both were recorded.
    assert len(api.calls_of("getMe")) == 2
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
    assert api.file_base_url == f"http://127.0.0.1:{api.port}/file/bot"


def test_wrong_token_and_unknown_method_shapes(api: FakeBotAPI) -> None:
    status, body = raw_request(f"{api.base_url}999:WRONG/getMe", data=b"")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert api.calls == []  # foreign tokens are not recorded

    status, body = raw_request(f"{api.base_url}{TOKEN}/noSuchMethod", data=b"")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    (call,) = api.calls
    assert call.method == "noSuchMethod" and call.failed and call.status == 404


@pytest.mark.asyncio
async def test_wrong_token_raises_invalid_token_in_ptb(api: FakeBotAPI) -> None:
    stranger = make_bot(api, token="999:WRONG")
    with pytest.raises(InvalidToken, match=r"(?i)Unauthorized"):
        await stranger.get_me()
    await stranger.shutdown()


def test_params_from_query_json_and_form_bodies(api: FakeBotAPI) -> None:
    base = f"{api.base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}

    status, body = raw_request(f"{base}/sendMessage?chat_id=7&text=123", data=b"")
    assert status == 200 and body["result"]["text"] == "123"
    query_call = api.calls[-1]
    assert query_call.params == {"chat_id": 7, "text": "123"}  # text stays a string
    assert query_call.raw_params == {"chat_id": "7", "text": "123"}

    payload = json.dumps({"chat_id": 7, "text": "hi", "reply_markup": markup}).encode()
    status, body = raw_request(
        f"{base}/sendMessage", data=payload, headers={"Content-Type": "application/json"}
    )
    assert status == 200 and body["result"]["reply_markup"] == markup
    json_call = api.calls[-1]
    assert json_call.content_type == "application/json"
    assert json_call.params["reply_markup"] == markup
    assert json.loads(json_call.raw_params["reply_markup"]) == markup

    form = urllib.parse.urlencode(
        {"chat_id": "7", "text": "true", "reply_markup": json.dumps(markup)}
    ).encode()
    status, body = raw_request(
        f"{base}/sendMessage",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    form_call = api.calls[-1]
    assert form_call.params == {"chat_id": 7, "text": "true", "reply_markup": markup}
    assert [m["message_id"] for m in api.chat_messages(7)] == [1, 2, 3]

    status, body = raw_request(f"{base}/getMe")  # GET works too
    assert status == 200 and body["result"]["username"] == "senim_test_bot"
    assert api.calls[-1].http_method == "GET"


def test_multipart_fields_and_odd_filenames(api: FakeBotAPI) -> None:
    response = httpx.post(
        f"{api.base_url}{TOKEN}/sendPhoto",
        data={"chat_id": "-1001234", "caption": "Сенім 63.8%\r\nline two", "parse_mode": ""},
        files={"photo": ('есеп "1".png', PNG_3X2 + b"\r\n--not-a-boundary\r\n", "image/png")},
    )
    assert response.status_code == 200, response.text
    call = api.wait_for("sendPhoto", timeout=1)
    assert call.params["chat_id"] == -1001234
    assert call.params["caption"] == "Сенім 63.8%\r\nline two"
    upload = call.files["photo"]
    assert upload.filename == 'есеп "1".png'
    assert upload.data == PNG_3X2 + b"\r\n--not-a-boundary\r\n"
    chat = response.json()["result"]["chat"]
    assert chat == {"id": -1001234, "type": "supergroup", "title": "Test group"}


# ---------------------------------------------------------------------------- sending


@pytest.mark.asyncio
async def test_send_message_roundtrip_with_inline_keyboard(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Қазақша", callback_data="lang:kk")],
            [InlineKeyboardButton("Site", url="https://example.org")],
        ]
    )
    first = await bot.send_message(CHAT, "Сәлем!", reply_markup=keyboard)
    second = await bot.send_message(CHAT, "again")
    other = await bot.send_message(CHAT + 1, "elsewhere")

    assert first.reply_markup == keyboard
    assert first.text == "Сәлем!"
    assert first.chat.id == CHAT and first.chat.type == "private"
    assert first.from_user is not None and first.from_user.id == 123456
    assert first.from_user.is_bot
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert second.reply_markup is None

    call = api.calls_of("sendMessage", chat_id=CHAT)[0]
    assert call.content_type == "application/x-www-form-urlencoded"
    assert call.params["chat_id"] == CHAT
    assert call.raw_params["chat_id"] == str(CHAT)
    assert isinstance(call.raw_params["reply_markup"], str)
    assert call.reply_markup["inline_keyboard"][0][0] == {
        "text": "Қазақша",
        "callback_data": "lang:kk",
    }
    assert call.callback_data() == ["lang:kk"]
    assert isinstance(call.result["date"], int)
    assert [c.text for c in api.sent_messages(CHAT)] == ["Сәлем!", "again"]


@pytest.mark.asyncio
async def test_send_message_html_becomes_entities(api: FakeBotAPI, bot: Bot) -> None:
    html = await bot.send_message(
        CHAT, '  <b>Trust</b> in <a href="https://x.kz">courts</a> &amp; police \n', "HTML"
    )
    assert html.text == "Trust in courts & police"  # parsed and trimmed like Telegram
    assert [(e.type, e.offset, e.length) for e in html.entities] == [
        ("bold", 0, 5),
        ("text_link", 9, 6),
    ]
    assert html.entities[1].url == "https://x.kz"

    with pytest.raises(BadRequest, match=r"(?i)unsupported parse_mode"):
        await bot.send_message(CHAT, "*63\\.8%* trust", "MarkdownV2")
    with pytest.raises(BadRequest, match=r'(?i)Unsupported start tag "div"'):
        await bot.send_message(CHAT, "<div>x</div>", "HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(CHAT, "a < b", "HTML")
    with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
        await bot.send_message(CHAT, "   ")
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    assert len(api.calls_of("sendMessage")) == 6
    assert [c.failed for c in api.calls_of("sendMessage")] == [False] + [True] * 5


@pytest.mark.asyncio
async def test_send_photo_keeps_uploaded_bytes(api: FakeBotAPI, bot: Bot) -> None:
    message = await bot.send_photo(CHAT, PNG_3X2, caption="chart", filename="chart.png")

    call = api.wait_for("sendPhoto")
    assert call.content_type == "multipart/form-data"
    upload = call.files["photo"]
    assert upload.data == PNG_3X2
    assert upload.filename == "chart.png"
    assert upload.content_type == "image/png"
    assert call.params["caption"] == "chart"
    assert call.params["chat_id"] == CHAT

    assert message.caption == "chart"
    largest = message.photo[-1]
    assert (largest.width, largest.height) == (3, 2)  # read from the PNG header
    assert largest.file_size == len(PNG_3X2)
    assert largest.file_id and largest.file_unique_id
    assert len({size.file_id for size in message.photo}) == len(message.photo)

    telegram_file = await bot.get_file(largest.file_id)
    assert telegram_file.file_path is not None
    assert telegram_file.file_path.startswith(api.file_base_url)
    assert bytes(await telegram_file.download_as_bytearray()) == PNG_3X2

    # Resending by file_id works; an unknown file_id fails like Telegram.
    again = await bot.send_photo(CHAT, largest.file_id)
    assert again.photo[-1].file_id != largest.file_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(CHAT, "not-a-file-id")


# ---------------------------------------------------------------------------- long polling


@pytest.mark.asyncio
async def test_long_poll_returns_promptly_when_update_is_pushed(api: FakeBotAPI, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, lambda: api.push_message(CHAT, "/start@senim_test_bot now"))
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    elapsed = time.monotonic() - started

    assert 0.25 <= elapsed < 1.5
    (update,) = updates
    assert update.update_id == 1
    assert update.message is not None
    assert update.message.text == "/start@senim_test_bot now"
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "en"
    (entity,) = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 21)


@pytest.mark.asyncio
async def test_long_poll_times_out_with_empty_list(api: FakeBotAPI, bot: Bot) -> None:
    started = time.monotonic()
    updates = await bot.get_updates(timeout=1)
    elapsed = time.monotonic() - started
    assert updates == ()
    assert 0.9 <= elapsed < 2.5
    (call,) = api.calls_of("getUpdates")
    assert call.result == [] and call.duration >= 0.9


@pytest.mark.asyncio
async def test_offset_confirms_and_limit(api: FakeBotAPI, bot: Bot) -> None:
    ids = [api.push_message(CHAT, f"m{n}")["update_id"] for n in range(3)]
    assert ids == [1, 2, 3]
    assert api.pending_updates() == 3

    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == [1, 2]
    assert api.pending_updates() == 3  # fetching does not confirm
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [1, 2, 3]

    rest = await bot.get_updates(offset=3)
    assert [u.update_id for u in rest] == [3]
    assert api.confirmed_offset == 3
    assert api.pending_updates() == 1

    assert await bot.get_updates(offset=4) == ()
    assert api.confirmed_offset == 4 and api.pending_updates() == 0
    api.wait_until_confirmed(timeout=0.1)

    api.push_message(CHAT, "late")
    assert [u.update_id for u in await bot.get_updates(offset=4)] == [4]


@pytest.mark.asyncio
async def test_allowed_updates_filters_known_kinds_only(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "x")
    api.push_callback(CHAT, sent.message_id, "dropped")
    api.push_message(CHAT, "kept")
    api.push_update({"brand_new_kind": {}})
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [u.update_id for u in updates] == [2, 3]
    assert updates[0].message is not None and updates[0].message.text == "kept"
    api.push_inline_query(5, "also dropped: the setting persists")
    assert [u.update_id for u in await bot.get_updates(offset=4)] == []


@pytest.mark.asyncio
async def test_negative_offset_keeps_only_the_last_updates(api: FakeBotAPI, bot: Bot) -> None:
    for n in range(4):
        api.push_message(CHAT, f"m{n}")
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [4]
    assert api.pending_updates() == 1


@pytest.mark.asyncio
async def test_newer_poll_terminates_older_one_with_conflict(api: FakeBotAPI, bot: Bot) -> None:
    # A second Bot: PTB's getUpdates connection pool holds one request at a time.
    async with make_bot(api) as second_instance:
        older = asyncio.ensure_future(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        assert await second_instance.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
            await older
        assert time.monotonic() - started < 1.5
    assert [c.status for c in api.calls_of("getUpdates")] == [200, 409]


def test_stop_wakes_pending_long_poll(api: FakeBotAPI) -> None:
    outcome: list[object] = []

    def poll() -> None:
        try:
            outcome.append(raw_request(f"{api.base_url}{TOKEN}/getUpdates?timeout=30", b""))
        except OSError as error:  # the connection may be closed before the answer
            outcome.append(error)

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.3)  # let the poll reach the server
    started = time.monotonic()
    api.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2
    assert outcome
    # The server side was woken too: the poll ended long before its 30 s timeout.
    poll_call = api.wait_for("getUpdates", timeout=2)
    assert poll_call.result == [] and poll_call.duration < 2
    api.stop()  # idempotent


@pytest.mark.asyncio
async def test_webhook_blocks_polling_until_deleted(api: FakeBotAPI, bot: Bot) -> None:
    api.push_message(CHAT, "queued")
    assert await bot.set_webhook("https://bot.example.kz/hook")
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.kz/hook" and info.pending_update_count == 1
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match=r"(?i)HTTPS URL must be provided"):
        await bot.set_webhook("http://insecure.example")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert api.pending_updates() == 0
    assert await bot.get_updates() == ()


# ---------------------------------------------------------------------------- updates


@pytest.mark.asyncio
async def test_every_pushed_update_kind_deserializes_in_ptb(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(
        CHAT,
        "pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]]),
    )
    api.push_sticker(CHAT)
    api.push_photo(CHAT, data=PNG_3X2, caption="look")
    api.push_location(CHAT, 51.1694, 71.4491)
    user_message = api.push_message(CHAT, "original")["message"]
    api.push_edited_message(CHAT, user_message["message_id"], "edited")
    api.push_callback(CHAT, sent.message_id, "x", language_code="kk")
    api.push_callback(CHAT, 999, "gone")
    api.push_inline_query(555, "police", language_code="ru")
    api.push_message(-100123, "/help", chat_type="supergroup", user_id=77)
    api.push_update({"weird_new_kind": {"x": 1}})
    api.push_update({"voice": "garbage at top level", "message": None})

    updates = await bot.get_updates()
    assert len(updates) == 11
    sticker, photo, location, original, edited, callback, gone, inline, group = updates[:9]
    assert sticker.message and sticker.message.sticker and sticker.message.sticker.emoji == "👍"
    assert photo.message and photo.message.caption == "look"
    assert (photo.message.photo[-1].width, photo.message.photo[-1].height) == (3, 2)
    downloaded = await (await bot.get_file(photo.message.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == PNG_3X2
    assert location.message and location.message.location
    assert location.message.location.latitude == pytest.approx(51.1694)
    assert original.message and original.message.text == "original"
    assert edited.edited_message and edited.edited_message.text == "edited"
    assert edited.edited_message.message_id == original.message.message_id
    assert edited.edited_message.edit_date is not None

    assert isinstance(callback.callback_query, CallbackQuery)
    assert callback.callback_query.data == "x"
    assert callback.callback_query.from_user.language_code == "kk"
    assert callback.callback_query.message is not None
    assert callback.callback_query.message.message_id == sent.message_id
    assert isinstance(callback.callback_query.message, Message)
    assert callback.callback_query.message.reply_markup == sent.reply_markup
    assert gone.callback_query and gone.callback_query.message
    assert not gone.callback_query.message.is_accessible

    assert inline.inline_query and inline.inline_query.query == "police"
    assert inline.inline_query.from_user.language_code == "ru"
    assert group.message and group.message.chat.type == "supergroup"
    assert group.message.from_user and group.message.from_user.id == 77
    assert updates[9].api_kwargs == {"weird_new_kind": {"x": 1}}
    assert updates[10].message is None

    # Message ids are shared by user and bot messages of a chat, like a private chat.
    assert [m["message_id"] for m in api.chat_messages(CHAT)] == [1, 2, 3, 4, 5]


@pytest.mark.asyncio
async def test_callback_and_inline_answers(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "?")
    query_id = api.push_callback(CHAT, sent.message_id, "yes")["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id, text="Thanks")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)  # answered twice
    with pytest.raises(BadRequest) as unknown:
        await bot.answer_callback_query("123")
    # PTB strips "Bad Request: " and capitalizes what is left.
    assert unknown.value.message == QUERY_INVALID.removeprefix("Bad Request: ").capitalize()

    inline_id = api.push_inline_query(555, "courts")["inline_query"]["id"]
    results = [
        InlineQueryResultArticle("r1", "Courts", InputTextMessageContent("61.0% trust")),
        InlineQueryResultArticle("r2", "Police", InputTextMessageContent("63.1% trust")),
    ]
    assert await bot.answer_inline_query(inline_id, results, cache_time=0)
    call = api.wait_for("answerInlineQuery")
    assert [r["id"] for r in call.params["results"]] == ["r1", "r2"]
    assert call.params["results"][0]["input_message_content"]["message_text"] == "61.0% trust"
    assert isinstance(call.raw_params["results"], str)

    other = api.push_inline_query(555, "x")["inline_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)RESULT_ID_DUPLICATE"):
        await bot.answer_inline_query(other, [results[0], results[0]])


# ---------------------------------------------------------------------------- editing


@pytest.mark.asyncio
async def test_edit_errors_match_telegram(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(CHAT, "one", reply_markup=keyboard)

    with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=999)
    with pytest.raises(BadRequest) as not_modified:
        await bot.edit_message_text(
            "one", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard
        )
    assert not_modified.value.message == NOT_MODIFIED.removeprefix("Bad Request: ").capitalize()
    assert api.calls_of("editMessageText")[-1].response == {
        "ok": False,
        "error_code": 400,
        "description": NOT_MODIFIED,
    }

    # Same text but no markup *is* a change (Telegram drops the keyboard).
    edited = await bot.edit_message_text("one", chat_id=CHAT, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.reply_markup is None and edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id)
    with_markup = await bot.edit_message_reply_markup(
        chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard
    )
    assert isinstance(with_markup, Message)
    assert with_markup.reply_markup == keyboard
    changed = await bot.edit_message_text(
        "two", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard
    )
    assert isinstance(changed, Message)
    assert changed.text == "two"
    stored = api.get_message(CHAT, sent.message_id)
    assert stored is not None and stored["text"] == "two"
    assert [c.method for c in api.sent_messages(CHAT)] == [
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageText",
    ]

    assert await bot.edit_message_text("inline", inline_message_id="AgAAAInline") is True
    assert await bot.edit_message_reply_markup(inline_message_id="AgAAAInline") is True

    user = api.push_message(CHAT, "mine")["message"]
    with pytest.raises(BadRequest, match=r"(?i)Message can't be edited"):
        await bot.edit_message_text("hack", chat_id=CHAT, message_id=user["message_id"])
    assert await bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)Message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
        await bot.edit_message_text("gone", chat_id=CHAT, message_id=sent.message_id)


# ---------------------------------------------------------------------------- faults


# PTB 22 warns in RetryAfter.__init__ that retry_after becomes a timedelta one day.
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_raises_retry_after_then_recovers(api: FakeBotAPI, bot: Bot) -> None:
    api.fail("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(CHAT, "flood")
    assert retry_after_seconds(raised.value) == 3
    failed = api.calls_of("sendMessage")[0]
    assert failed.failed and failed.injected and failed.status == 429
    assert failed.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert api.chat_messages(CHAT) == []  # nothing was sent

    message = await bot.send_message(CHAT, "fine")  # times=1: the next call succeeds
    assert message.message_id == 1
    assert api.wait_for("sendMessage").text == "fine"  # wait_for skips failed calls


def test_fault_shapes_over_raw_http(api: FakeBotAPI) -> None:
    url = f"{api.base_url}{TOKEN}/sendMessage?chat_id=1&text=hi"
    api.fail("sendMessage")  # 429 defaults to retry_after=1
    api.fail("sendMessage", status=500)
    api.fail("sendMessage", status=400)
    api.fail("sendMessage", status=403, match=lambda call: call.params["chat_id"] == 2)

    assert raw_request(url, b"") == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    assert raw_request(url, b"") == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    assert raw_request(url, b"") == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request"},
    )
    assert raw_request(url, b"")[0] == 200  # the 403 rule only matches chat 2
    status, body = raw_request(url.replace("chat_id=1", "chat_id=2"), b"")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    assert [c.failed for c in api.calls] == [True, True, True, False, True]


@pytest.mark.asyncio
async def test_500_surfaces_as_network_error(api: FakeBotAPI, bot: Bot) -> None:
    api.fail("sendChatAction", status=500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
            await bot.send_chat_action(CHAT, "typing")
    assert await bot.send_chat_action(CHAT, "typing") is True


@pytest.mark.asyncio
async def test_slow_delays_the_response(api: FakeBotAPI, bot: Bot) -> None:
    api.slow("getMe", 0.5)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.45
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started < 0.3


# ---------------------------------------------------------------------------- inspection


def test_wait_for_timeout_lists_recent_calls(api: FakeBotAPI) -> None:
    raw_request(f"{api.base_url}{TOKEN}/sendMessage?chat_id=1&text=hello", b"")
    raw_request(f"{api.base_url}{TOKEN}/bogusMethod", b"")
    started = time.monotonic()
    with pytest.raises(TimeoutError) as raised:
        api.wait_for("sendMessage", lambda call: call.text == "bye", timeout=0.3)
    assert 0.25 <= time.monotonic() - started < 1.5
    message = str(raised.value)
    assert "sendMessage" in message and "hello" in message
    assert "bogusMethod [FAILED 404]" in message


def test_wait_for_blocks_hands_out_each_call_once_and_honours_mark(api: FakeBotAPI) -> None:
    url = f"{api.base_url}{TOKEN}/sendMessage?chat_id=1&text="
    raw_request(url + "a", b"")
    raw_request(url + "b", b"")
    first = api.wait_for("sendMessage", timeout=1)
    second = api.wait_for("sendMessage", timeout=1)
    assert (first.text, second.text) == ("a", "b")

    mark = api.mark()
    raw_request(url + "c", b"")
    later: list[Call] = []
    waiter = threading.Thread(
        target=lambda: later.append(api.wait_for("sendMessage", lambda c: c.text == "d"))
    )
    waiter.start()
    time.sleep(0.2)
    assert later == []  # "c" does not match; it blocks until "d" arrives
    raw_request(url + "d", b"")
    waiter.join(timeout=2)
    assert [c.text for c in later] == ["d"]
    assert api.wait_for("sendMessage", after=mark, timeout=1).text == "c"
    with pytest.raises(TimeoutError):
        api.wait_for("sendMessage", after=mark, timeout=0.1)


@pytest.mark.asyncio
async def test_commands_descriptions_and_misc_methods(api: FakeBotAPI, bot: Bot) -> None:
    commands = [BotCommand("start", "Бастау"), BotCommand("help", "Көмек")]
    assert await bot.set_my_commands(commands, language_code="kk")
    assert await bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeChat(CHAT)
    )
    assert await bot.get_my_commands(language_code="kk") == tuple(commands)
    assert await bot.get_my_commands() == ()
    assert api.commands(scope={"type": "chat", "chat_id": CHAT}) == [
        {"command": "start", "description": "Start"}
    ]
    assert api.calls_of("setMyCommands")[0].params["commands"][1] == {
        "command": "help",
        "description": "Көмек",
    }
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("/Start", "bad")])

    assert await bot.set_my_description("Сенім туралы бот", language_code="kk")
    assert await bot.set_my_short_description("Trust survey bot")
    assert (await bot.get_my_description("kk")).description == "Сенім туралы бот"
    assert (await bot.get_my_short_description()).short_description == "Trust survey bot"
    assert api.description(short=True) == "Trust survey bot"

    assert await bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match=r"(?i)Wrong parameter action"):
        await bot.send_chat_action(CHAT, "dancing")
    assert await bot.close() is True
    assert await bot.log_out() is True


@pytest.mark.asyncio
async def test_application_end_to_end(api: FakeBotAPI) -> None:
    """A real PTB Application polls the fake, answers a command and a button press."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
        await update.effective_message.reply_text("Hello!", reply_markup=keyboard)

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text("More details")

    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.file_base_url)
        .request(fast_request())
        .get_updates_request(fast_request(pool_size=1))
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(more))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            loop = asyncio.get_running_loop()
            api.push_message(CHAT, "/start")
            reply = await loop.run_in_executor(None, api.wait_for, "sendMessage")
            assert reply.text == "Hello!" and reply.callback_data() == ["more"]
            api.push_callback(CHAT, reply.result["message_id"], "more")
            await loop.run_in_executor(None, api.wait_for, "answerCallbackQuery")
            edit = await loop.run_in_executor(None, api.wait_for, "editMessageText")
            assert edit.text == "More details"
            assert edit.params["message_id"] == reply.result["message_id"]
        finally:
            await application.updater.stop()
            await application.stop()
    assert api.pending_updates() == 0  # the updater confirmed both updates on stop


def test_standalone_main_serves_until_terminated() -> None:
    script = Path(__file__).with_name("fake_bot_api.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--token", TOKEN],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("base_url=http://127.0.0.1:")
        base_url = line.removeprefix("base_url=")
        status, body = raw_request(f"{base_url}{TOKEN}/getMe", b"")
        assert status == 200 and body["result"]["username"] == "senim_test_bot"
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
