"""HTTP to the Bot API: request bodies as UTF-8 JSON instead of URL-encoded forms.

PTB's HTTPXRequest sends every call as application/x-www-form-urlencoded. An answer
is a few hundred Cyrillic characters plus a keyboard, and percent-encoding turns each
Cyrillic letter into six bytes: ~2.5 kB per reply, and the encoding was the costliest
single step of sending it. The Bot API accepts application/json for every method that
uploads no file, so such calls go as JSON (~1 kB, encoded in C); uploads (charts) still
go as multipart through PTB unchanged.

At most connection_pool_size requests are in flight; the rest wait their turn here.
httpcore's pool does work quadratic in its open connections on every request (it
checks each connection's state against every other's), so a burst that opened 50
connections made every later request slower until they expired: the same load ran
at 96 or 163 replies/s depending on how many connections its first second opened.
A few connections suffice: Telegram allows ~30 messages/s, and even at a 0.5 s round
trip that is 15 requests in flight, hence the default pool of 16.

send_html sends an answer without decoding Telegram's copy of it (see there).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from telegram import Bot
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.constants import ParseMode
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

JSON_BODY = {"Content-Type": "application/json"}
POOL_SIZE = 16


class JsonRequest(HTTPXRequest):
    """HTTPXRequest that posts JSON bodies (multipart only when a file is attached) and
    keeps no more requests in flight than it has connections."""

    def __init__(self, connection_pool_size: int = POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        self._slots = asyncio.Semaphore(connection_pool_size)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        async with self._slots:
            if request_data is None or request_data.contains_files:
                return await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            default = self._client.timeout
            timeout = httpx.Timeout(
                connect=_given(connect_timeout, default.connect),
                read=_given(read_timeout, default.read),
                write=_given(write_timeout, default.write),
                pool=_given(pool_timeout, default.pool),
            )
            return await self._post_json(url, method, request_data, timeout)

    async def _post_json(
        self, url: str, method: str, request_data: RequestData, timeout: httpx.Timeout
    ) -> tuple[int, bytes]:
        if self._client.is_closed:
            raise RuntimeError("This JsonRequest is not initialized!")
        body = json.dumps(
            request_data.parameters, ensure_ascii=False, separators=(",", ":")
        ).encode()
        try:
            response = await self._client.request(
                method=method,
                url=url,
                headers={**JSON_BODY, "User-Agent": self.USER_AGENT},
                content=body,
                timeout=timeout,
            )
        # The same translation of errors as HTTPXRequest.do_request, so retries and the
        # error handler see what they would see without this class.
        except httpx.TimeoutException as error:
            if isinstance(error, httpx.PoolTimeout):
                raise TimedOut(
                    message="Pool timeout: all connections in the pool are busy; "
                    "the request was not sent."
                ) from error
            raise TimedOut from error
        except httpx.HTTPError as error:
            raise NetworkError(f"httpx.{error.__class__.__name__}: {error}") from error
        return response.status_code, response.content


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


NO_PREVIEW = {"is_disabled": True}


async def send_html(
    bot: Bot, chat_id: int, html: str, markup: dict[str, Any] | None = None
) -> None:
    """sendMessage in HTML, link previews off, with an already serialised keyboard.

    Bot.send_message decodes the message Telegram sends back into a Message (its text,
    entities and keyboard): ~0.3 ms per answer, for an object nothing reads. This posts
    through the same Bot._post (so the rate limiter, retries and error translation all
    apply) and drops the echo. Bot._post is PTB-internal; python-telegram-bot is pinned
    to 22, and the end-to-end tests exercise this path on every answer.
    """
    data: dict[str, Any] = {
        "chat_id": chat_id,
        "text": html,
        "parse_mode": ParseMode.HTML,
        "link_preview_options": NO_PREVIEW,
    }
    if markup:
        data["reply_markup"] = markup
    await bot._post("sendMessage", data)
