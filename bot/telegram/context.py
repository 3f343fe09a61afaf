"""What every handler gets: the services (engine, chat state, charts) and the chat's
language, on a typed PTB context (ContextTypes), not in an untyped bot_data dict."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.charts import ChartCache
from bot.engine import Engine
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, translator
from bot.telegram.presence import Typing
from bot.telegram.state import ChatStates


class Services:
    """What handlers share. PTB makes one per application (ContextTypes.bot_data, built
    without arguments); build_application then sets engine, states and charts."""

    engine: Engine
    states: ChatStates
    charts: ChartCache

    def __init__(self) -> None:
        self.locks: dict[int, asyncio.Lock] = {}
        self.typing = Typing()
        self.flusher: asyncio.Task[None] | None = None

    def turn(self, chat_id: int) -> asyncio.Lock:
        """One update at a time per chat, so a quick follow-up sees the answer before it;
        other chats are served concurrently."""
        if len(self.locks) > 10_000:  # forget idle chats' locks
            self.locks = {k: v for k, v in self.locks.items() if v.locked()}
        return self.locks.setdefault(chat_id, asyncio.Lock())


class SenimContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], Services]):
    """A CallbackContext that knows the update it was made for, for the chat's language."""

    for_update: Update | None = None
    _state: dict[str, Any] | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> SenimContext:
        context = super().from_update(update, application)
        context.for_update = update if isinstance(update, Update) else None
        return context

    @property
    def senim(self) -> Services:
        return self.bot_data

    @property
    def state(self) -> dict[str, Any]:
        """The chat's stored state as the update found it (read once per update: a
        handler reads it before it writes)."""
        if self._state is None:
            chat = self.for_update.effective_chat if self.for_update else None
            self._state = self.senim.states.get(chat.id) if chat is not None else {}
        return self._state

    @property
    def lang(self) -> str:
        """The language of commands and buttons: the chat's choice (/language), else the
        user's Telegram language, else English."""
        return ui_language(self.for_update, self.state)

    @property
    def t(self) -> Translator:
        """The chat's interface language, for commands' and buttons' own words."""
        return translator(self.lang)

    @property
    def reply_lang(self) -> str:
        """The language answers to buttons are in: that of the chat's last reply."""
        return str(self.state.get("reply_lang") or self.lang)


def ui_language(update: Update | None, state: dict[str, Any]) -> str:
    chosen = state.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    user = update.effective_user if update else None
    code = (user.language_code or "")[:2].lower() if user else ""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE
