"""A Message as Telegram shows it: HTML for parse_mode=HTML, cut to Telegram's limit.

The text of `senim ask --json` is this message as Telegram displays it (plain text), so
the terminal uses the same cut. No PTB import here: `senim ask` starts fast.
"""

from __future__ import annotations

import html

from bot.model import Line, Message, Span

TELEGRAM_LIMIT = 4096  # characters of a message as shown (UTF-16 code units, in fact)
MORE = "…"


def to_html(message: Message) -> str:
    """The message in Telegram HTML: bold spans in <b>, everything escaped."""
    html_text: str | None = message.shown.get("html")
    if html_text is None:
        html_text = message.shown["html"] = "\n".join(_line_html(line) for line in fitted(message))
    return html_text


def to_text(message: Message) -> str:
    """The message as Telegram shows it (the same cut as to_html)."""
    text: str | None = message.shown.get("text")
    if text is None:
        lines = fitted(message)
        text = message.shown["text"] = "\n".join("".join(s.text for s in line) for line in lines)
    return text


def fitted(message: Message, limit: int = TELEGRAM_LIMIT) -> tuple[Line, ...]:
    """The lines that fit in one message, cut at a line break with "…" after them."""
    lines = message.lines
    if _shown_length(lines) <= limit:
        return lines
    kept = list(lines)
    while kept and _shown_length(tuple(kept)) > limit - 2:
        kept.pop()
    return (*kept, (Span(MORE),))


def _shown_length(lines: tuple[Line, ...]) -> int:
    text = "\n".join("".join(span.text for span in line) for line in lines)
    return len(text.encode("utf-16-le")) // 2  # Telegram counts UTF-16 code units


def _line_html(line: Line) -> str:
    return "".join(
        f"<b>{html.escape(span.text, quote=False)}</b>"
        if span.bold
        else html.escape(span.text, quote=False)
        for span in line
    )
