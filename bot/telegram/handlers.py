"""Telegram handlers: each turns an update into engine calls and one reply.

The bot understands nothing itself: every answer comes from bot.engine, the same engine
as `senim ask`, as a Message that bot.telegram.html turns into HTML and
bot.telegram.keyboards into buttons. Handlers only choose the language, keep per-chat
state and talk to Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import logging
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.conversation import query_from_data, query_to_data, replaces_context
from bot.engine import Engine, Reply
from bot.i18n import LANGUAGES, N_, translator
from bot.model import Intent, Query
from bot.telegram.context import SenimContext, Services
from bot.telegram.html import to_html, to_text
from bot.telegram.keyboards import (
    ANSWER,
    CHART,
    CSV,
    LANGUAGE,
    answer_markup,
    examples_markup,
    language_markup,
    parse_callback,
    shared,
)

log = logging.getLogger(__name__)

FLUSH_EVERY = 1.0  # seconds between writes of deferred chat state
CAPTION_LIMIT = 1024
INLINE_TITLE_LIMIT = 120
INLINE_RESULTS = 10  # articles one inline answer lists
INLINE_CACHE_SECONDS = 30
NO_PREVIEW = {"is_disabled": True}


# -- conversation state ---------------------------------------------------------------------


def remember(senim: Services, chat_id: int, reply: Reply) -> None:
    """Keep the chat's last question for follow-ups: in memory at once, on disk within
    a second (see FLUSH_EVERY), so a busy bot does not fsync on every message."""
    previous = None  # decoded only when it matters (bot.conversation.replaces_context)
    if reply.query.intent == Intent.SURVEY_INFO:
        previous = query_from_data(senim.states.get(chat_id).get("context"))
    if not replaces_context(previous, reply.query):
        senim.states.update(chat_id, durable=False, reply_lang=reply.lang)
        return
    senim.states.update(
        chat_id, durable=False, context=query_to_data(reply.query), reply_lang=reply.lang
    )


def ask_engine(context: SenimContext, text: str) -> Reply:
    """Ask the engine in the chat's context.

    Answers take microseconds (a few milliseconds for a question never seen), so the
    engine runs inline: a worker thread would cost more than the answer, and "typing…"
    is shown only when an answer is held up (bot.telegram.presence). Slow work (charts)
    runs in another process and shows its chat action at once.
    """
    state = context.state
    previous = query_from_data(state.get("context"))
    hint = state.get("reply_lang") or context.lang
    return context.senim.engine.ask(text, context=previous, lang_hint=hint)


# -- sending ---------------------------------------------------------------------------------


async def send(context: SenimContext, chat_id: int, reply: Reply) -> None:
    """An answer with its buttons: the hot path, so the keyboard goes as plain JSON and
    Telegram's copy of the message is not decoded into a Message (~0.3 ms an answer,
    for an object nothing reads): Bot.do_api_request returns it raw."""
    await send_html(
        context, chat_id, to_html(reply.message), answer_markup(context.senim.engine, reply)
    )


async def send_html(
    context: SenimContext, chat_id: int, text: str, markup: dict[str, Any] | None = None
) -> None:
    data: dict[str, Any] = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": ParseMode.HTML,
        "link_preview_options": NO_PREVIEW,
    }
    if markup:
        data["reply_markup"] = markup
    await context.bot.do_api_request("sendMessage", api_kwargs=data)


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


# -- commands ------------------------------------------------------------------------------


async def start(update: Update, context: SenimContext) -> None:
    """Greet with example questions, or replay the answer a share link points to."""
    engine = context.senim.engine
    message = update.effective_message
    if message is None:
        return
    lang = context.lang
    if context.args:
        query = engine.decode(context.args[0])
        if query is not None:
            reply = engine.reply_to(query, lang)
            remember(context.senim, message.chat_id, reply)
            await send(context, message.chat_id, reply)
            return
        await send_html(
            context,
            message.chat_id,
            escaped(context.t.gettext("This link no longer opens an answer. Ask me again:")),
        )
    # A new start is a new conversation: "полиция" typed next must not inherit the wave
    # or the measure of the question before (the chat's language stays)
    context.senim.states.update(message.chat_id, durable=False, context=None)
    await say_with_examples(context, message.chat_id, Intent.GREETING)


async def help_command(update: Update, context: SenimContext) -> None:
    """Say what Senim knows, with examples: in the language the chat last wrote in, as
    answers are (the rule /help itself states)."""
    message = update.effective_message
    if message is not None:
        await say_with_examples(context, message.chat_id, Intent.HELP, context.reply_lang)


async def say_with_examples(
    context: SenimContext, chat_id: int, intent: Intent, lang: str | None = None
) -> None:
    """A greeting or help, with the example questions as buttons."""
    engine, lang = context.senim.engine, lang or context.lang
    reply = engine.say(intent, lang)
    await send_html(context, chat_id, to_html(reply.message), examples_markup(engine, lang))


async def language_command(update: Update, context: SenimContext) -> None:
    """Offer the languages."""
    message = update.effective_message
    if message is not None:
        text = escaped(context.t.gettext("Choose the language for commands and buttons:"))
        await send_html(context, message.chat_id, text, language_markup())


async def about_command(update: Update, context: SenimContext) -> None:
    """The survey, its method and its sources."""
    message = update.effective_message
    if message is not None:
        replies = context.senim.engine.about(context.reply_lang)
        text = "\n\n".join(to_html(reply.message) for reply in replies)
        await send_html(context, message.chat_id, text)


async def forget_command(update: Update, context: SenimContext) -> None:
    """Delete everything stored about this chat."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    text = escaped(
        context.t.gettext(
            "Done: I no longer keep anything about this chat (language, last question)."
        )
    )
    context.senim.states.forget(chat.id)
    await send_html(context, message.chat_id, text)


# -- questions -----------------------------------------------------------------------------


async def answer_text(update: Update, context: SenimContext) -> None:
    """Answer a question typed in a private chat, or addressed to the bot in a group."""
    message = update.effective_message
    if message is None or not message.text:
        return
    await _answer(context, message, message.text)


async def _answer(context: SenimContext, message: Message, question: str) -> None:
    senim = context.senim
    text: str | None = question
    if message.chat.type != ChatType.PRIVATE:
        text = _addressed_text(message, context.bot.username)
        if text is None:
            return  # group chatter not meant for the bot
    with senim.typing.while_answering(context.bot, message.chat_id):
        async with senim.turn(message.chat_id):
            reply = ask_engine(context, text or "")
            remember(senim, message.chat_id, reply)  # first: the user may follow up at once
            await send(context, message.chat_id, reply)


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
        start_at = text.casefold().index(mention)
        return (text[:start_at] + text[start_at + len(mention) :]).strip()
    replied = message.reply_to_message
    if (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.username == username
    ):
        return text
    return None


async def not_text(update: Update, context: SenimContext) -> None:
    """A photo or a document whose caption is a question: the caption is answered.
    Stickers, voice, locations...: say what Senim understands."""
    message = update.effective_message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return
    if message.caption and message.caption.strip():
        await _answer(context, message, message.caption)
        return
    examples = "\n".join(
        "• " + html.escape(e, quote=False) for e in context.senim.engine.examples(context.lang)
    )
    hint = escaped(context.t.gettext("I understand questions typed as text, for example:"))
    await send_html(context, message.chat_id, hint + "\n" + examples)


# -- buttons -------------------------------------------------------------------------------


async def button(update: Update, context: SenimContext) -> None:
    """A button press: answer, chart or language; always answered, never a spinner."""
    query = update.callback_query
    if query is None:
        return
    parsed = parse_callback(query.data)
    notice: str | None = None
    chat = update.effective_chat
    try:
        if chat is not None and parsed is not None and parsed[0] != CHART:
            async with context.senim.turn(chat.id):
                notice = await _press(update, context, parsed)
        else:
            notice = await _press(update, context, parsed)
    finally:
        try:
            await query.answer(notice)
        except TelegramError as error:
            log.debug("callback %s not answered: %s", query.id, type(error).__name__)


async def _press(
    update: Update, context: SenimContext, parsed: tuple[str, str] | None
) -> str | None:
    """Carry out a button; the notice to show on it, if any."""
    stale = translator(context.lang).gettext("This button is out of date. Ask me again, please.")
    if parsed is None:
        return stale
    action, argument = parsed
    if action == LANGUAGE:
        return await _choose_language(update, context, argument)
    decoded = context.senim.engine.decode(argument)
    if decoded is None:
        return stale
    if action == CHART:
        return await _send_chart(update, context, decoded)
    if action == CSV:
        return await _send_csv(update, context, decoded)
    await _show_answer(update, context, decoded, in_place=action == ANSWER)
    return None


async def _choose_language(update: Update, context: SenimContext, lang: str) -> str | None:
    chat = update.effective_chat
    if lang not in LANGUAGES or chat is None:
        return translator("en").gettext("This button is out of date. Ask me again, please.")
    context.senim.states.update(chat.id, lang=lang, reply_lang=lang)
    text = html.escape(
        translator(lang).gettext("Done: I will use this language for commands and buttons."),
        quote=False,
    )
    message = update.callback_query.message if update.callback_query else None
    if isinstance(message, Message):
        with contextlib.suppress(BadRequest):  # chosen twice: the message already says so
            await message.edit_text(text)
    return None


async def _show_answer(
    update: Update, context: SenimContext, query: Query, *, in_place: bool
) -> None:
    """The answer a button stands for: in place of a message that asked back (the option
    chosen answers it), else as a new message, so the answer or the greeting pressed
    under stays as it was."""
    chat = update.effective_chat
    engine = context.senim.engine
    reply = engine.reply_to(query, context.reply_lang)
    if chat is not None:
        remember(context.senim, chat.id, reply)
    message = update.callback_query.message if update.callback_query else None
    markup = answer_markup(engine, reply)
    text = to_html(reply.message)
    if isinstance(message, Message) and in_place:
        keyboard = InlineKeyboardMarkup.de_json(markup, context.bot) if markup else None
        try:
            await message.edit_text(text, reply_markup=keyboard)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                await send_html(context, message.chat_id, text, markup)
    elif chat is not None:
        await send_html(context, chat.id, text, markup)


async def _send_csv(update: Update, context: SenimContext, query: Query) -> str | None:
    """The answer's figures as a CSV document (bot.export), in the answer's language."""
    from bot.export import figures_csv

    chat = update.effective_chat
    if chat is None:
        return None
    engine = context.senim.engine
    reply = engine.reply_to(query, context.reply_lang)
    if not reply.figures:
        return translator(reply.lang).gettext("There are no figures in this answer.")
    # (a byte-order mark: spreadsheet programs then read the names as UTF-8)
    data = ("\ufeff" + figures_csv(engine, reply)).encode("utf-8")
    caption = html.escape(reply.text.split("\n", 1)[0], quote=False)[:CAPTION_LIMIT]
    name = f"senim-{reply.payload or 'figures'}.csv"
    await context.bot.send_document(chat.id, document=data, filename=name, caption=caption)
    return None


async def _send_chart(update: Update, context: SenimContext, query: Query) -> str | None:
    chat = update.effective_chat
    if chat is None:
        return None
    lang = context.reply_lang
    spec = context.senim.engine.chart(query, lang)
    if spec is None:
        return translator(lang).gettext("There is nothing to draw for this answer.")
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    png = await asyncio.to_thread(context.senim.charts.get_or_render, spec)
    caption = html.escape(spec.title, quote=False) + "\n" + html.escape(spec.footnote, quote=False)
    if len(caption) > CAPTION_LIMIT:
        caption = html.escape(spec.title, quote=False)
    await context.bot.send_photo(chat.id, photo=png, caption=caption, filename="senim.png")
    return None


# -- the command menu ----------------------------------------------------------------------

# (command, handler, what the menu says of it): registered and published from this one table.
COMMANDS = (
    ("start", start, N_("Start, with example questions")),
    ("help", help_command, N_("What I know and how to ask")),
    ("language", language_command, N_("Language of commands and buttons")),
    ("about", about_command, N_("The survey, its method and sources")),
    ("forget", forget_command, N_("Delete what I keep about this chat")),
)


# -- inline mode ---------------------------------------------------------------------------


async def inline_query(update: Update, context: SenimContext) -> None:
    """`@bot police 2024` in any chat: the answer as an article to send."""
    inline = update.inline_query
    if inline is None:
        return
    engine = context.senim.engine
    code = (inline.from_user.language_code or "")[:2].lower()
    hint = code if code in LANGUAGES else None
    text = inline.query.strip()
    if not text:
        replies = engine.headlines(hint or "en")
    else:
        payload, shown_in = shared(text)
        decoded = engine.decode(payload)
        reply = (
            engine.reply_to(decoded, shown_in or hint or "en")
            if decoded
            else engine.ask(text, lang_hint=hint)
        )
        replies = [reply]
        if reply.message.options and not reply.figures:
            # "trust": which body? One article per option, each the answer it stands for
            options = [o.query for o in reply.message.options if o.query.states_figures]
            replies = [engine.reply_to(option, reply.lang) for option in options] or replies
    results = [_article(engine, reply) for reply in replies[:INLINE_RESULTS]]
    # Personal: the articles follow the asker's language, so one user's cached answer
    # must never be shown to another
    await inline.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=True)


def _article(engine: Engine, reply: Reply) -> InlineQueryResultArticle:
    lines = [line for line in to_text(reply.message).split("\n") if line.strip()]
    title, description = _inline_texts(engine, reply, lines)
    link = engine.link(reply.payload)
    body = to_html(reply.message) + (f"\n{html.escape(link)}" if link else "")
    identity = reply.payload or hashlib.sha1(body.encode()).hexdigest()[:32]
    return InlineQueryResultArticle(
        id=identity[:64],
        title=title,
        description=description or None,
        input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
    )


def _inline_texts(engine: Engine, reply: Reply, lines: list[str]) -> tuple[str, str]:
    """An article's title and description, written for the list Telegram shows: the
    heading (what, whose, which wave) and the first figure with its source, each cut at
    a word, never inside one."""
    if not reply.figures or not lines:
        return _clipped(lines[0] if lines else "Senim"), _clipped(" ".join(lines[1:2]))
    heading = lines[0]
    first = next((line for line in lines[1:] if line[:1] in "•0123456789"), "")
    item = first.lstrip("•0123456789. ").split(" (", 1)[0]
    p = engine.phrases[reply.lang]
    source = p.name("source_short", reply.figures[0].source)
    return _clipped(heading), _clipped(f"{item} · {source}" if item else source)


def _clipped(text: str, limit: int = INLINE_TITLE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—·")
    return cut + "…"


# -- errors --------------------------------------------------------------------------------


async def on_error(update: object, context: SenimContext) -> None:
    """Log which update failed (never what the user wrote) and apologise."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "update %s failed: %s", update_id, type(context.error).__name__, exc_info=context.error
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        text = escaped(
            context.t.gettext("Sorry, something went wrong on my side. Please try again.")
        )
        await send_html(context, update.effective_chat.id, text)
    except Exception:
        log.warning("could not apologise for update %s", update_id)
