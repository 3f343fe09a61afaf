"""Inline keyboards: a Message's next steps and options, a chart, sharing; languages.

Callback data is one letter of action, a colon, and a share-link payload
(bot.links), so every button carries a complete, pinned query and stays valid
after a restart or a new wave: a: answer in place of the message (an option chosen
where Senim asked back), n: a new answer below it (a next step, an example: the
message pressed stays as it was), c: chart, v: the figures as a CSV document, l: language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.engine import Engine, Reply
from bot.i18n import LANGUAGES, display_name, translator
from bot.model import Option

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data
ANSWER, NEW_ANSWER, CHART, CSV, LANGUAGE = "a", "n", "c", "v", "l"


def callback(action: str, payload: str) -> str | None:
    data = f"{action}:{payload}"
    return data if len(data.encode()) <= CALLBACK_LIMIT else None


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """(action, argument) of a callback, or None when it is not one of ours."""
    if not data or len(data.encode()) > CALLBACK_LIMIT or ":" not in data:
        return None
    action, _, argument = data.partition(":")
    if action not in (ANSWER, NEW_ANSWER, CHART, CSV, LANGUAGE) or not argument:
        return None
    return action, argument


SHARE_QUERY_LIMIT = 256  # Telegram's longest inline query
SHARED_IN = ":"  # between a shared payload and its language (payloads have no ":")


@dataclass(frozen=True, slots=True)
class Button:
    """One inline button: it answers (callback_data) or shares (switch_inline_query)."""

    text: str
    callback_data: str | None = None
    switch_inline_query: str | None = None

    def to_json(self) -> dict[str, str]:
        data = {"text": self.text}
        if self.callback_data is not None:
            data["callback_data"] = self.callback_data
        if self.switch_inline_query is not None:
            data["switch_inline_query"] = self.switch_inline_query
        return data


Layout = tuple[tuple[Button, ...], ...]


def answer_markup(engine: Engine, reply: Reply) -> dict[str, Any] | None:
    """The buttons under an answer as the JSON object sendMessage takes. Built as plain
    data: PTB's objects and their to_dict() cost ~0.2 ms per new answer."""
    heading = "".join(span.text for span in reply.message.lines[0]) if reply.message.lines else ""
    return _markup(_layout(engine, reply.payload, reply.message.options, reply.message.steps,
                           reply.message.chart, reply.lang, heading))  # fmt: skip


@lru_cache(maxsize=4096)
def _markup(layout: Layout) -> dict[str, Any] | None:
    # Shared between calls: callers only read it (it goes straight into a JSON body).
    if not layout:
        return None
    return {"inline_keyboard": [[button.to_json() for button in row] for row in layout]}


@lru_cache(maxsize=4096)  # the same answer always gets the same buttons
def _layout(
    engine: Engine,
    payload: str | None,
    options: tuple[Option, ...],
    steps: tuple[Option, ...],
    chart: bool,
    lang: str,
    heading: str = "",
) -> Layout:
    if options:
        return tuple((button,) for option in options if (button := _answer_button(engine, option)))
    if payload is None:
        return ()
    buttons = [button for step in steps if (button := _answer_button(engine, step, NEW_ANSWER))]
    t = translator(lang)
    tail = []
    chart_data = callback(CHART, payload) if chart else None
    if chart_data:
        tail.append(Button(t.gettext("Chart"), callback_data=chart_data))
    csv_data = callback(CSV, payload)
    if csv_data:  # the figures with their sources, to paste into a story
        tail.append(Button(t.gettext("CSV"), callback_data=csv_data))
    tail.append(Button(t.gettext("Share"), switch_inline_query=share_query(heading, payload, lang)))
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    return (*rows, tuple(tail))


def share_query(heading: str, payload: str, lang: str) -> str:
    """What the Share button puts after "@bot" in the input field: the answer's heading,
    readable, then the link's payload and the language it was shown in, which inline mode
    answers with exactly that answer in that language (bot.telegram.handlers)."""
    code = f"{payload}{SHARED_IN}{lang}"
    if not heading.strip():
        return code
    room = SHARE_QUERY_LIMIT - len(code) - len(" · ")
    readable = heading if len(heading) <= room else heading[: room - 1].rsplit(" ", 1)[0] + "…"
    return f"{readable} · {code}"


def shared(query: str) -> tuple[str, str | None]:
    """The payload and language a shared inline query carries ("… · IvT…:ru"), or the
    query itself (a payload typed or shared before) and None."""
    last = query.rsplit(" ", 1)[-1]
    payload, _, lang = last.rpartition(SHARED_IN)
    if payload and lang in LANGUAGES:
        return payload, lang
    return query, None


def _answer_button(engine: Engine, option: Option, action: str = ANSWER) -> Button | None:
    if not option.text.strip():
        return None  # Telegram refuses a button without text, and so the whole message
    payload = engine.encode(option.query)
    data = callback(action, payload) if payload else None
    return Button(option.text, callback_data=data) if data else None


def language_markup() -> dict[str, Any]:
    buttons = [Button(display_name(lang), callback_data=f"{LANGUAGE}:{lang}") for lang in LANGUAGES]
    return {"inline_keyboard": [[button.to_json() for button in buttons]]}


def examples_markup(engine: Engine, lang: str) -> dict[str, Any] | None:
    """The example questions of /start, as buttons that answer them."""
    rows = []
    for example in engine.examples(lang):
        reply = engine.ask(example, lang=lang)
        data = callback(NEW_ANSWER, reply.payload) if reply.payload else None
        if data:
            rows.append([Button(example, callback_data=data).to_json()])
    return {"inline_keyboard": rows} if rows else None
