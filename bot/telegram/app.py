"""The Telegram application: build it, register handlers, run it (polling or webhook)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.charts import ChartCache, ProcessRenderer
from bot.config import Settings
from bot.engine import Engine
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from bot.telegram import handlers
from bot.telegram.context import SenimContext, Services
from bot.telegram.polling import GIVE_UP_AFTER, Poller, PollingFailed, reason
from bot.telegram.state import ChatStates
from bot.telegram.transport import JsonRequest, Unanswered

log = logging.getLogger(__name__)

# What @BotFather gives: the bot's numeric id, a colon, then the secret (35 characters
# of letters, digits, "_" and "-" today; 5 or more are accepted here).
TOKEN_SHAPE = re.compile(r"[0-9]{3,}:[A-Za-z0-9_-]{5,}")
TOKEN_RULE = (
    "expected the bot id (3 or more digits), a colon, then 5 or more letters, digits, "
    "'_' or '-', as @BotFather gives it"
)
# A call is tried at most this many times (429s are the rate limiter's own retries).
ATTEMPTS = 4
# Sends that create a message: when their answer is lost, Telegram may already have
# carried them out, so sending again may show it twice (see PatientRateLimiter).
CREATING = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage"})


class TokenProblem(ValueError):
    """The token is missing or malformed (the message never contains the token)."""


class StartupError(Exception):
    """`senim run` cannot start; the message is one line and never holds a secret."""


def check_token(token: str | None) -> str:
    if not token:
        raise TokenProblem("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)")
    if token != token.strip():
        raise TokenProblem("TELEGRAM_BOT_TOKEN has spaces or a line break around it")
    if not TOKEN_SHAPE.fullmatch(token):
        raise TokenProblem(f"TELEGRAM_BOT_TOKEN is malformed ({TOKEN_RULE})")
    return token


class PatientRateLimiter(AIORateLimiter):
    """Telegram's flood limits (PTB's AIORateLimiter, which also waits out 429s), plus the
    retry policy for everything else, by what a failure says about the request
    (bot.telegram.transport):

    * not sent (no connection, a failed write) or refused by Telegram (5xx): sent again,
      up to ATTEMPTS times, waiting 0.5 s, 1 s, 2 s;
    * sent, but its answer lost (no answer within READ_TIMEOUT, the connection closed
      before the answer): sent again in the same way. Telegram has no idempotency key,
      so when it had carried out a send whose answer was lost, the user sees the message
      twice; a send not repeated after a connection closed before Telegram took it is
      never seen at all. A lost answer is the worse failure, and both cases are rare:
      a slow Telegram is waited for (READ_TIMEOUT is 30 s, PTB's 5 s), so only a broken
      connection leads here (measured in benchmarks/fault_run.py);
    * 4xx errors (bad requests, a blocked bot) are never repeated.
    """

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        delay = 0.5
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:  # NotSent, Unanswered, 5xx
                if attempt == ATTEMPTS:
                    raise
                # Routine retries log at DEBUG; a send whose answer was lost may show twice.
                twice = isinstance(error, Unanswered) and endpoint in CREATING
                log.log(
                    logging.INFO if twice else logging.DEBUG,
                    "%s failed (%s); attempt %d of %d",
                    endpoint,
                    reason(error),
                    attempt + 1,
                    ATTEMPTS,
                )
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")


JSONDict = dict[str, Any]
SenimApplication = Application[
    ExtBot[int], SenimContext, dict[Any, Any], dict[Any, Any], Services, Any
]


@dataclass(frozen=True, slots=True)
class Webhook:
    listen: str
    port: int
    url: str
    secret: str


def build_application(
    settings: Settings, engine: Engine, max_rate: float = 30.0
) -> SenimApplication:
    token = check_token(settings.token)
    base = settings.api_url.rstrip("/")
    file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"
    bot = ExtBot(
        token,
        base_url=base,
        base_file_url=file_base,
        request=JsonRequest(),
        get_updates_request=JsonRequest(connection_pool_size=1),  # one long poll at a time
        rate_limiter=PatientRateLimiter(overall_max_rate=max_rate, max_retries=3),
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
    )
    application = (
        Application.builder()
        .bot(bot)
        .context_types(ContextTypes(context=SenimContext, bot_data=Services))
        .concurrent_updates(64)
        .build()
    )
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    services: Services = application.bot_data
    services.engine = engine
    services.states = ChatStates(settings.state_dir / "chats.json")
    services.charts = ChartCache(render=ProcessRenderer())
    _register(application)
    return application


def _register(application: SenimApplication) -> None:
    add = application.add_handler
    edits = filters.UpdateType.EDITED_MESSAGE | filters.UpdateType.EDITED_CHANNEL_POST
    # Edits are ignored, commands included: an edited "/start" is not a new greeting.
    for name, callback, _description in handlers.COMMANDS:
        add(CommandHandler(name, callback, filters=~edits))
    add(CallbackQueryHandler(handlers.button))
    add(InlineQueryHandler(handlers.inline_query))
    add(MessageHandler(filters.TEXT & ~filters.COMMAND & ~edits, handlers.answer_text))
    add(
        MessageHandler(
            filters.ChatType.PRIVATE
            & ~filters.TEXT
            & ~filters.COMMAND
            & ~edits
            & ~filters.StatusUpdate.ALL,
            handlers.not_text,
        )
    )
    application.add_error_handler(handlers.on_error)


async def _flush_state(application: SenimApplication) -> None:
    """On stop: no more periodic writes, then one last write of what is pending."""
    senim = application.bot_data
    flusher, senim.flusher = senim.flusher, None
    if flusher is not None:
        flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flusher
    senim.states.flush()
    renderer = senim.charts.renderer
    if isinstance(renderer, ProcessRenderer):
        await asyncio.to_thread(renderer.close)


async def _flush_periodically(states: ChatStates) -> None:
    while True:
        await asyncio.sleep(handlers.FLUSH_EVERY)
        await asyncio.to_thread(states.flush)


async def _introduce(application: SenimApplication) -> None:
    """Learn our username (for share links), publish commands and descriptions, and
    start writing deferred chat state."""
    bot = application.bot
    senim = application.bot_data
    senim.flusher = asyncio.get_running_loop().create_task(
        _flush_periodically(senim.states), name="flush chat state"
    )
    if bot.username:
        senim.engine.bot_username = bot.username
    for lang in (*LANGUAGES, None):
        t = translator(lang or DEFAULT_LANGUAGE)
        commands = [BotCommand(name, t.gettext(about)) for name, _, about in handlers.COMMANDS]
        description = t.gettext(
            "Senim answers questions about the Bureau of National Statistics survey of "
            "public trust in the police, prosecutors, courts and other bodies, in Kazakh, "
            "Russian and English, with the exact published figure and its source."
        )
        short = t.gettext(
            "Published figures on trust in law enforcement in Kazakhstan, with sources."
        )
        try:
            await bot.set_my_commands(commands, language_code=lang)
            await bot.set_my_description(description, language_code=lang)
            await bot.set_my_short_description(short, language_code=lang)
        except TelegramError as error:
            log.warning(
                "could not publish commands for %s: %s", lang or "default", type(error).__name__
            )


def run(
    settings: Settings,
    engine: Engine,
    webhook: Webhook | None,
    max_rate: float,
    give_up_after: float = GIVE_UP_AFTER,
) -> None:
    """Serve until SIGTERM or SIGINT. StartupError: it could not start (one line for the
    user); PollingFailed: it had to stop."""
    application = build_application(settings, engine, max_rate)
    engine.warm_up()
    asyncio.run(_serve(application, settings, webhook, give_up_after))


async def _serve(
    application: SenimApplication, settings: Settings, webhook: Webhook | None, give_up_after: float
) -> None:
    await _start(application, settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    poller: Poller | None = None
    try:
        await _introduce(application)
        await application.start()
        if webhook is None:
            await _no_webhook(application.bot)
            poller = Poller(
                application.bot,
                application.update_queue.put,
                allowed_updates=Update.ALL_TYPES,
                give_up_after=give_up_after,
            )
            log.info("polling %s for updates", _public(settings.api_url))
            await _until_stopped(loop.create_task(poller.run(), name="poll"), stopping)
        else:
            await _start_webhook(application, webhook)
            log.info("webhook on %s:%d for %s", webhook.listen, webhook.port, webhook.url)
            await stopping.wait()
    finally:
        log.info("stopping: answering what has arrived")
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()  # handles every update already fetched
        if poller is not None:
            await poller.confirm()
        await _flush_state(application)
        await application.shutdown()


async def _until_stopped(task: asyncio.Task[None], stopping: asyncio.Event) -> None:
    """Wait for a stop signal; the poll task ending first means it failed for good."""
    waiter = asyncio.get_running_loop().create_task(stopping.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()  # PollingFailed (or a bug): the caller exits non-zero
        raise PollingFailed("polling ended")
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _start(application: SenimApplication, settings: Settings) -> None:
    """initialize() (getMe, tried ATTEMPTS times over a few seconds by the rate limiter)
    with every failure turned into one StartupError line."""
    try:
        await application.initialize()
    except InvalidToken:
        raise StartupError(
            "the Bot API rejected TELEGRAM_BOT_TOKEN (401/404): check it with @BotFather"
        ) from None
    except TelegramError as error:
        where = _public(settings.api_url)
        raise StartupError(f"the Bot API at {where} is not usable: {reason(error)}") from None
    except OSError as error:
        raise StartupError(f"cannot start: {error.strerror or error}") from None


async def _no_webhook(bot: ExtBot[int]) -> None:
    """Polling and a webhook exclude each other (Telegram answers 409 to getUpdates)."""
    try:
        await bot.delete_webhook(drop_pending_updates=False)
    except TelegramError as error:
        log.warning("could not remove a webhook (%s); polling anyway", type(error).__name__)


async def _start_webhook(application: SenimApplication, webhook: Webhook) -> None:
    assert application.updater is not None
    try:
        await application.updater.start_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=_path_of(webhook.url),
            webhook_url=webhook.url,
            secret_token=webhook.secret,
            allowed_updates=Update.ALL_TYPES,
        )
    except TelegramError as error:
        raise StartupError(f"the Bot API refused the webhook: {reason(error)}") from None
    except OSError as error:
        raise StartupError(
            f"cannot listen on {webhook.listen}:{webhook.port}: {error.strerror or error}"
        ) from None


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _path_of(url: str) -> str:
    path = url.split("://", 1)[-1]
    return path.split("/", 1)[1] if "/" in path else ""


def _public(url: str) -> str:
    return url.split("/bot", 1)[0]
