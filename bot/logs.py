"""Logging for `senim run`: one format, and the bot token never in any line."""

from __future__ import annotations

import logging
import sys

QUIET = ("httpx", "httpcore", "apscheduler")  # they log request URLs, which hold the token


class RedactingFormatter(logging.Formatter):
    """Replaces secrets in the finished line: message, arguments and tracebacks alike."""

    def __init__(self, fmt: str, secrets: tuple[str, ...]) -> None:
        super().__init__(fmt)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: tuple[str | None, ...]) -> str:
    """The text with each secret, and a token's secret part on its own, replaced."""
    for secret in secrets:
        if not secret:
            continue
        text = text.replace(secret, "<redacted>")
        _bot_id, colon, part = secret.partition(":")
        if colon and len(part) >= 5:  # a token: "123:ABC..." may also appear as just "ABC..."
            text = text.replace(part, "<redacted>")
    return text


def setup(level: str, *secrets: str | None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", tuple(s for s in secrets if s)
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    logging.captureWarnings(True)  # warnings go through the same redacting formatter
    root.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
