"""The Telegram application: build it, register handlers, run it (polling or webhook)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.engine import Engine
from bot.i18n import LANGUAGES, translations
from bot.telegram import handlers
from bot.telegram.charts import ChartCache, ProcessRenderer
from bot.telegram.state import ChatStates
from bot.telegram.transport import JsonRequest

log = logging.getLogger(__name__)

TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{5,}$")
NETWORK_RETRIES = 3


class TokenProblem(ValueError):
    """The token is missing or malformed (the message never contains the token)."""


def check_token(token: str | None) -> str:
    if not token:
        raise TokenProblem("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)")
    if not TOKEN_SHAPE.match(token):
        raise TokenProblem("TELEGRAM_BOT_TOKEN is malformed (expected <digits>:<letters>)")
    return token


class PatientRateLimiter(AIORateLimiter):
    """Telegram's flood limits (PTB's AIORateLimiter, which also retries 429s), plus
    retries of network errors and 5xx answers, so a reply survives a bad moment."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        delay = 0.5
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, RetryAfter):
                raise
            except (TimedOut, NetworkError) as error:
                if endpoint == "getUpdates" or attempt == NETWORK_RETRIES:
                    raise
                log.warning("%s failed (%s); retry %d", endpoint, type(error).__name__, attempt + 1)
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


class TolerantBot(ExtBot):
    """An ExtBot that survives a malformed update in a getUpdates batch.

    PTB decodes a batch all at once, and one update it cannot decode makes the whole
    batch fail again on every poll: the bot would stop serving. Here an undecodable
    update is replaced by a bare {"update_id": n}, so the offset still moves past it
    and no handler sees it. (_post is PTB-internal; python-telegram-bot is pinned to 22.)
    """

    _salvaging = False

    async def get_updates(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:
            # Nothing was confirmed, so asking again returns the same batch: this time
            # decode it update by update and keep what can be kept.
            self._salvaging = True
            try:
                return await super().get_updates(*args, **kwargs)
            finally:
                self._salvaging = False

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, *args, **kwargs)
        if self._salvaging and endpoint == "getUpdates" and isinstance(result, list):
            result = [item for item in map(self._salvage, result) if item is not None]
        return result

    def _salvage(self, item: Any) -> Any:
        if not isinstance(item, dict) or not isinstance(item.get("update_id"), int):
            log.warning("dropped an update without an update_id")
            return None
        try:
            Update.de_json(dict(item), self)
        except Exception as error:  # any decoding failure, whatever its kind
            log.warning(
                "update %s is malformed (%s); skipped", item["update_id"], type(error).__name__
            )
            return {"update_id": item["update_id"]}
        return item


@dataclass(frozen=True, slots=True)
class Webhook:
    listen: str
    port: int
    url: str
    secret: str


def build_application(settings: Settings, engine: Engine, max_rate: float = 30.0) -> Application:
    token = check_token(settings.token)
    base = settings.api_url.rstrip("/")
    file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"
    bot = TolerantBot(
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
        .concurrent_updates(64)
        .post_init(_post_init)
        .post_stop(_flush_state)
        .build()
    )
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    application.bot_data["senim"] = handlers.Services(
        engine=engine,
        states=ChatStates(settings.state_dir / "chats.json"),
        charts=ChartCache(render=ProcessRenderer()),
    )
    _register(application)
    return application


def _register(application: Application) -> None:
    add = application.add_handler
    add(CommandHandler("start", handlers.start))
    add(CommandHandler("help", handlers.help_command))
    add(CommandHandler("language", handlers.language_command))
    add(CommandHandler("about", handlers.about_command))
    add(CommandHandler("forget", handlers.forget_command))
    add(CallbackQueryHandler(handlers.button))
    add(InlineQueryHandler(handlers.inline_query))
    edits = filters.UpdateType.EDITED_MESSAGE | filters.UpdateType.EDITED_CHANNEL_POST
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


async def _flush_state(application: Application) -> None:
    """On stop: no more periodic writes, then one last write of what is pending."""
    flusher = application.bot_data.pop("flusher", None)
    if flusher is not None:
        flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flusher
    senim: handlers.Services = application.bot_data["senim"]
    senim.states.flush()
    renderer = senim.charts.renderer
    if isinstance(renderer, ProcessRenderer):
        await asyncio.to_thread(renderer.close)


async def _flush_periodically(states: ChatStates) -> None:
    while True:
        await asyncio.sleep(handlers.FLUSH_EVERY)
        await asyncio.to_thread(states.flush)


async def _post_init(application: Application) -> None:
    """Learn our username (for share links), publish commands and descriptions, and
    start writing deferred chat state."""
    bot = application.bot
    senim: handlers.Services = application.bot_data["senim"]
    application.bot_data["flusher"] = asyncio.get_running_loop().create_task(
        _flush_periodically(senim.states), name="flush chat state"
    )
    if bot.username:
        senim.engine.bot_username = bot.username
    for lang in (*LANGUAGES, None):
        t = translations(lang or "en")
        commands = [
            BotCommand("start", t.gettext("Start, with example questions")),
            BotCommand("help", t.gettext("What I know and how to ask")),
            BotCommand("language", t.gettext("Language of commands and buttons")),
            BotCommand("about", t.gettext("The survey, its method and sources")),
            BotCommand("forget", t.gettext("Delete what I keep about this chat")),
        ]
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


def run(settings: Settings, engine: Engine, webhook: Webhook | None, max_rate: float) -> None:
    application = build_application(settings, engine, max_rate)
    engine.warm_up()
    if webhook is None:
        log.info("polling %s for updates", _public(settings.api_url))
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    log.info("webhook on %s:%d for %s", webhook.listen, webhook.port, webhook.url)
    application.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=_path_of(webhook.url),
        webhook_url=webhook.url,
        secret_token=webhook.secret,
        allowed_updates=Update.ALL_TYPES,
    )


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _path_of(url: str) -> str:
    path = url.split("://", 1)[-1]
    return path.split("/", 1)[1] if "/" in path else ""


def _public(url: str) -> str:
    return url.split("/bot", 1)[0]
