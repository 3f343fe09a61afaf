"""HTTP to the Bot API: JSON request bodies, a bounded number in flight, and failures
classified by whether Telegram can have acted on the request.

Request bodies. PTB's HTTPXRequest sends every call as application/x-www-form-urlencoded.
An answer is a few hundred Cyrillic characters plus a keyboard, and percent-encoding
turns each Cyrillic letter into six bytes: ~2.5 kB per reply, and the encoding was the
costliest single step of sending it. The Bot API accepts application/json for every
method that uploads no file, so such calls go as JSON (~1 kB, encoded in C); uploads
(charts) go as multipart.

In flight. At most `connection_pool_size` requests are in flight; the rest wait their
turn here. httpcore's pool does work quadratic in its open connections on every
request, so a burst that opened 50 connections made every later request slower until
they expired (the same load ran at 96 or 163 replies/s depending on how many
connections its first second opened). Telegram allows ~30 messages/s, and even at a
0.5 s round trip that is 15 requests in flight, hence the default pool of 16.

Failures (the retry policy in bot.telegram.app reads these types):

* `NotSent`: the request never reached Telegram complete (no connection, a write that
  failed). Nothing can have happened: any call may be repeated.
* `Unanswered`: the request went out whole but no answer came back (a read timeout,
  the connection closed before the reply). Telegram may or may not have carried it out.
* any other `NetworkError`: Telegram answered with an error status (5xx): not carried out.

This is a public `BaseRequest` subclass with its own httpx client: no PTB internals.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# Bot.do_api_request warns "Please use 'Bot.sendMessage'" for methods PTB wraps. Senim
# calls two of them raw on purpose: getUpdates (Bot.get_updates decodes a whole batch at
# once, and one update it cannot decode fails all of them) and sendMessage (the answer's
# echo is not decoded into a Message nobody reads).
RAW_CALLS = r"Please use 'Bot\.(getUpdates|sendMessage)'"
warnings.filterwarnings("ignore", message=RAW_CALLS)

JSON_BODY = {"Content-Type": "application/json"}
POOL_SIZE = 16
# Telegram answers in well under a second. A slow answer is waited for rather than
# abandoned: abandoning a send that Telegram is still carrying out, then sending it
# again, is how a user gets the same answer twice.
READ_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
WRITE_TIMEOUT = 10.0
MEDIA_WRITE_TIMEOUT = 30.0  # a chart is ~100 kB


class NotSent(NetworkError):
    """The request did not reach the Bot API complete: safe to send again."""


class Unanswered(TimedOut):
    """The request reached the Bot API but its answer did not come back: it may have
    been carried out. (A TimedOut, so code that treats timeouts alike still does.)"""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class JsonRequest(BaseRequest):
    """Bot API requests over one httpx client: JSON bodies (multipart only for files),
    at most `connection_pool_size` in flight, failures classified (see the module)."""

    def __init__(
        self,
        connection_pool_size: int = POOL_SIZE,
        *,
        read_timeout: float = READ_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        write_timeout: float = WRITE_TIMEOUT,
        media_write_timeout: float = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._write_timeout = write_timeout
        self._media_write_timeout = media_write_timeout
        self._pool_size = connection_pool_size
        self._slots = asyncio.Semaphore(connection_pool_size)
        self._http: httpx.AsyncClient | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._http is None or self._http.is_closed:
            self._http = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=self._pool_size),
                # The semaphore queues requests, so the pool itself never makes one wait.
                timeout=httpx.Timeout(
                    connect=self._connect_timeout,
                    read=self._read_timeout,
                    write=self._write_timeout,
                    pool=None,
                ),
            )

    async def shutdown(self) -> None:
        client, self._http = self._http, None
        if client is not None:
            await client.aclose()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        client = self._http
        if client is None or client.is_closed:
            raise RuntimeError("this JsonRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        timeout = httpx.Timeout(
            connect=_given(connect_timeout, self._connect_timeout),
            read=_given(read_timeout, self._read_timeout),
            write=_given(
                write_timeout, self._media_write_timeout if files else self._write_timeout
            ),
            pool=None,
        )
        headers = {"User-Agent": self.USER_AGENT}
        arguments: dict[str, Any] = {}
        if request_data is not None and files:
            arguments = {
                "files": request_data.multipart_data,
                "data": request_data.json_parameters,
            }
        elif request_data is not None:
            headers.update(JSON_BODY)
            arguments = {
                "content": json.dumps(
                    request_data.parameters, ensure_ascii=False, separators=(",", ":")
                ).encode()
            }
        async with self._slots:
            try:
                response = await client.request(
                    method=method, url=url, headers=headers, timeout=timeout, **arguments
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                raise NotSent(f"no connection to the Bot API ({type(error).__name__})") from None
            except (httpx.WriteError, httpx.WriteTimeout) as error:
                raise NotSent(f"the request was not sent whole ({type(error).__name__})") from None
            except httpx.ReadTimeout:
                raise Unanswered(f"no answer within {timeout.read} s") from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as error:
                reason = f"the connection closed before the answer ({type(error).__name__})"
                raise Unanswered(reason) from None
            except httpx.HTTPError as error:
                # `from None` throughout: httpx's own messages carry the URL, which holds
                # the token.
                raise NetworkError(f"httpx.{type(error).__name__}") from None
        return response.status_code, response.content


def _given(value: Any, default: float) -> float:
    """A timeout a call passed, or ours (PTB passes DEFAULT_NONE for "not given"). None,
    "wait forever", is ours too: no request may hang a chat for good."""
    return float(value) if isinstance(value, int | float) else default
