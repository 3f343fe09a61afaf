"""A fake Telegram Bot API HTTP server for end-to-end tests.

The fake speaks the real wire protocol (``POST|GET /bot<token>/<method>``,
``{"ok": true, "result": ...}`` / ``{"ok": false, "error_code": ..., "description": ...}``)
so a real ``telegram.Bot`` / ``telegram.ext.Application`` from python-telegram-bot can talk
to it unchanged.  It is standard library only and runs in a daemon thread.

Typical use::

    from tests.fake_bot_api import FakeBotAPI

    with FakeBotAPI(token="123456:TEST-token", username="senim_test_bot") as api:
        app = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)            # "http://127.0.0.1:<port>/bot"
            .base_file_url(api.file_base_url)  # "http://127.0.0.1:<port>/file/bot"
            .build()
        )
        ...  # start the application polling (in the test's event loop)
        mark = api.mark()
        api.push_message(chat_id=42, text="/start", language_code="kk")
        call = api.wait_for("sendMessage", lambda c: c.chat_id == 42, after=mark)
        assert "Сәлем" in call.text

Design notes
------------
* **Updates.**  ``push_message`` / ``push_callback`` / ``push_inline_query`` /
  ``push_sticker`` / ``push_photo`` / ``push_location`` / ``push_edited_message`` /
  ``push_raw_message`` / ``push_update`` queue an update (with an increasing ``update_id``)
  and wake any pending long poll at once.  ``getUpdates`` is a real long poll: ``offset``
  confirms (drops) earlier updates, a negative offset keeps only the last ``-offset`` ones,
  ``limit`` is honoured, ``timeout`` blocks until an update arrives or the time is up.
  A newer ``getUpdates`` makes a still pending older one fail with Telegram's 409
  ``Conflict: terminated by other getUpdates request``; ``getUpdates`` while a webhook is
  set fails with 409 as well.  ``allowed_updates`` is remembered and filters known update
  types (updates whose type is unknown to Telegram are always delivered, so garbage
  updates still reach the bot).
* **Messages.**  Every chat has a message store with increasing ``message_id`` values that
  are shared by user messages (pushed) and bot messages (sent), like a real private chat.
  ``editMessageText`` / ``editMessageCaption`` / ``editMessageReplyMarkup`` /
  ``deleteMessage`` use it and fail like Telegram does (``message to edit not found``,
  ``message is not modified: ...``, ``message can't be edited``).
* **Formatting.**  ``parse_mode`` ``HTML`` (the only mode Senim uses) is parsed into
  plain text plus ``entities`` like Telegram does, and malformed markup fails with
  ``400 Bad Request: can't parse entities: ...`` (e.g. an
  unsupported ``<div>`` in HTML).  Text is trimmed, and empty or too long texts/captions
  fail as on Telegram.  Pass ``parse_entities=False`` to skip all of this.
* **Calls.**  Every request with the right token is recorded as a :class:`Call` (also
  failed ones, with ``failed=True``), in completion order.  ``Call.params`` holds decoded
  values (form fields are decoded from JSON where possible: ``"42"`` -> ``42``,
  ``reply_markup`` -> dict), ``Call.raw_params`` the strings as received and ``Call.files``
  the uploaded multipart files.
* **wait_for.**  ``wait_for(method, predicate, timeout=10.0, after=None)`` returns the first
  *successful* call of ``method`` matching ``predicate`` that no earlier ``wait_for`` has
  returned (each call is handed out at most once).  ``after`` (a value from
  :meth:`FakeBotAPI.mark`) restricts the search to calls recorded after that mark, which
  keeps a test step from matching replies of an earlier step.  On timeout it raises
  ``TimeoutError`` listing the recent calls.
* **Faults.**  ``fail(method, status=..., times=...)`` makes the next calls fail with
  Telegram's error shape (429 carries ``parameters.retry_after``); ``slow(method, seconds)``
  delays the next calls before they are processed.  Both accept ``match=`` to target
  specific calls (e.g. one chat).
* **Extending.**  ``register(method, handler)`` adds or overrides a method; the handler gets
  the :class:`Call` (with the server lock held) and returns the ``result`` or raises
  :class:`ApiError`.  Unknown methods answer ``404 Not Found`` and are recorded as failed
  calls, so a missing method shows up in ``wait_for`` timeout messages.
* **Internal errors** of the fake itself answer 500 and are kept in ``api.server_errors``
  (a fixture can assert it is empty).

Thread safety: all state is guarded by one ``threading.Condition``; nothing busy-waits.

Run standalone (for manual runs or benchmarks)::

    python tests/fake_bot_api.py --port 8081 [--interactive] [--verbose]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import itertools
import json
import re
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

JSONDict = dict[str, Any]
Predicate = Callable[["Call"], bool]
Handler = Callable[["Call"], Any]

__all__ = ["ApiError", "Call", "FakeBotAPI", "UploadedFile"]

# --------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------

_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(
        self,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status)
                if description is None:
                    try:
                        description = HTTPStatus(status).phrase
                    except ValueError:
                        description = f"Error {status}"
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        parameters: JSONDict = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class UploadedFile:
    """One ``multipart/form-data`` file part."""

    field: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass
class Call:
    """One recorded API request (recorded when its response is ready)."""

    method: str
    params: dict[str, Any]
    raw_params: dict[str, str]
    files: dict[str, UploadedFile]
    time: float  # time.monotonic() when the request arrived
    failed: bool = False
    status: int = 200
    response: JSONDict = field(default_factory=dict)
    injected: bool = False  # failed because of api.fail(...) or api.drop(...)
    answer_lost: bool = False  # carried out, but api.drop(..., processed=True) lost its answer
    index: int = -1  # position in api.calls
    http_method: str = "POST"
    content_type: str = ""
    duration: float = 0.0  # seconds spent serving it (long polls included)

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def message_id(self) -> int | None:
        value = self.params.get("message_id")
        return value if isinstance(value, int) else None

    @property
    def text(self) -> str | None:
        """``text`` (or ``caption``) exactly as the bot sent it (markup not parsed)."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def reply_markup(self) -> Any:
        return self.params.get("reply_markup")

    def callback_data(self) -> list[str]:
        """All ``callback_data`` values of the inline keyboard sent with this call."""
        markup = self.reply_markup
        if not isinstance(markup, dict):
            return []
        return [
            str(button["callback_data"])
            for row in markup.get("inline_keyboard", [])
            for button in row
            if isinstance(button, dict) and "callback_data" in button
        ]

    def summary(self) -> str:
        state = "ok" if not self.failed else f"FAILED {self.status}"
        shown = {k: v for k, v in self.raw_params.items() if k != "reply_markup"}
        text = json.dumps(shown, ensure_ascii=False)
        if len(text) > 160:
            text = text[:157] + "..."
        extra = f" files={sorted(self.files)}" if self.files else ""
        return f"#{self.index} {self.method} [{state}] {text}{extra}"


