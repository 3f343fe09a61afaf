"""The one entry point every transport uses: question (+ context) -> Reply."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from bot.answer import Answerer, Figure
from bot.catalog import Catalog
from bot.config import Settings
from bot.i18n import LANGUAGES
from bot.links import decode, encode
from bot.nlu.lexicon import Lexicon
from bot.nlu.parse import CLARIFY, NOT_AVAILABLE, SMALL_TALK, Parser, Query
from bot.render import Option, Renderer, plain
from bot.store import Store


@dataclass(frozen=True, slots=True)
class Reply:
    question: str
    lang: str
    query: Query
    figures: tuple[Figure, ...]
    html: str  # the Telegram message (parse_mode HTML)
    options: tuple[Option, ...]
    payload: str | None  # share-link payload

    @property
    def intent(self) -> str:
        return self.query.intent

    @property
    def text(self) -> str:
        return plain(self.html)

    @property
    def answered(self) -> bool:
        """Did the reply state figures (rather than help, clarify or refuse)?"""
        return bool(self.figures)


class Engine:
    def __init__(self, store: Store, bot_username: str) -> None:
        self.store = store
        self.catalog = Catalog.from_store(store)
        snapshot = store.meta("lexicon_snapshot")
        lexicon = (
            Lexicon.from_snapshot(snapshot)
            if snapshot
            else Lexicon(store.lexicon_rows(), store.morphology_rows())
        )
        self.parser = Parser(lexicon, self.catalog)
        self.answerer = Answerer(store, self.catalog)
        self.renderer = Renderer(store, self.catalog)
        self.bot_username = bot_username
        # The store cannot change under a running engine, so the same question in the
        # same context always parses, and the same query always renders, the same way.
        self._parse = lru_cache(maxsize=8192)(self.parser.parse)
        self._rendered = lru_cache(maxsize=4096)(self._render)

    @classmethod
    def open(cls, settings: Settings) -> Engine:
        return cls(Store.open(settings.knowledge_dir, settings.db_path), settings.bot_username)

    def warm_up(self) -> None:
        """Load lazily built data (lexicon indexes, babel locale data for every reply
        language) by answering the /start examples in each language: for a bot, which
        would otherwise make its first users wait for it."""
        self.parser.lexicon.prepare()
        for lang in LANGUAGES:
            for example in self.renderer.examples(lang):
                self.ask(example, lang=lang)

    def ask(
        self,
        question: str,
        *,
        lang: str | None = None,
        context: Query | None = None,
        lang_hint: str | None = None,
    ) -> Reply:
        """Answer one question; lang forces the reply language, lang_hint breaks ties."""
        parsed = self._parse(question, context, lang or lang_hint)
        reply_lang = lang if lang in LANGUAGES else parsed.lang
        return self.reply_to(parsed.query, reply_lang, question)

    def reply_to(self, query: Query, lang: str, question: str = "") -> Reply:
        """Answer a query directly (buttons, share links) in a language."""
        figures, html, options, payload = self._rendered(query, lang)
        return Reply(question, lang, query, figures, html, options, payload)

    def _render(
        self, query: Query, lang: str
    ) -> tuple[tuple[Figure, ...], str, tuple[Option, ...], str | None]:
        answer = self.answerer.answer(query)
        html, options = self.renderer.render(answer, lang)
        payload = None
        if query.intent not in (*SMALL_TALK, CLARIFY, NOT_AVAILABLE) and answer.figures:
            pinned = replace(query, waves=query.waves or self._answered_waves(answer))
            payload = encode(pinned, self.catalog)
        return tuple(answer.figures), html, options, payload

    def _answered_waves(self, answer) -> tuple[str, ...]:
        if answer.base_wave and answer.wave:
            return (answer.base_wave, answer.wave)
        return (answer.wave,) if answer.wave else ()

    def link(self, payload: str | None) -> str | None:
        if payload is None:
            return None
        return f"https://t.me/{self.bot_username}?start={payload}"

    def decode(self, payload: str) -> Query | None:
        return decode(payload, self.catalog)
