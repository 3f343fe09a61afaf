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
        line = super().format(record)
        for secret in self.secrets:
            line = line.replace(secret, "<redacted>")
        return line


def setup(level: str, *secrets: str | None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", tuple(s for s in secrets if s)
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
