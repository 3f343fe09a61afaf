""" "typing…" for answers that are held up, and only for those.

An answer normally leaves within milliseconds of its question, before any
"typing…" could be seen, so sending one for every message would only double the
API calls. A question waits when the bot is busy (its chat's previous answer, a
queue of other chats, Telegram's flood limits, a slow network): then, once it has
waited TYPING_AFTER, the chat sees "typing…", at most once per TYPING_LASTS (which
is how long Telegram shows it), so a busy bot does not make itself busier.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)

TYPING_AFTER = 0.3  # seconds an answer may take before the chat sees "typing…"
TYPING_LASTS = 5.0  # seconds Telegram shows a chat action (or until a message arrives)
REMEMBERED = 10_000  # chats whose last "typing…" is kept before the stale ones go


class Typing:
    """Per-chat "typing…" with a delay and a rate; one instance per bot."""

    def __init__(self) -> None:
        self._shown: dict[int, float] = {}
        self._sending: set[asyncio.Task[None]] = set()  # strong references until done

    @contextlib.contextmanager
    def while_answering(self, bot: Bot, chat_id: int) -> Iterator[None]:
        """Show "typing…" in the chat if the block runs longer than TYPING_AFTER."""
        timer = asyncio.get_running_loop().call_later(TYPING_AFTER, self._show, bot, chat_id)
        try:
            yield
        finally:
            timer.cancel()

    def _show(self, bot: Bot, chat_id: int) -> None:
        now = time.monotonic()
        if now - self._shown.get(chat_id, -TYPING_LASTS) < TYPING_LASTS:
            return  # still showing
        if len(self._shown) >= REMEMBERED:
            self._shown = {c: t for c, t in self._shown.items() if now - t < TYPING_LASTS}
        self._shown[chat_id] = now
        task = asyncio.get_running_loop().create_task(_send(bot, chat_id))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)


async def _send(bot: Bot, chat_id: int) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as error:  # a lost "typing…" is not worth a retry or an apology
        log.debug("typing in %s not shown: %s", chat_id, type(error).__name__)
