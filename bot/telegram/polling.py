"""Long polling that cannot stop while the process stays up.

PTB's Updater ends its polling loop for good on a 401/404 ("Invalid token. Aborting
retry loop."), and one update it cannot decode (say, an update_id that is not an
integer) kills its polling task: both leave a process that looks alive and answers
nothing. This loop asks for raw updates (Bot.do_api_request, public API), decodes them
one by one, and treats every failure as passing: it waits (doubling, up to
MAX_BACKOFF) and asks again. Only a token that stays rejected for `give_up_after`
seconds ends it, with PollingFailed, and `senim run` then exits non-zero so that a
supervisor restarts it (or a person looks).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Update
from telegram.error import EndPointNotFound, InvalidToken, RetryAfter, TelegramError

log = logging.getLogger(__name__)

POLL_TIMEOUT = 25  # seconds Telegram holds a long poll open when nothing happens
BATCH = 100  # updates per poll (Telegram's maximum)
MAX_BACKOFF = 4.0  # seconds between attempts while polling fails
GIVE_UP_AFTER = 600.0  # seconds of a rejected token before the process exits
REPORT_EVERY = 60.0  # seconds between log lines while failures go on


class PollingFailed(Exception):
    """Polling cannot go on (the message is one line and never holds the token)."""


Deliver = Callable[[Update], Awaitable[None]]


class Poller:
    """getUpdates in a loop: each decodable update goes to `deliver`, in order."""

    def __init__(
        self,
        bot: Bot,
        deliver: Deliver,
        *,
        allowed_updates: list[str] | None = None,
        timeout: int = POLL_TIMEOUT,
        give_up_after: float = GIVE_UP_AFTER,
    ) -> None:
        self.bot = bot
        self.deliver = deliver
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.give_up_after = give_up_after
        self.offset: int | None = None  # the next update_id to ask for (confirms earlier ones)
        self._polled = False

    async def run(self) -> None:
        """Poll until cancelled; raises PollingFailed only for a token that stays rejected."""
        failing_since: float | None = None
        rejected_since: float | None = None
        reported = 0.0
        delay = 0.5
        while True:
            try:
                batch = await self._get_updates()
            except asyncio.CancelledError:
                raise
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after))
                continue
            except Exception as error:  # every failure is a reason to wait and ask again
                now = time.monotonic()
                rejected = isinstance(error, InvalidToken | EndPointNotFound)
                rejected_since = (rejected_since or now) if rejected else None
                if rejected_since is not None and now - rejected_since >= self.give_up_after:
                    raise PollingFailed(
                        f"the Bot API has rejected the token for {now - rejected_since:.0f} s"
                    ) from None
                if failing_since is None or now - reported >= REPORT_EVERY:
                    log.warning("getUpdates failed (%s); retrying", reason(error))
                    reported = now
                failing_since = failing_since or now
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            if failing_since is not None:
                log.info("polling again after %.0f s of failures", time.monotonic() - failing_since)
            failing_since = rejected_since = None
            delay = 0.5
            await self._hand_over(batch)

    async def confirm(self) -> None:
        """Tell Telegram the updates handed over are done (on stop): otherwise the last
        batch comes again after a restart."""
        if self.offset is None:
            return
        try:
            await self.bot.do_api_request(
                "getUpdates", api_kwargs={"offset": self.offset, "limit": 1, "timeout": 0}
            )
        except TelegramError as error:
            log.warning("could not confirm the last updates (%s)", reason(error))

    async def _get_updates(self) -> list[Any]:
        # The first poll returns at once: what queued while the bot was down is answered
        # without waiting a long poll out, and a start is seen to work at once.
        timeout = self.timeout if self.offset is not None or self._polled else 0
        self._polled = True
        kwargs: dict[str, Any] = {"timeout": timeout, "limit": BATCH}
        if self.offset is not None:
            kwargs["offset"] = self.offset
        if self.allowed_updates is not None:
            kwargs["allowed_updates"] = self.allowed_updates
        result = await self.bot.do_api_request(
            "getUpdates", api_kwargs=kwargs, read_timeout=timeout + 10
        )
        return result if isinstance(result, list) else []

    async def _hand_over(self, batch: list[Any]) -> None:
        moved = False
        for item in batch:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                log.warning("dropped an update without an integer update_id")
                continue
            if self.offset is not None and update_id < self.offset:
                continue  # already handed over (a repeat after a failed confirmation)
            self.offset = update_id + 1
            moved = True
            try:
                update = Update.de_json(item, self.bot)
            except Exception as error:  # any decoding failure, whatever its kind
                log.warning("update %s is malformed (%s); skipped", update_id, reason(error))
                continue
            await self.deliver(update)
        if batch and not moved:
            # Only updates that cannot be confirmed: Telegram would send them straight
            # back, so do not ask again at once.
            await asyncio.sleep(1.0)


def _seconds(retry_after: Any) -> float:
    seconds = getattr(retry_after, "total_seconds", None)
    return float(seconds()) if callable(seconds) else float(retry_after)


def reason(error: BaseException) -> str:
    """What went wrong, in a few words (PTB's messages carry no token; httpx's are not
    passed through, see bot.telegram.transport)."""
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message}"[:200] if message else type(error).__name__
