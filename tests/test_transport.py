"""The HTTP transport to the Bot API, against the fake server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.telegram.transport import JsonRequest, NotSent, Unanswered

try:
    from tests.fake_bot_api import Call, FakeBotAPI
except ModuleNotFoundError:  # plain `pytest` puts tests/, not the repo root, on sys.path
    from fake_bot_api import Call, FakeBotAPI  # type: ignore[no-redef,import-not-found,unused-ignore]

TOKEN = "123456:TRANSPORT-token"
CHAT = 777
ANSWER = "<b>Полицияға</b> сенім: 61,6 % — «Сот» & co"
MARKUP = {"inline_keyboard": [[{"text": "Диаграмма", "callback_data": "c:abc"}]]}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000003000000020806000000b8d8e6"
    "8d0000001549444154789c63f8cfc0f01f0418180e80d0ff01005e8d0bf5ab51"
    "c1520000000049454e44ae426082"
)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN, username="senim_transport_bot") as fake:
        yield fake
        assert fake.server_errors == []


def json_request(pool: int = 4, **kwargs) -> JsonRequest:
    return JsonRequest(connection_pool_size=pool, **kwargs)


async def send_html(bot: Bot, chat_id: int, html: str, markup: dict | None = None) -> object:
    """How handlers send an answer: a raw sendMessage through Bot.do_api_request."""
    data = {"chat_id": chat_id, "text": html, "parse_mode": "HTML"}
    data["link_preview_options"] = {"is_disabled": True}
    if markup:
        data["reply_markup"] = markup
    return await bot.do_api_request("sendMessage", api_kwargs=data)


@pytest_asyncio.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN,
        base_url=api.base_url,
        base_file_url=api.file_base_url,
        request=json_request(),
        get_updates_request=json_request(pool=1),
    ) as telegram_bot:
        yield telegram_bot


def most_at_once(calls: list[Call]) -> int:
    """The largest number of these calls the server was serving at the same moment."""
    edges = sorted(
        [(call.time, 1) for call in calls] + [(call.time + call.duration, -1) for call in calls]
    )
    busy = peak = 0
    for _, step in edges:
        busy += step
        peak = max(peak, busy)
    return peak


async def test_calls_without_files_go_as_utf8_json(api: FakeBotAPI, bot: Bot) -> None:
    await send_html(bot, CHAT, ANSWER, MARKUP)
    call = api.calls_of("sendMessage")[-1]
    assert call.content_type == "application/json"
    assert call.params["text"] == ANSWER  # markup and Kazakh letters arrive untouched
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.reply_markup == MARKUP
    assert call.result["text"] == "Полицияға сенім: 61,6 % — «Сот» & co"  # the HTML parsed

    await bot.send_message(CHAT, "plain", reply_markup=None)  # PTB's own methods too
    assert api.calls_of("sendMessage")[-1].content_type == "application/json"


async def test_uploads_still_go_as_multipart(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_photo(CHAT, photo=PNG, caption="Сот", filename="senim.png")
    call = api.calls_of("sendPhoto")[-1]
    assert call.content_type == "multipart/form-data"
    assert call.files["photo"].data == PNG
    assert call.params["caption"] == "Сот"


async def test_send_html_raises_telegrams_errors(api: FakeBotAPI, bot: Bot) -> None:
    api.fail("sendMessage", status=400, times=1)
    with pytest.raises(Exception, match="Bad Request"):
        await send_html(bot, CHAT, ANSWER)


async def test_a_burst_beyond_the_pool_waits_its_turn(api: FakeBotAPI) -> None:
    """Twelve sends on three connections: never more than three at the server, and none
    fails, where PTB's own request gives up on the ones that wait for a connection."""
    api.slow("sendMessage", 0.15, times=None)

    async def burst(request: HTTPXRequest) -> list[object]:
        async with Bot(TOKEN, base_url=api.base_url, request=request) as sender:
            return await asyncio.gather(
                *(sender.send_message(CHAT, f"n{i}") for i in range(12)), return_exceptions=True
            )

    results = await burst(json_request(pool=3))
    assert [r for r in results if isinstance(r, BaseException)] == []
    served = [c for c in api.calls_of("sendMessage") if not c.failed]
    assert len(served) == 12 and most_at_once(served) <= 3

    plain = HTTPXRequest(connection_pool_size=3, pool_timeout=0.05, httpx_kwargs={"verify": False})
    results = await burst(plain)
    assert any(isinstance(r, TimedOut) for r in results)  # what the cap avoids


async def test_no_connection_is_not_sent() -> None:
    """Nothing reached Telegram: the retry policy may send it again without a doubt."""
    request = json_request(connect_timeout=0.5)
    unreachable = Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=request)
    await request.initialize()
    try:
        with pytest.raises(NotSent) as error:
            await send_html(unreachable, CHAT, ANSWER)
        assert isinstance(error.value, NetworkError)  # still what PTB code expects
        assert TOKEN.split(":")[1] not in str(error.value)
    finally:
        await request.shutdown()


async def test_a_late_answer_is_unanswered_and_the_message_may_exist(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.slow("sendMessage", 1.0, after=True)
    with pytest.raises(Unanswered) as error:
        await bot.send_message(CHAT, "hi", read_timeout=0.2)
    assert isinstance(error.value, TimedOut)
    time.sleep(1.0)
    assert api.sent_messages(CHAT)[-1].text == "hi"  # Telegram did carry it out


@pytest.mark.parametrize("processed", [False, True])
async def test_a_dropped_connection_is_unanswered(
    api: FakeBotAPI, bot: Bot, processed: bool
) -> None:
    """The client cannot tell a connection closed before the call from one closed after."""
    api.drop("sendMessage", processed=processed)
    with pytest.raises(Unanswered):
        await send_html(bot, CHAT, ANSWER)
    delivered = [c for c in api.calls_of("sendMessage") if not c.failed]
    assert len(delivered) == (1 if processed else 0)


async def test_the_default_read_timeout_waits_out_a_slow_telegram(api: FakeBotAPI) -> None:
    """PTB waits 5 s for an answer; a send abandoned while Telegram still works on it is
    the usual way to a duplicate, so Senim waits much longer."""
    assert JsonRequest().read_timeout >= 20
    async with Bot(TOKEN, base_url=api.base_url, request=json_request()) as sender:
        api.slow("sendMessage", 1.5, after=True)
        await send_html(sender, CHAT, "slow but fine")
    assert len([c for c in api.calls_of("sendMessage") if not c.failed]) == 1