@dataclass
class _Rule:
    remaining: int | None  # None: forever
    match: Predicate | None
    status: int = 0
    description: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    after: bool = False  # slow(): delay the answer, after the call was carried out
    processed: bool = False  # drop(): carry the call out before dropping the connection


DROPPED = 0  # handle_http's status for "close the connection without answering"


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str


# --------------------------------------------------------------------------------------
# Request parsing
# --------------------------------------------------------------------------------------

# Parameters whose form value is a plain string and must never be JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "data",
        "query",
        "description",
        "short_description",
        "name",
        "title",
        "url",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "parse_mode",
        "action",
        "language_code",
        "next_offset",
        "secret_token",
        "ip_address",
        "switch_pm_text",
        "switch_pm_parameter",
        "file_id",
        "emoji",
        "message_effect_id",
        "business_connection_id",
        "photo",
        "document",
        "sticker",
        "audio",
        "video",
        "voice",
        "animation",
    }
)

_HEADER_PARAM_RE = re.compile(r';\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def _parse_header(value: str) -> tuple[str, dict[str, str]]:
    """``'form-data; name="a"; filename="b"'`` -> ``("form-data", {...})``."""
    main, _, _ = value.partition(";")
    params: dict[str, str] = {}
    for match in _HEADER_PARAM_RE.finditer(value[len(main) :]):
        key = match.group(1).lower()
        raw = match.group(2).strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
            # httpx/browsers use the HTML5 convention for quotes and control characters.
            raw = re.sub(r"%([01][0-9A-F]|22)", lambda m: chr(int(m.group(1), 16)), raw)
        if key.endswith("*"):  # RFC 5987: utf-8''percent-encoded
            charset, _, rest = raw.partition("'")
            _, _, encoded = rest.partition("'")
            raw = unquote(encoded, encoding=charset or "utf-8", errors="replace")
            key = key[:-1]
        params[key] = raw
    return main.strip().lower(), params


def _parse_multipart(
    body: bytes, boundary: str
) -> tuple[list[tuple[str, str]], dict[str, UploadedFile]]:
    fields: list[tuple[str, str]] = []
    files: dict[str, UploadedFile] = {}
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 2:
        raise ValueError("multipart body without boundary")
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        _, newline, part = chunk.partition(b"\r\n")  # transport padding after the boundary
        if not newline:
            raise ValueError("malformed multipart part")
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            if part.startswith(b"\r\n"):  # part without headers
                head, content = b"", part[2:]
            else:
                raise ValueError("malformed multipart part headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, colon, value = line.partition(":")
            if colon:
                headers[key.strip().lower()] = value.strip()
        _, disposition = _parse_header(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if name is None:
            continue
        content_type, ct_params = _parse_header(headers.get("content-type", ""))
        if "filename" in disposition:
            files[name] = UploadedFile(
                field=name,
                filename=disposition["filename"],
                content_type=content_type or "application/octet-stream",
                data=content,
            )
        else:
            charset = ct_params.get("charset", "utf-8")
            try:
                fields.append((name, content.decode(charset, "replace")))
            except LookupError:
                fields.append((name, content.decode("utf-8", "replace")))
    return fields, files


def _decode_value(key: str, raw: str) -> Any:
    """Decode one form value the way the Bot API does: JSON where it parses."""
    if key in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_request_params(
    query: str, content_type_header: str | None, body: bytes
) -> tuple[dict[str, Any], dict[str, str], dict[str, UploadedFile], str]:
    """Parse query string + body into (params, raw_params, files, content_type)."""
    pairs: list[tuple[str, str]] = parse_qsl(query, keep_blank_values=True)
    files: dict[str, UploadedFile] = {}
    typed: dict[str, Any] = {}
    content_type, ct_params = _parse_header(content_type_header or "")
    if body:
        if content_type == "application/json":
            document = json.loads(body.decode(ct_params.get("charset", "utf-8")))
            if not isinstance(document, dict):
                raise ValueError("JSON body must be an object")
            for key, value in document.items():
                if isinstance(value, str):
                    pairs.append((key, value))
                else:
                    typed[key] = value
                    pairs.append((key, json.dumps(value, ensure_ascii=False)))
        elif content_type == "multipart/form-data":
            boundary = ct_params.get("boundary")
            if not boundary:
                raise ValueError("multipart/form-data without boundary")
            fields, files = _parse_multipart(body, boundary)
            pairs.extend(fields)
        else:  # application/x-www-form-urlencoded (and anything unlabeled)
            pairs.extend(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    raw_params: dict[str, str] = {}
    params: dict[str, Any] = {}
    for key, value in pairs:
        raw_params[key] = value
        params[key] = typed[key] if key in typed else _decode_value(key, value)
    return params, raw_params, files, content_type


# --------------------------------------------------------------------------------------
# Text formatting (HTML) -> plain text + entities
# --------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _ParseError(Exception):
    pass


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[JSONDict] = []

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.pos += utf16_len(text)

    def entity(self, kind: str, start: int, *, end: int | None = None, **extra: Any) -> None:
        stop = self.pos if end is None else end
        if stop > start:
            self.entities.append({"type": kind, "offset": start, "length": stop - start, **extra})

    def result(self) -> tuple[str, list[JSONDict]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_TAG_RE = re.compile(r"<(/?)([^\s>/]*)([^>]*)>", re.S)
_HTML_ATTR_RE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        if match.group(3):
            return _HTML_NAMED[match.group(3)]
        code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
        return chr(code) if 0 < code <= 0x10FFFF else match.group(0)

    return _HTML_ENTITY_RE.sub(repl, text)


@dataclass
class _OpenTag:
    tag: str
    start: int
    attrs: dict[str, str]
    language: str | None = None


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML; raises ``_ParseError`` like Telegram would."""
    out = _Out()
    stack: list[_OpenTag] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            match = _HTML_ENTITY_RE.match(text, i)
            if match:
                out.add(_html_unescape(match.group(0)))
                i = match.end()
            else:
                out.add("&")
                i += 1
            continue
        if char != "<":
            j = i
            while j < n and text[j] not in "<&":
                j += 1
            out.add(text[i:j])
            i = j
            continue
        match = _HTML_TAG_RE.match(text, i)
        if not match:
            raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if not stack:
                raise _ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            top = stack.pop()
            if name and name != top.tag:
                raise _ParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{top.tag}>", found "</{name}>"'
                )
            _close_html_tag(out, top, stack)
        else:
            if name not in _HTML_TAGS:
                raise _ParseError(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                )
            attrs = {
                m.group(1).lower(): _html_unescape(m.group(2) or m.group(3) or m.group(4) or "")
                for m in _HTML_ATTR_RE.finditer(rest)
            }
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _ParseError('Tag "span" must have class "tg-spoiler"')
            stack.append(_OpenTag(name, out.pos, attrs))
        i = match.end()
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()


def _close_html_tag(out: _Out, top: _OpenTag, stack: list[_OpenTag]) -> None:
    kind = _HTML_TAGS[top.tag]
    if kind == "text_link":
        url = top.attrs.get("href", "")
        if url:
            out.entity("text_link", top.start, url=url)
    elif kind == "custom_emoji":
        emoji_id = top.attrs.get("emoji-id", "")
        if emoji_id:
            out.entity("custom_emoji", top.start, custom_emoji_id=emoji_id)
    elif kind == "code":
        language = top.attrs.get("class", "")
        parent = stack[-1] if stack else None
        if (
            language.startswith("language-")
            and parent is not None
            and parent.tag == "pre"
            and parent.start == top.start
        ):
            parent.language = language[len("language-") :]
        else:
            out.entity("code", top.start)
    elif kind == "pre":
        if top.language:
            out.entity("pre", top.start, language=top.language)
        else:
            out.entity("pre", top.start)
    elif kind == "blockquote":
        out.entity(
            "expandable_blockquote" if "expandable" in top.attrs else "blockquote", top.start
        )
    else:
        out.entity(kind, top.start)


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_TOGGLES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "code": "Code",
    "pre": "Pre",
}


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram strips leading/trailing whitespace from texts and captions."""
    left = text.lstrip()
    lead = utf16_len(text[: len(text) - len(left)])
    trimmed = left.rstrip()
    total = utf16_len(trimmed)
    result: list[JSONDict] = []
    for entity in entities:
        try:
            start = max(int(entity["offset"]) - lead, 0)
            end = min(int(entity["offset"]) + int(entity["length"]) - lead, total)
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad_request("can't parse entities JSON object") from exc
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return trimmed, result


# --------------------------------------------------------------------------------------
# Misc helpers
# --------------------------------------------------------------------------------------

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")
_BOT_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image, if recognisable."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 <= len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + length
    return None


def _scaled(width: int, height: int, limit: int) -> tuple[int, int]:
    largest = max(width, height)
    if largest <= limit:
        return width, height
    return max(1, round(width * limit / largest)), max(1, round(height * limit / largest))


def _update_id(update: JSONDict) -> int:
    value = update.get("update_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _as_int(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise _bad_request(f"wrong parameter value {value!r}") from exc


def _as_float(value: Any, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise _bad_request(f"wrong parameter value {value!r}") from exc


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


# --------------------------------------------------------------------------------------
# HTTP layer
# --------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # A bot opens up to 64 connections at once; socketserver's backlog of 5 made the
    # kernel drop some (1 s SYN retries, lost replies for a client that does not retry).
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], api: FakeBotAPI) -> None:
        self.api = api
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "FakeBotAPI/1.0"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK
        # add ~40 ms to every keep-alive request.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.untrack(self.connection)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        status, payload, content_type = self.server.api.handle_http(
            self.command, self.path, self.headers.get("Content-Type"), body
        )
        if status == DROPPED:
            # api.drop(): the connection closes with no answer, as a proxy or a server
            # restart does. The client sees "server disconnected without a response".
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True


_API_PATH_RE = re.compile(r"/bot([^/]*)/([^/]*)/?")
_FILE_PATH_RE = re.compile(r"/file/bot([^/]*)/(.+)")


def _json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------


class FakeBotAPI:
    """An in-process fake of the Telegram Bot API (see the module docstring)."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        username: str = "senim_test_bot",
        *,
        first_name: str = "Senim Test Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        parse_entities: bool = True,
    ) -> None:
        self.token = token
        self.username = username
        self.first_name = first_name
        self.host = host
        self.parse_entities = parse_entities
        bot_id_text = token.split(":", 1)[0]
        self.bot_id = int(bot_id_text) if bot_id_text.isdigit() else 123456
        self._requested_port = port
        self.port = 0
        self.server_errors: list[str] = []

        self._cond = threading.Condition(threading.RLock())
        self._stop_event = threading.Event()
        self._stopping = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._calls: list[Call] = []
        self._consumed: set[int] = set()
        self._listeners: list[Callable[[Call], None]] = []
        self._fail_rules: dict[str, list[_Rule]] = {}
        self._slow_rules: dict[str, list[_Rule]] = {}
        self._drop_rules: dict[str, list[_Rule]] = {}

        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._confirmed_offset = 0
        self._poll_generation = 0
        self._allowed_updates: set[str] | None = None

        self._chats: dict[int, JSONDict] = {}
        self._messages: dict[int, dict[int, JSONDict]] = {}
        self._next_message_id: dict[int, int] = {}
        self._open_callback_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._query_ids = itertools.count(4_382_000_000_000_000_001)
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}
        self._webhook: JSONDict | None = None

        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name, handler in self._builtin_handlers().items():
            self.register(name, handler)

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """API base URL for clients; the token is appended (``Bot(token, base_url=...)``)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        """File download base URL (``Bot(token, base_file_url=...)``)."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        """The ``getMe`` result."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def start(self) -> FakeBotAPI:
        """Bind and serve in a daemon thread (a stopped instance cannot be restarted)."""
        if self._server is not None:
            return self
        if self._stopping:
            raise RuntimeError("this FakeBotAPI was stopped; create a new one")
        self._server = _Server((self.host, self._requested_port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeBotAPI:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: wake pending long polls, close connections and the socket."""
        with self._cond:
            if self._stopping:
                return
            self._stopping = True
            self._cond.notify_all()
        self._stop_event.set()
        server, thread = self._server, self._thread
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ configuration

    def register(self, method: str, handler: Handler) -> None:
        """Add/override a method. ``handler(call)`` returns the result or raises ApiError."""
        with self._cond:
            self._handlers[method.lower()] = (method, handler)

    def subscribe(self, listener: Callable[[Call], None]) -> None:
        """Call ``listener(call)`` (from a server thread) after every recorded call."""
        with self._cond:
            self._listeners.append(listener)

    def fail(
        self,
        method: str,
        status: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        *,
        match: Predicate | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (matching ``match``) fail.

        ``times=None`` fails until :meth:`clear_faults`. 429 defaults to ``retry_after=1``.
        Rules for one method are used in the order they were added.
        """
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for 'until clear_faults()')")
        if status == 429 and retry_after is None:
            retry_after = 1
        rule = _Rule(
            remaining=times,
            match=match,
            status=status,
            description=description,
            retry_after=retry_after,
        )
        with self._cond:
            self._fail_rules.setdefault(method.lower(), []).append(rule)

    def slow(
        self,
        method: str,
        seconds: float,
        times: int | None = 1,
        *,
        match: Predicate | None = None,
        after: bool = False,
    ) -> None:
        """Delay the next ``times`` calls of ``method`` by ``seconds``: before they are
        carried out, or with ``after=True`` between carrying them out and answering."""
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for 'until clear_faults()')")
        with self._cond:
            self._slow_rules.setdefault(method.lower(), []).append(
                _Rule(remaining=times, match=match, seconds=seconds, after=after)
            )

    def drop(
        self,
        method: str,
        *,
        processed: bool = False,
        times: int | None = 1,
        match: Predicate | None = None,
    ) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without an answer.

        ``processed=False``: before anything happens (the call is recorded as failed,
        status 0). ``processed=True``: after the call was carried out (it is recorded as
        successful, with ``answer_lost=True``): the client cannot tell the two apart.
        """
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for 'until clear_faults()')")
        with self._cond:
            self._drop_rules.setdefault(method.lower(), []).append(
                _Rule(remaining=times, match=match, processed=processed)
            )

    def clear_faults(self) -> None:
        with self._cond:
            self._fail_rules.clear()
            self._slow_rules.clear()
            self._drop_rules.clear()

    # ------------------------------------------------------------------ update injection

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue an arbitrary update (``update_id`` is assigned when missing)."""
        with self._cond:
            stored = copy.deepcopy(update)
            if "update_id" not in stored:
                stored["update_id"] = self._next_update_id
            if isinstance(stored["update_id"], int):
                self._next_update_id = max(self._next_update_id, stored["update_id"] + 1)
            callback = stored.get("callback_query")
            if isinstance(callback, dict) and "id" in callback:
                self._open_callback_queries.add(str(callback["id"]))
            inline = stored.get("inline_query")
            if isinstance(inline, dict) and "id" in inline:
                self._open_inline_queries.add(str(inline["id"]))
            self._updates.append(stored)
            self._cond.notify_all()
            return copy.deepcopy(stored)

    def push_raw_message(
        self,
        chat_id: int,
        fields: JSONDict,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        chat_type: str = "private",
        first_name: str = "Test",
        username: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSONDict:
        """Queue a user message with arbitrary content ``fields`` (voice, contact, ...)."""
        with self._cond:
            user = self._user(chat_id, user_id, first_name, language_code, chat_type, username)
            chat = self._remember_chat(chat_id, chat_type, user)
            message: JSONDict = {
                "message_id": self._take_message_id(chat_id),
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                **copy.deepcopy(fields),
            }
            if reply_to_message_id is not None:
                replied = self._messages.get(chat_id, {}).get(reply_to_message_id)
                if replied is not None:
                    message["reply_to_message"] = self._shallow_reply(replied)
            self._messages.setdefault(chat_id, {})[message["message_id"]] = message
            return self.push_update({"message": message})

    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        chat_type: str = "private",
        first_name: str = "Test",
        username: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSONDict:
        """Queue a text message; a leading ``/command`` gets a ``bot_command`` entity.

        ``user_id`` defaults to ``chat_id`` in private chats and to 1001 elsewhere.
        """
        fields: JSONDict = {"text": text}
        command = _COMMAND_RE.match(text)
        if command:
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
            ]
        return self.push_raw_message(
            chat_id,
            fields,
            user_id=user_id,
            language_code=language_code,
            chat_type=chat_type,
            first_name=first_name,
            username=username,
            reply_to_message_id=reply_to_message_id,
        )

    def push_callback(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> JSONDict:
        """Queue a callback query pressed on ``message_id`` (the stored message if known,
        otherwise an InaccessibleMessage ``{chat, message_id, date: 0}``)."""
        with self._cond:
            chat_type = self._chats.get(chat_id, {}).get("type", "private")
            user = self._user(chat_id, user_id, first_name, language_code, chat_type, None)
            stored = self._messages.get(chat_id, {}).get(message_id)
            message = (
                copy.deepcopy(stored)
                if stored is not None
                else {"chat": self._chat(chat_id), "message_id": message_id, "date": 0}
            )
            query = {
                "id": str(next(self._query_ids)),
                "from": user,
                "chat_instance": str(-(abs(chat_id) * 1_000_003 % 10**18) - 1),
                "message": message,
                "data": data,
            }
            return self.push_update({"callback_query": query})

    def push_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        language_code: str | None = "en",
        offset: str = "",
        chat_type: str | None = "sender",
        first_name: str = "Test",
    ) -> JSONDict:
        """Queue an inline query from ``user_id``."""
        with self._cond:
            inline: JSONDict = {
                "id": str(next(self._query_ids)),
                "from": self._user(user_id, user_id, first_name, language_code, "private", None),
                "query": query,
                "offset": offset,
            }
            if chat_type:
                inline["chat_type"] = chat_type
            return self.push_update({"inline_query": inline})

    def push_sticker(
        self, chat_id: int, *, emoji: str = "👍", user_id: int | None = None, **kwargs: Any
    ) -> JSONDict:
        """Queue a sticker message."""
        number = next(self._file_counter)
        sticker = {
            "file_id": f"CAACAgIAAxkBAAI{number:06d}FakeSticker",
            "file_unique_id": f"AgAD{number:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 20480,
        }
        return self.push_raw_message(chat_id, {"sticker": sticker}, user_id=user_id, **kwargs)

    def push_photo(
        self,
        chat_id: int,
        *,
        data: bytes | None = None,
        caption: str | None = None,
        user_id: int | None = None,
        **kwargs: Any,
    ) -> JSONDict:
        """Queue a photo message; ``data`` (if given) is downloadable via ``getFile``."""
        with self._cond:
            fields: JSONDict = {"photo": self._store_photo(data or b"\xff\xd8\xff\xd9")}
        if caption is not None:
            fields["caption"] = caption
        return self.push_raw_message(chat_id, fields, user_id=user_id, **kwargs)

    def push_location(
        self,
        chat_id: int,
        latitude: float,
        longitude: float,
        *,
        user_id: int | None = None,
        **kwargs: Any,
    ) -> JSONDict:
        """Queue a location message."""
        location = {"latitude": latitude, "longitude": longitude}
        return self.push_raw_message(chat_id, {"location": location}, user_id=user_id, **kwargs)

    def push_edited_message(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> JSONDict:
        """Queue an ``edited_message`` update (the stored user message is updated)."""
        with self._cond:
            stored = self._messages.get(chat_id, {}).get(message_id)
            if stored is None:
                chat_type = self._chats.get(chat_id, {}).get("type", "private")
                user = self._user(chat_id, user_id, first_name, language_code, chat_type, None)
                stored = {
                    "message_id": message_id,
                    "from": user,
                    "chat": self._chat(chat_id),
                    "date": int(time.time()) - 60,
                }
            stored["text"] = text
            stored.pop("entities", None)
            command = _COMMAND_RE.match(text)
            if command:
                stored["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
                ]
            stored["edit_date"] = int(time.time())
            return self.push_update({"edited_message": copy.deepcopy(stored)})

    # ------------------------------------------------------------------ inspection

    @property
    def calls(self) -> list[Call]:
        """A snapshot of all recorded calls, in completion order."""
        with self._cond:
            return list(self._calls)

    def mark(self) -> int:
        """A cursor for ``wait_for(..., after=mark)``: only calls recorded later match."""
        with self._cond:
            return len(self._calls)

    def calls_of(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        """Recorded calls (failed ones too) of ``method``, optionally for one chat."""
        wanted = method.lower()
        with self._cond:
            return [
                call
                for call in self._calls
                if call.method.lower() == wanted
                and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
            ]

    _MESSAGE_METHODS = frozenset(
        {
            "sendmessage",
            "sendphoto",
            "editmessagetext",
            "editmessagecaption",
            "editmessagereplymarkup",
        }
    )

    def sent_messages(self, chat_id: int | str) -> list[Call]:
        """Successful sendMessage/sendPhoto/editMessage* calls for ``chat_id``, in order."""
        with self._cond:
            return [
                call
                for call in self._calls
                if not call.failed
                and call.method.lower() in self._MESSAGE_METHODS
                and str(call.params.get("chat_id")) == str(chat_id)
            ]

    def get_message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The current stored state of a message (user or bot), or None."""
        with self._cond:
            message = self._messages.get(chat_id, {}).get(message_id)
            return copy.deepcopy(message) if message is not None else None

    def chat_messages(self, chat_id: int) -> list[JSONDict]:
        """All stored (not deleted) messages of a chat, by message_id."""
        with self._cond:
            stored = self._messages.get(chat_id, {})
            return [copy.deepcopy(stored[key]) for key in sorted(stored)]

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list last set with setMyCommands for ``scope``/``language_code``."""
        with self._cond:
            return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        with self._cond:
            kind = "short_description" if short else "description"
            return self._descriptions.get((kind, language_code), "")

    def pending_updates(self) -> int:
        """Number of queued updates the client has not confirmed yet."""
        with self._cond:
            return len(self._updates)

    @property
    def confirmed_offset(self) -> int:
        """Highest ``offset`` a client confirmed with getUpdates (0 if none)."""
        with self._cond:
            return self._confirmed_offset

    @property
    def webhook_url(self) -> str:
        with self._cond:
            return self._webhook["url"] if self._webhook else ""

    def wait_for(
        self,
        method: str,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
        *,
        after: int | None = None,
        include_failed: bool = False,
    ) -> Call:
        """Block until a matching call of ``method`` is recorded and return it.

        Only successful calls match unless ``include_failed``.  A call returned once by
        ``wait_for`` is never returned again.  ``after`` (from :meth:`mark`) ignores calls
        recorded before the mark.  Raises ``TimeoutError`` listing recent calls.
        """
        wanted = method.lower()
        deadline = time.monotonic() + timeout
        with self._cond:
            position = after or 0
            while True:
                for call in self._calls[position:]:
                    if (
                        call.index not in self._consumed
                        and call.method.lower() == wanted
                        and (include_failed or not call.failed)
                        and (predicate is None or predicate(call))
                    ):
                        self._consumed.add(call.index)
                        return call
                position = max(position, len(self._calls))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(method, timeout, wanted))
                self._cond.wait(remaining)

    def wait_until_confirmed(self, update_id: int | None = None, timeout: float = 10.0) -> None:
        """Block until the client confirmed ``update_id`` (default: every update pushed so
        far).  Note: python-telegram-bot confirms an update with its *next* getUpdates, i.e.
        once it has fetched it, not when its handler has finished."""
        deadline = time.monotonic() + timeout
        with self._cond:
            target = (self._next_update_id - 1) if update_id is None else update_id
            while self._confirmed_offset <= target:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"update {target} not confirmed within {timeout}s "
                        f"(confirmed_offset={self._confirmed_offset})"
                    )
                self._cond.wait(remaining)

    def _timeout_message(self, method: str, timeout: float, wanted: str) -> str:
        recent = [
            c for c in self._calls if c.method.lower() != "getupdates" or wanted == "getupdates"
        ]
        lines = [c.summary() for c in recent[-20:]]
        listing = "\n  ".join(lines) if lines else "(no calls)"
        return (
            f"no matching successful {method} call within {timeout}s; "
            f"{len(self._calls)} calls recorded, recent (getUpdates hidden):\n  {listing}"
        )

    # ------------------------------------------------------------------ request handling

    def handle_http(
        self, http_method: str, raw_path: str, content_type: str | None, body: bytes
    ) -> tuple[int, bytes, str]:
        """Serve one HTTP request; returns (status, body, content type)."""
        arrived = time.monotonic()
        split = urlsplit(raw_path)
        path = unquote(split.path)
        file_match = _FILE_PATH_RE.fullmatch(path)
        if file_match:
            return self._serve_file(file_match.group(1), file_match.group(2))
        match = _API_PATH_RE.fullmatch(path)
        if not match:
            return 404, _json_bytes(ApiError(404).payload()), "application/json"
        token, method_name = match.groups()
        if token != self.token:
            return 401, _json_bytes(ApiError(401).payload()), "application/json"

        with self._cond:
            entry = self._handlers.get(method_name.lower())
        call = Call(
            method=entry[0] if entry else method_name,
            params={},
            raw_params={},
            files={},
            time=arrived,
            http_method=http_method,
        )
        try:
            call.params, call.raw_params, call.files, call.content_type = parse_request_params(
                split.query, content_type, body
            )
        except (ValueError, UnicodeDecodeError) as exc:
            return self._finish(call, ApiError(400, f"Bad Request: {exc}"))

        with self._cond:
            slow = self._take_rule(self._slow_rules, call)
            drop = self._take_rule(self._drop_rules, call)
        if slow is not None and not slow.after:
            self._stop_event.wait(slow.seconds)
        if drop is not None and not drop.processed:
            call.injected = True
            self._finish(call, ApiError(500, "connection dropped before the call"))
            call.status = DROPPED
            return DROPPED, b"", ""

        with self._cond:
            outcome = self._dispatch(call, entry)
            payload = self._record(call, outcome)
            listeners = list(self._listeners)
            if drop is not None:
                call.answer_lost = True
        self._notify_listeners(call, listeners)
        if slow is not None and slow.after:
            self._stop_event.wait(slow.seconds)
        if drop is not None:
            return DROPPED, b"", ""
        return call.status, payload, "application/json"

    def _dispatch(self, call: Call, entry: tuple[str, Handler] | None) -> Any:
        """Run the handler (lock held); returns the result or an ApiError."""
        try:
            if entry is None:
                raise ApiError(404, "Not Found")
            fault = self._take_rule(self._fail_rules, call)
            if fault is not None:
                call.injected = True
                raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
            return entry[1](call)
        except ApiError as error:
            return error
        except Exception:
            self.server_errors.append(traceback.format_exc())
            return ApiError(500)

    def _finish(self, call: Call, outcome: Any) -> tuple[int, bytes, str]:
        with self._cond:
            payload = self._record(call, outcome)
            listeners = list(self._listeners)
        self._notify_listeners(call, listeners)
        return call.status, payload, "application/json"

    def _record(self, call: Call, outcome: Any) -> bytes:
        """Store the outcome on the call and append it to ``calls`` (lock held)."""
        if isinstance(outcome, ApiError):
            call.failed = True
            call.status = outcome.status
            call.response = outcome.payload()
        else:
            call.response = {"ok": True, "result": outcome}
        call.duration = time.monotonic() - call.time
        call.index = len(self._calls)
        self._calls.append(call)
        self._cond.notify_all()
        return _json_bytes(call.response)

    def _notify_listeners(self, call: Call, listeners: list[Callable[[Call], None]]) -> None:
        for listener in listeners:
            try:
                listener(call)
            except Exception:
                self.server_errors.append(traceback.format_exc())

    def _take_rule(self, rules: dict[str, list[_Rule]], call: Call) -> _Rule | None:
        queue = rules.get(call.method.lower())
        if not queue:
            return None
        for rule in queue:
            if rule.match is None or rule.match(call):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        queue.remove(rule)
                return rule
        return None

    def _serve_file(self, token: str, file_path: str) -> tuple[int, bytes, str]:
        with self._cond:
            stored = self._files_by_path.get(file_path)
        if token != self.token or stored is None:
            return 404, _json_bytes(ApiError(404).payload()), "application/json"
        return 200, stored.data, "application/octet-stream"

    # ------------------------------------------------------------------ state helpers

    def _user(
        self,
        chat_id: int,
        user_id: int | None,
        first_name: str,
        language_code: str | None,
        chat_type: str,
        username: str | None,
    ) -> JSONDict:
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 1001
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def _remember_chat(self, chat_id: int, chat_type: str, user: JSONDict) -> JSONDict:
        if chat_type == "private":
            chat: JSONDict = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
        else:
            title = self._chats.get(chat_id, {}).get("title", "Test group")
            chat = {"id": chat_id, "type": chat_type, "title": title}
        self._chats[chat_id] = chat
        return dict(chat)

    def _chat(self, chat_id: int) -> JSONDict:
        known = self._chats.get(chat_id)
        if known is not None:
            return dict(known)
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "Test group"}

    def _take_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    @staticmethod
    def _shallow_reply(message: JSONDict) -> JSONDict:
        reply = copy.deepcopy(message)
        reply.pop("reply_to_message", None)
        return reply

    def _store_photo(self, data: bytes) -> list[JSONDict]:
        width, height = _image_size(data) or (640, 480)
        full_width, full_height = _scaled(width, height, 1280)
        sizes: list[tuple[int, int]] = []
        for limit in (90, 320, 800):
            size = _scaled(width, height, limit)
            if max(size) < max(full_width, full_height) and size not in sizes:
                sizes.append(size)
        sizes.append((full_width, full_height))
        photo: list[JSONDict] = []
        full_area = full_width * full_height
        for size_width, size_height in sizes:
            number = next(self._file_counter)
            stored = _StoredFile(
                file_id=f"AgACAgIAAxkBAAI{number:06d}FakePhoto",
                file_unique_id=f"AQAD{number:06d}",
                data=data,
                file_path=f"photos/file_{number}.jpg",
            )
            self._files[stored.file_id] = stored
            self._files_by_path[stored.file_path] = stored
            ratio = (size_width * size_height) / full_area if full_area else 1
            photo.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": size_width,
                    "height": size_height,
                    "file_size": max(1, int(len(data) * ratio)),
                }
            )
        return photo

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        if not isinstance(scope, dict):
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    # ------------------------------------------------------------------ param helpers

    @staticmethod
    def _chat_id(call: Call) -> int:
        value = call.params.get("chat_id")
        if value is None or value == "":
            raise _bad_request("chat_id is empty")
        if isinstance(value, bool):
            raise _bad_request("chat not found")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise _bad_request("chat not found")

    @staticmethod
    def _message_id(call: Call) -> int:
        value = call.params.get("message_id")
        if value is None or value == "":
            raise _bad_request("message identifier is not specified")
        return _as_int(value, 0)

    def _formatted(self, call: Call, key: str, entities_key: str) -> tuple[str, list[JSONDict]]:
        """Parse ``call.params[key]`` according to parse_mode/entities; trim it."""
        value = call.params.get(key)
        text = "" if value is None else str(value)
        entities = call.params.get(entities_key)
        parse_mode = str(call.params.get("parse_mode") or "")
        if entities is not None:
            if not isinstance(entities, list):
                raise _bad_request("can't parse entities JSON object")
            parsed: list[JSONDict] = list(entities)
        elif self.parse_entities and parse_mode:
            # Senim sends HTML only; a Markdown mode here is a bug worth a loud failure.
            parser = {"html": parse_html}.get(parse_mode.lower())
            if parser is None:
                raise _bad_request(f"unsupported parse_mode {parse_mode}")
            try:
                text, parsed = parser(text)
            except _ParseError as exc:
                raise _bad_request(f"can't parse entities: {exc}") from None
        else:
            parsed = []
        if not self.parse_entities:
            return text, parsed
        return _trim(text, parsed)

    @staticmethod
    def _markup(call: Call) -> JSONDict | None:
        """Validate reply_markup; returns the inline keyboard to echo in the Message."""
        markup = call.params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
                return None
            raise _bad_request("can't parse reply keyboard markup JSON object")
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'can\'t parse inline keyboard button: Field "inline_keyboard" of the '
                "InlineKeyboardMarkup must be an Array of Arrays"
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad_request(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    )
                if not any(key in button for key in _BUTTON_ACTIONS):
                    raise _bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= 64:
                        raise _bad_request("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = str(button["url"])
                    if not re.match(r"(https?|tg)://", url, re.IGNORECASE):
                        raise _bad_request(
                            f"inline keyboard button URL '{url}' is invalid: "
                            "Unsupported URL protocol"
                        )
        return copy.deepcopy(markup)

    def _new_bot_message(self, call: Call, chat_id: int, content: JSONDict) -> JSONDict:
        markup = self._markup(call)
        reply_to: JSONDict | None = None
        reply_parameters = call.params.get("reply_parameters")
        reply_id = call.params.get("reply_to_message_id")
        allow_missing = _as_bool(call.params.get("allow_sending_without_reply", False))
        if isinstance(reply_parameters, dict):
            reply_id = reply_parameters.get("message_id")
            allow_missing = _as_bool(reply_parameters.get("allow_sending_without_reply", False))
        if reply_id is not None:
            reply_to = self._messages.get(chat_id, {}).get(_as_int(reply_id, 0))
            if reply_to is None and not allow_missing:
                raise _bad_request("message to be replied not found")
        message: JSONDict = {
            "message_id": self._take_message_id(chat_id),
            "from": {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": self.first_name,
                "username": self.username,
            },
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = self._shallow_reply(reply_to)
        if markup is not None:
            message["reply_markup"] = markup
        self._messages.setdefault(chat_id, {})[message["message_id"]] = message
        return copy.deepcopy(message)

    def _editable(self, call: Call) -> JSONDict:
        chat_id = self._chat_id(call)
        message_id = self._message_id(call)
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise _bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        return message

    @staticmethod
    def _apply_edit(message: JSONDict, changes: JSONDict) -> JSONDict:
        """Apply changes (None removes a key) or raise 'message is not modified'."""
        if all(message.get(key) == value for key, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    # ------------------------------------------------------------------ method handlers

    def _builtin_handlers(self) -> dict[str, Handler]:
        return {
            "getMe": lambda call: self.bot_user,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": lambda call: self._set_text(call, "description", 512),
            "getMyDescription": lambda call: self._get_text(call, "description"),
            "setMyShortDescription": lambda call: self._set_text(call, "short_description", 120),
            "getMyShortDescription": lambda call: self._get_text(call, "short_description"),
            "setMyName": lambda call: self._set_text(call, "name", 64),
            "getMyName": lambda call: self._get_text(call, "name"),
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getFile": self._get_file,
            "close": lambda call: True,
            "logOut": lambda call: True,
        }

    def _get_updates(self, call: Call) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(call.params.get("offset"), 0)
        limit = min(max(_as_int(call.params.get("limit"), 100), 1), 100)
        timeout = max(0.0, _as_float(call.params.get("timeout"), 0.0))
        allowed = call.params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = {str(kind) for kind in allowed} or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # an older pending poll now answers 409
        if offset > 0:
            self._updates = [u for u in self._updates if _update_id(u) >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
            self._cond.notify_all()
        elif offset < 0:
            keep = self._updates[offset:]
            if len(keep) < len(self._updates) and keep:
                self._confirmed_offset = max(self._confirmed_offset, _update_id(keep[0]))
            self._updates = keep
        deadline = time.monotonic() + timeout
        while True:
            if self._allowed_updates is not None:
                self._updates = [u for u in self._updates if self._is_allowed(u)]
            if self._updates or self._stopping:
                return copy.deepcopy(self._updates[:limit])
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._cond.wait(remaining)

    def _is_allowed(self, update: JSONDict) -> bool:
        kinds = [key for key in update if key in _UPDATE_TYPES]
        if not kinds or self._allowed_updates is None:
            return True
        return any(kind in self._allowed_updates for kind in kinds)

    def _send_message(self, call: Call) -> JSONDict:
        chat_id = self._chat_id(call)
        text, entities = self._formatted(call, "text", "entities")
        if not text:
            raise _bad_request("message text is empty")
        if utf16_len(text) > 4096:
            raise _bad_request("message is too long")
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        return self._new_bot_message(call, chat_id, content)

    def _send_photo(self, call: Call) -> JSONDict:
        chat_id = self._chat_id(call)
        upload, reference = _upload(call, "photo")
        if upload is not None:
            if not upload.data:
                raise _bad_request("file must be non-empty")
            photo = self._store_photo(upload.data)
        elif isinstance(reference, str) and reference:
            if reference in self._files:
                photo = self._store_photo(self._files[reference].data)
            elif re.match(r"https?://", reference):
                photo = self._store_photo(b"")
            else:
                raise _bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise _bad_request("there is no photo in the request")
        caption, entities = self._formatted(call, "caption", "caption_entities")
        if utf16_len(caption) > 1024:
            raise _bad_request("message caption is too long")
        content: JSONDict = {"photo": photo}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self._new_bot_message(call, chat_id, content)

    def _send_document(self, call: Call) -> JSONDict:
        """An uploaded file (multipart), as Telegram keeps it: name, type, size."""
        chat_id = self._chat_id(call)
        upload, _reference = _upload(call, "document")
        if upload is None or not upload.data:
            raise _bad_request("there is no document in the request")
        if len(upload.data) > 50 * 1024 * 1024:
            raise _bad_request("file is too big")
        number = next(self._file_counter)
        stored = _StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:06d}FakeDocument",
            file_unique_id=f"AgAD{number:06d}",
            data=upload.data,
            file_path=f"documents/file_{number}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        caption, entities = self._formatted(call, "caption", "caption_entities")
        if utf16_len(caption) > 1024:
            raise _bad_request("message caption is too long")
        document: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(upload.data),
        }
        name = upload.filename
        if name:
            document["file_name"] = name
        content: JSONDict = {"document": document}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self._new_bot_message(call, chat_id, content)

    def _edit_message_text(self, call: Call) -> JSONDict | bool:
        text, entities = self._formatted(call, "text", "entities")
        if not text:
            raise _bad_request("message text is empty")
        if utf16_len(text) > 4096:
            raise _bad_request("MESSAGE_TOO_LONG")
        markup = self._markup(call)
        if call.params.get("inline_message_id"):
            return True
        message = self._editable(call)
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        changes = {"text": text, "entities": entities or None, "reply_markup": markup}
        return self._apply_edit(message, changes)

    def _edit_message_caption(self, call: Call) -> JSONDict | bool:
        caption, entities = self._formatted(call, "caption", "caption_entities")
        if utf16_len(caption) > 1024:
            raise _bad_request("MESSAGE_CAPTION_TOO_LONG")
        markup = self._markup(call)
        if call.params.get("inline_message_id"):
            return True
        message = self._editable(call)
        if "text" in message:
            raise _bad_request("there is no caption in the message to edit")
        changes = {
            "caption": caption or None,
            "caption_entities": entities or None,
            "reply_markup": markup,
        }
        return self._apply_edit(message, changes)

    def _edit_message_reply_markup(self, call: Call) -> JSONDict | bool:
        markup = self._markup(call)
        if call.params.get("inline_message_id"):
            return True
        message = self._editable(call)
        return self._apply_edit(message, {"reply_markup": markup})

    def _delete_message(self, call: Call) -> bool:
        chat_id = self._chat_id(call)
        message_id = self._message_id(call)
        if self._messages.get(chat_id, {}).pop(message_id, None) is None:
            raise _bad_request("message to delete not found")
        return True

    def _answer_callback_query(self, call: Call) -> bool:
        query_id = str(call.params.get("callback_query_id") or "")
        if query_id not in self._open_callback_queries:
            raise ApiError(400, QUERY_INVALID)
        text = call.params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    def _answer_inline_query(self, call: Call) -> bool:
        query_id = str(call.params.get("inline_query_id") or "")
        if query_id not in self._open_inline_queries:
            raise ApiError(400, QUERY_INVALID)
        results = call.params.get("results")
        if not isinstance(results, list):
            raise _bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise _bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or "type" not in result:
                raise _bad_request("can't parse InlineQueryResult JSON object")
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise _bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
        self._open_inline_queries.discard(query_id)
        return True

    def _send_chat_action(self, call: Call) -> bool:
        self._chat_id(call)
        if call.params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _set_my_commands(self, call: Call) -> bool:
        commands = call.params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[JSONDict] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand JSON object")
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not _BOT_COMMAND_NAME_RE.fullmatch(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(call.params.get("scope"), call.params.get("language_code"))
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, call: Call) -> list[JSONDict]:
        key = self._commands_key(call.params.get("scope"), call.params.get("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, call: Call) -> bool:
        key = self._commands_key(call.params.get("scope"), call.params.get("language_code"))
        self._commands.pop(key, None)
        return True

    def _set_text(self, call: Call, kind: str, limit: int) -> bool:
        value = str(call.params.get(kind) or "")
        if len(value) > limit:
            raise _bad_request(f"{kind} is too long")
        self._descriptions[(kind, str(call.params.get("language_code") or ""))] = value
        return True

    def _get_text(self, call: Call, kind: str) -> JSONDict:
        language = str(call.params.get("language_code") or "")
        value = self._descriptions.get((kind, language)) or self._descriptions.get((kind, ""), "")
        if kind == "name" and not value:
            value = self.first_name
        return {kind: value}

    def _set_webhook(self, call: Call) -> bool:
        url = str(call.params.get("url") or "")
        if not url:
            self._webhook = None
            return True
        if not url.lower().startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if _as_bool(call.params.get("drop_pending_updates", False)):
            self._updates.clear()
        self._webhook = {
            "url": url,
            "max_connections": _as_int(call.params.get("max_connections"), 40),
        }
        allowed = call.params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = {str(kind) for kind in allowed} or None
        self._cond.notify_all()
        return True

    def _delete_webhook(self, call: Call) -> bool:
        if _as_bool(call.params.get("drop_pending_updates", False)):
            self._updates.clear()
        self._webhook = None
        return True

    def _get_webhook_info(self, call: Call) -> JSONDict:
        info: JSONDict = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
        if self._allowed_updates:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    def _get_file(self, call: Call) -> JSONDict:
        file_id = str(call.params.get("file_id") or "")
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


# --------------------------------------------------------------------------------------
# Standalone mode
# --------------------------------------------------------------------------------------


def _interactive(api: FakeBotAPI, lines: Iterable[str]) -> None:
    help_text = (
        "commands:  <chat_id> <text>  |  cb <chat_id> <message_id> <data>  |  "
        "inline <user_id> <query>  |  calls  |  quit"
    )
    print(help_text, flush=True)
    for line in lines:
        parts = line.strip().split(" ", 3)
        try:
            if not parts or not parts[0]:
                continue
            if parts[0] == "quit":
                return
            if parts[0] == "calls":
                for call in api.calls:
                    print(call.summary(), flush=True)
            elif parts[0] == "cb" and len(parts) == 4:
                api.push_callback(int(parts[1]), int(parts[2]), parts[3])
            elif parts[0] == "inline" and len(parts) >= 2:
                api.push_inline_query(int(parts[1]), " ".join(parts[2:]))
            else:
                chat_id, _, text = line.strip().partition(" ")
                api.push_message(int(chat_id), text)
        except ValueError:
            print(help_text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-token")
    parser.add_argument("--username", default="senim_test_bot")
    parser.add_argument("--verbose", action="store_true", help="print every call")
    parser.add_argument(
        "--interactive", action="store_true", help="read updates to push from stdin"
    )
    args = parser.parse_args(argv)

    api = FakeBotAPI(token=args.token, username=args.username, host=args.host, port=args.port)
    if args.verbose:
        api.subscribe(lambda call: print(call.summary(), flush=True))
    api.start()
    print(f"base_url={api.base_url}", flush=True)
    print(f"file_base_url={api.file_base_url}", flush=True)
    print(f"token={api.token}", flush=True)
    stopped = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        if args.interactive:
            _interactive(api, sys.stdin)
        else:
            stopped.wait()
    finally:
        api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _upload(call: Call, field: str) -> tuple[UploadedFile | None, Any]:
    """A file sent in a multipart field, or by "attach://<name>"; and the field's value
    (a file_id or URL when nothing was uploaded)."""
    upload = call.files.get(field)
    reference = call.params.get(field)
    if upload is None and isinstance(reference, str) and reference.startswith("attach://"):
        upload = call.files.get(reference[len("attach://") :])
    return upload, reference
