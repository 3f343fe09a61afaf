"""A Message as Telegram shows it (bot/telegram/html.py): escaped HTML, bold spans, and one
message's length, counted as Telegram counts it."""

from __future__ import annotations

from bot.model import Message, Span
from bot.telegram.html import TELEGRAM_LIMIT, to_html, to_text
from tests.fake_bot_api import parse_html, utf16_len


def test_text_is_escaped_and_bold_spans_are_tags():
    message = Message(
        (
            (Span("Police <b> & co", bold=True),),
            (Span("• Trust: "), Span("61.6%", bold=True), Span(" (“<i>”)")),
            (),
            (Span("Source: x."),),
        )
    )
    assert to_html(message) == (
        "<b>Police &lt;b&gt; &amp; co</b>\n• Trust: <b>61.6%</b> (“&lt;i&gt;”)\n\nSource: x."
    )
    text, entities = parse_html(to_html(message))  # what Telegram would show
    assert text == to_text(message) == message.text
    assert [e["type"] for e in entities] == ["bold", "bold"]


def test_a_long_message_is_cut_at_a_line_with_an_ellipsis():
    lines = tuple((Span(f"line {n:04d} " + "x" * 40),) for n in range(200))
    message = Message(lines)
    shown = to_text(message)
    assert utf16_len(shown) <= TELEGRAM_LIMIT
    assert shown.endswith("\n…") and shown.splitlines()[-2] == to_text(Message(lines[:1])).replace(
        "0000", shown.splitlines()[-2][5:9]
    )
    assert parse_html(to_html(message))[0] == shown


def test_the_limit_counts_utf16_units_as_telegram_does():
    emoji = "\U0001f600"  # one code point, two UTF-16 units
    message = Message(tuple((Span(emoji * 100),) for _ in range(30)))
    assert len(message.text) < TELEGRAM_LIMIT < utf16_len(message.text)
    assert utf16_len(to_text(message)) <= TELEGRAM_LIMIT


def test_a_message_within_the_limit_is_whole():
    message = Message.of("one", "two")
    assert to_text(message) == "one\ntwo" and to_html(message) == "one\ntwo"
