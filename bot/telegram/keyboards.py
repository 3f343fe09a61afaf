"""Inline keyboards: the next steps under an answer, clarifying options, languages.

Callback data is one letter of action, a colon, and a share-link payload
(bot.links), so every button carries a complete, pinned query and stays valid
after a restart or a new wave: a: answer, c: chart, l: language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog import TRUST
from bot.engine import Engine, Reply
from bot.i18n import LANGUAGES, translations
from bot.links import encode
from bot.nlu.parse import BREAKDOWN, CHANGE, COMPARE, RANKING, VALUE, Query
from bot.render import Option

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data
ANSWER, CHART, LANGUAGE = "a", "c", "l"


def callback(action: str, payload: str) -> str | None:
    data = f"{action}:{payload}"
    return data if len(data.encode()) <= CALLBACK_LIMIT else None


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """(action, argument) of a callback, or None when it is not one of ours."""
    if not data or len(data.encode()) > CALLBACK_LIMIT or ":" not in data:
        return None
    action, _, argument = data.partition(":")
    if action not in (ANSWER, CHART, LANGUAGE) or not argument:
        return None
    return action, argument


def next_steps(engine: Engine, query: Query, lang: str) -> list[tuple[str, Query]]:
    """What a reader may want after this answer, as (button label, query)."""
    t = translations(lang)
    steps: list[tuple[str, Query]] = []
    waves = engine.catalog.topic_waves.get(query.topic or "", ())
    if query.topic == TRUST and len(query.subjects) == 1 and query.intent != BREAKDOWN:
        steps.append((t.gettext("Full breakdown"), replace(query, intent=BREAKDOWN, measure=None)))
    if len(waves) > 1 and query.intent != CHANGE:
        latest_two = replace(query, intent=CHANGE, waves=(), waves_named=False)
        steps.append((t.gettext("Change since the previous survey"), latest_two))
    if query.topic == TRUST and query.intent not in (RANKING, COMPARE):
        everyone = engine.catalog.institutions
        measure = query.measure if query.intent in (VALUE, CHANGE) else None
        ranking = Query(RANKING, topic=TRUST, subjects=everyone, measure=measure, order="desc")
        pinned = replace(ranking, waves=query.waves, waves_named=query.waves_named)
        steps.append((t.gettext("Compare with the others"), pinned))
    return steps


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


def answer_keyboard(engine: Engine, reply: Reply) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: next steps, a chart, sharing; options when asking back."""
    layout = _layout(engine, reply.payload, reply.query, reply.lang, reply.options)
    if not layout:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    b.text,
                    callback_data=b.callback_data,
                    switch_inline_query=b.switch_inline_query,
                )
                for b in row
            ]
            for row in layout
        ]
    )


def answer_markup(engine: Engine, reply: Reply) -> dict[str, Any] | None:
    """The same buttons as the JSON object sendMessage takes. Every answer sent needs
    them, so they are built as plain data: PTB's objects and their to_dict() cost
    ~0.2 ms per new answer."""
    return _markup(_layout(engine, reply.payload, reply.query, reply.lang, reply.options))


@lru_cache(maxsize=4096)
def _markup(layout: Layout) -> dict[str, Any] | None:
    # Shared between calls: callers only read it (it goes straight into a JSON body).
    if not layout:
        return None
    return {"inline_keyboard": [[button.to_json() for button in row] for row in layout]}


@lru_cache(maxsize=4096)  # the same answer always gets the same buttons
def _layout(
    engine: Engine, payload: str | None, asked: Query, lang: str, options: tuple[Option, ...]
) -> Layout:
    t = translations(lang)
    if options:
        rows = []
        for option in options:
            choice = encode(option.query, engine.catalog)
            data = callback(ANSWER, choice) if choice else None
            if data:
                rows.append((Button(option.text, callback_data=data),))
        return tuple(rows)
    if payload is None:
        return ()
    pinned = engine.decode(payload) or asked
    buttons = []
    for label, query in next_steps(engine, pinned, lang):
        step = encode(query, engine.catalog)
        data = callback(ANSWER, step) if step else None
        if data:
            buttons.append(Button(label, callback_data=data))
    chart = callback(CHART, payload)
    tail = []
    if chart:
        tail.append(Button(t.gettext("Chart"), callback_data=chart))
    tail.append(Button(t.gettext("Share"), switch_inline_query=payload))
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    return (*rows, tuple(tail))


def language_keyboard() -> InlineKeyboardMarkup:
    from babel import Locale

    buttons = [
        InlineKeyboardButton(
            Locale.parse(lang).display_name.capitalize(), callback_data=f"{LANGUAGE}:{lang}"
        )
        for lang in LANGUAGES
    ]
    return InlineKeyboardMarkup([buttons])


def example_keyboard(engine: Engine, lang: str) -> InlineKeyboardMarkup:
    """The three example questions of /start, as buttons that answer them."""
    rows = []
    for example in engine.renderer.examples(lang):
        reply = engine.ask(example, lang=lang)
        data = callback(ANSWER, reply.payload) if reply.payload else None
        if data:
            rows.append([InlineKeyboardButton(example, callback_data=data)])
    return InlineKeyboardMarkup(rows)
