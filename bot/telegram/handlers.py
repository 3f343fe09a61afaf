"""Telegram handlers: each turns an update into engine calls and one reply.

The bot understands nothing itself: every answer comes from bot.engine, the
same engine as `senim ask`. Handlers only choose the language, keep per-chat
state and talk to Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import logging
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from gettext import GNUTranslations
from typing import Any

from telegram import (
    Bot,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.catalog import CRIME, SAFETY, TRUST
from bot.engine import Engine, Reply
from bot.i18n import LANGUAGES, translations
from bot.nlu.parse import RANKING, SMALL_TALK, SURVEY_INFO, VALUE, Query
from bot.render import esc, plain
from bot.telegram.charting import chart_for
from bot.telegram.charts import ChartCache
from bot.telegram.keyboards import (
    CHART,
    LANGUAGE,
    answer_keyboard,
    answer_markup,
    example_keyboard,
    language_keyboard,
    parse_callback,
)
from bot.telegram.presence import Typing
from bot.telegram.state import ChatStates

log = logging.getLogger(__name__)

FLUSH_EVERY = 1.0  # seconds between writes of deferred chat state
CAPTION_LIMIT = 1024
INLINE_TITLE_LIMIT = 120


@dataclass(slots=True)
class Services:
    """What every handler needs, kept in application.bot_data["senim"]."""

    engine: Engine
    states: ChatStates
    charts: ChartCache
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    typing: Typing = field(default_factory=Typing)

    def turn(self, chat_id: int) -> asyncio.Lock:
        """One update at a time per chat, so a quick follow-up sees the answer before it;
        other chats are served concurrently."""
        if len(self.locks) > 10_000:  # forget idle chats' locks
            self.locks = {k: v for k, v in self.locks.items() if v.locked()}
        return self.locks.setdefault(chat_id, asyncio.Lock())


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["senim"]


# -- language and conversation state ------------------------------------------------------


def ui_language(update: Update, senim: Services, state: dict[str, Any] | None = None) -> str:
    """The chat's chosen language, else Telegram's language_code, else English."""
    chat = update.effective_chat
    if state is None and chat is not None:
        state = senim.states.get(chat.id)
    chosen = (state or {}).get("lang")
    if chosen in LANGUAGES:
        return chosen
    user = update.effective_user
    code = (user.language_code or "")[:2].lower() if user else ""
    return code if code in LANGUAGES else "en"


@lru_cache(maxsize=4096)
def query_to_data(query: Query) -> dict[str, Any]:
    """A Query as the JSON object chat state keeps (read-only: shared between chats)."""
    return asdict(query)


def query_from_data(data: Any) -> Query | None:
    """A stored context back to a Query; None for anything that does not fit."""
    if not isinstance(data, dict) or not isinstance(data.get("intent"), str):
        return None
    try:
        fields = dict(data)
        fields["subjects"] = tuple(fields.get("subjects") or ())
        fields["waves"] = tuple(fields.get("waves") or ())
        options = tuple(query_from_data(o) for o in fields.get("options") or ())
        if any(o is None for o in options):
            return None
        fields["options"] = options
        return Query(**fields)
    except TypeError:
        return None


def remember(senim: Services, chat_id: int, reply: Reply) -> None:
    """Keep the chat's last question for follow-ups: in memory at once, on disk within
    a second (see FLUSH_EVERY), so a busy bot does not fsync on every message."""
    if reply.query.intent in SMALL_TALK:
        senim.states.update(chat_id, durable=False, reply_lang=reply.lang)
        return
    senim.states.update(
        chat_id, durable=False, context=query_to_data(reply.query), reply_lang=reply.lang
    )


# -- sending -------------------------------------------------------------------------------


NO_PREVIEW = {"is_disabled": True}


async def send_reply(bot: Bot, chat_id: int, senim: Services, reply: Reply) -> None:
    """An answer with its buttons: the hot path, so the keyboard goes as plain JSON and
    Telegram's copy of the message is not decoded into a Message (~0.3 ms an answer,
    for an object nothing reads): Bot.do_api_request returns it raw."""
    data: dict[str, Any] = {
        "chat_id": chat_id,
        "text": reply.html,
        "parse_mode": ParseMode.HTML,
        "link_preview_options": NO_PREVIEW,
    }
    markup = answer_markup(senim.engine, reply)
    if markup:
        data["reply_markup"] = markup
    await bot.do_api_request("sendMessage", api_kwargs=data)


async def ask_engine(update: Update, senim: Services, text: str) -> Reply:
    """Ask the engine in the chat's context.

    Answers take microseconds (a few milliseconds for a question never seen), so the
    engine runs inline: a worker thread would cost more than the answer, and "typing…"
    is shown only when an answer is held up (bot.telegram.presence). Slow work (charts)
    runs in another process and shows its chat action at once.
    """
    chat = update.effective_chat
    state = senim.states.get(chat.id) if chat else {}
    context = query_from_data(state.get("context"))
    hint = state.get("reply_lang") or ui_language(update, senim, state)
    return senim.engine.ask(text, context=context, lang_hint=hint)


# -- commands ------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with example questions, or replay the answer a share link points to."""
    senim = services(context)
    message = update.effective_message
    if message is None:
        return
    lang = ui_language(update, senim)
    if context.args:
        query = senim.engine.decode(context.args[0])
        if query is not None:
            reply = senim.engine.reply_to(query, lang)
            remember(senim, message.chat_id, reply)
            await send_reply(context.bot, message.chat_id, senim, reply)
            return
        t = translations(lang)
        await message.reply_html(
            esc(t.gettext("This link no longer opens an answer. Ask me again:"))
        )
    greeting = senim.engine.reply_to(Query("greeting"), lang)
    await message.reply_html(greeting.html, reply_markup=example_keyboard(senim.engine, lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what Senim knows, with examples."""
    senim = services(context)
    if update.effective_message:
        lang = ui_language(update, senim)
        await update.effective_message.reply_html(
            senim.engine.renderer.help_text(lang), reply_markup=example_keyboard(senim.engine, lang)
        )


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer kk / ru / en."""
    senim = services(context)
    if update.effective_message:
        t = translations(ui_language(update, senim))
        await update.effective_message.reply_html(
            esc(t.gettext("Choose the language for commands and buttons:")),
            reply_markup=language_keyboard(),
        )


async def about_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The survey, its method and its sources."""
    senim = services(context)
    if update.effective_message:
        lang = ui_language(update, senim)
        method = senim.engine.reply_to(Query(SURVEY_INFO, detail="method"), lang)
        sources = senim.engine.reply_to(Query(SURVEY_INFO, detail="sources"), lang)
        waves = senim.engine.reply_to(Query(SURVEY_INFO, detail="fieldwork"), lang)
        text = "\n\n".join([method.html, waves.html, sources.html])
        await update.effective_message.reply_html(text)


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete everything stored about this chat."""
    senim = services(context)
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    lang = ui_language(update, senim)
    senim.states.forget(chat.id)
    t = translations(lang)
    await message.reply_html(
        esc(t.gettext("Done: I no longer keep anything about this chat (language, last question)."))
    )


# -- questions -----------------------------------------------------------------------------


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question typed in a private chat, or addressed to the bot in a group."""
    senim = services(context)
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text
    if message.chat.type != ChatType.PRIVATE:
        text = _addressed_text(message, context.bot.username)
        if text is None:
            return  # group chatter not meant for the bot
    with senim.typing.while_answering(context.bot, message.chat_id):
        async with senim.turn(message.chat_id):
            reply = await ask_engine(update, senim, text)
            remember(senim, message.chat_id, reply)  # first: the user may follow up at once
            await send_reply(context.bot, message.chat_id, senim, reply)


def _addressed_text(message: Message, username: str | None) -> str | None:
    """The question in a group message that mentions the bot (or replies to it)."""
    text = message.text or ""
    mention = f"@{username}".casefold() if username else None
    for entity in message.entities or ():
        if entity.type == MessageEntityType.MENTION and mention:
            said = text[entity.offset : entity.offset + entity.length]
            if said.casefold() == mention:
                return (text[: entity.offset] + text[entity.offset + entity.length :]).strip()
    if mention and mention in text.casefold():  # a client that sent no entity for it
        start = text.casefold().index(mention)
        return (text[:start] + text[start + len(mention) :]).strip()
    replied = message.reply_to_message
    if (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.username == username
    ):
        return text
    return None


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, locations...: say what Senim understands."""
    senim = services(context)
    message = update.effective_message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return
    lang = ui_language(update, senim)
    examples = "\n".join("• " + esc(e) for e in senim.engine.renderer.examples(lang))
    hint = translations(lang).gettext("I understand questions typed as text, for example:")
    await message.reply_html(esc(hint) + "\n" + examples)


# -- buttons -------------------------------------------------------------------------------


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answer, chart or language; always answered, never a spinner."""
    senim = services(context)
    query = update.callback_query
    if query is None:
        return
    lang = ui_language(update, senim)
    t = translations(lang)
    parsed = parse_callback(query.data)
    notice: str | None = None
    chat = update.effective_chat
    try:
        if chat is not None and parsed is not None and parsed[0] != CHART:
            async with senim.turn(chat.id):
                notice = await _press(update, context, senim, parsed, t)
        else:
            notice = await _press(update, context, senim, parsed, t)
    finally:
        try:
            await query.answer(notice)
        except TelegramError as error:
            log.debug("callback %s not answered: %s", query.id, type(error).__name__)


async def _press(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    senim: Services,
    parsed: tuple[str, str] | None,
    t: GNUTranslations,
) -> str | None:
    """Carry out a button; the notice to show on it, if any."""
    stale = t.gettext("This button is out of date. Ask me again, please.")
    if parsed is None:
        return stale
    action, argument = parsed
    if action == LANGUAGE:
        return await _choose_language(update, senim, argument)
    decoded = senim.engine.decode(argument)
    if decoded is None:
        return stale
    if action == CHART:
        return await _send_chart(update, context, senim, decoded)
    await _show_answer(update, senim, decoded)
    return None


async def _choose_language(update: Update, senim: Services, lang: str) -> str | None:
    chat = update.effective_chat
    if lang not in LANGUAGES or chat is None:
        return translations("en").gettext("This button is out of date. Ask me again, please.")
    senim.states.update(chat.id, lang=lang, reply_lang=lang)
    t = translations(lang)
    text = esc(t.gettext("Done: I will use this language for commands and buttons."))
    message = update.callback_query.message if update.callback_query else None
    if isinstance(message, Message):
        with contextlib.suppress(BadRequest):  # chosen twice: the message already says so
            await message.edit_text(text)
    return None


async def _show_answer(update: Update, senim: Services, query: Query) -> None:
    chat = update.effective_chat
    state = senim.states.get(chat.id) if chat else {}
    lang = state.get("reply_lang") or ui_language(update, senim)
    reply = senim.engine.reply_to(query, lang)
    if chat is not None:
        remember(senim, chat.id, reply)
    message = update.callback_query.message if update.callback_query else None
    keyboard = answer_keyboard(senim.engine, reply)
    if isinstance(message, Message):
        try:
            await message.edit_text(reply.html, reply_markup=keyboard)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                await message.reply_html(reply.html, reply_markup=keyboard, do_quote=False)
    elif chat is not None:
        await update.get_bot().send_message(chat.id, reply.html, reply_markup=keyboard)


async def _send_chart(
    update: Update, context: ContextTypes.DEFAULT_TYPE, senim: Services, query: Query
) -> str | None:
    chat = update.effective_chat
    if chat is None:
        return None
    state = senim.states.get(chat.id)
    lang = state.get("reply_lang") or ui_language(update, senim)
    spec = chart_for(senim.engine, query, lang)
    if spec is None:
        return translations(lang).gettext("There is nothing to draw for this answer.")
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    png = await asyncio.to_thread(senim.charts.get_or_render, spec)
    caption = esc(spec.title) + "\n" + esc(spec.footnote)
    if len(plain(caption)) > CAPTION_LIMIT:
        caption = esc(spec.title)
    await context.bot.send_photo(chat.id, photo=png, caption=caption, filename="senim.png")
    return None


# -- inline mode ---------------------------------------------------------------------------


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot police 2024` in any chat: the answer as an article to send."""
    senim = services(context)
    inline = update.inline_query
    if inline is None:
        return
    engine = senim.engine
    code = (inline.from_user.language_code or "")[:2].lower()
    hint = code if code in LANGUAGES else None
    text = inline.query.strip()
    if not text:
        lang = hint or "en"
        everyone = engine.catalog.institutions
        headline = [
            Query(RANKING, topic=TRUST, subjects=everyone, order="desc"),
            Query(VALUE, topic=SAFETY, subjects=(engine.catalog.topic_subject[SAFETY],)),
            Query(
                RANKING,
                topic=CRIME,
                subjects=engine.catalog.regions,
                measure="registered_crimes",
                order="desc",
            ),
        ]
        replies = [engine.reply_to(q, lang) for q in headline]
    else:
        decoded = engine.decode(text)
        if decoded is not None:
            replies = [engine.reply_to(decoded, hint or "en")]
        else:
            replies = [engine.ask(text, lang_hint=hint)]
    results = [_article(engine, reply) for reply in replies]
    await inline.answer(results, cache_time=60, is_personal=False)


def _article(engine: Engine, reply: Reply) -> InlineQueryResultArticle:
    lines = [line for line in reply.text.split("\n") if line.strip()]
    title = " · ".join(lines[:2]) if reply.figures else (lines[0] if lines else "Senim")
    source = lines[-1] if reply.figures and lines else ""  # the source line ends an answer
    link = engine.link(reply.payload)
    body = reply.html + (f"\n{html.escape(link)}" if link else "")
    identity = reply.payload or hashlib.sha1(reply.html.encode()).hexdigest()[:32]
    return InlineQueryResultArticle(
        id=identity[:64],
        title=title[:INLINE_TITLE_LIMIT],
        description=source[:INLINE_TITLE_LIMIT] or None,
        input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
    )


# -- errors --------------------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log which update failed (never what the user wrote) and apologise."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "update %s failed: %s", update_id, type(context.error).__name__, exc_info=context.error
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        senim = services(context)
        t = translations(ui_language(update, senim))
        await context.bot.send_message(
            update.effective_chat.id,
            esc(t.gettext("Sorry, something went wrong on my side. Please try again.")),
        )
    except Exception:
        log.warning("could not apologise for update %s", update_id)
