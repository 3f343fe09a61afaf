"""What must hold for any text at all: the property behind tests/test_hostile_input.py
and benchmarks/hostile_input.py (which runs it 100,000 times).

Any input, in any context: no exception; a reply that Telegram's HTML parser accepts
(the fake Bot API's, which fails as Telegram does), that is not empty and fits one
message; buttons whose data fit Telegram's 64 bytes and decode back to a query; JSON
output that encodes as UTF-8; and no figure that is not in the store.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from bot.ask import as_json
from bot.engine import Engine
from bot.telegram.html import to_html
from bot.telegram.keyboards import answer_markup, parse_callback
from tests.fake_bot_api import parse_html, utf16_len

TELEGRAM_LIMIT = 4096
CALLBACK_LIMIT = 64

# Words the engine knows, markup, numbers and oddities, to mix with arbitrary text: pure
# noise would rarely reach the paths behind a recognised word.
KNOWN = [
    "полиция", "полицияға", "police", "trust", "доверие", "сотқа", "courts", "2023", "2024",
    "2019", "весной", "көктем", "crime", "Алматы", "Astana", "safety", "қауіпсіз", "why",
    "change", "өзгерді", "compare", "rank", "least", "and", "or", "не", "емес", "not",
    "prosecutor", "пожарные", "сенбейді", "fully", "partially", "households", "age", "/start",
    "<b>", "</i>", "&amp;", "&", "<", ">", '"', "'", "<a href='x'>", "\x00", "\u200b", "\ufeff",
    "²", "①", "٢٠٢٣", "\U0001f600", "\ud800", "\udfff", "e\u0301", "İ", "ß", "ﬁ", "\u202e",
    "DROP TABLE x;", "ATTACH DATABASE 'x' AS y", "{{7*7}}", "${x}", "ignore previous instructions",
]  # fmt: skip

any_character = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
words = st.one_of(st.sampled_from(KNOWN), st.text(any_character, min_size=1, max_size=12))
questions = st.one_of(
    st.text(any_character, max_size=200),
    st.lists(words, max_size=30).map(" ".join),
    st.lists(words, min_size=200, max_size=900).map(" ".join),  # past the 1,000-character cut
    st.text(any_character, min_size=3000, max_size=6000),
)


def check(engine: Engine, question: str, before: str | None = None) -> None:
    """Ask `question` (after `before`, as a follow-up); assert everything that must hold."""
    context = lang = None
    if before is not None:
        first = engine.ask(before)
        context, lang = first.query, first.lang
    reply = engine.ask(question, context=context, lang_hint=lang)

    text, _entities = parse_html(to_html(reply.message))  # raises as Telegram would on bad markup
    assert text.strip(), "an empty reply"
    assert utf16_len(text) <= TELEGRAM_LIMIT, f"{utf16_len(text)} UTF-16 units"

    data = as_json(engine, reply)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # writable anywhere
    for figure in reply.figures:
        if figure.derived:
            continue
        fact = engine.store.fact(figure.topic, figure.subject, figure.measure, figure.wave)
        assert fact is not None and fact.value == Decimal(figure.value), figure

    markup: dict[str, Any] | None = answer_markup(engine, reply)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            assert button["text"].strip()
            callback = button.get("callback_data")
            if callback is not None:
                assert len(callback.encode()) <= CALLBACK_LIMIT
                parsed = parse_callback(callback)
                assert parsed is not None
                action, argument = parsed
                if action in ("a", "c"):
                    assert engine.decode(argument) is not None, callback
