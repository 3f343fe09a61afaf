"""The one entry point every transport uses: question (+ context) -> Reply."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.answer import Answerer, Figure
from bot.catalog import Catalog
from bot.config import Settings
from bot.i18n import LANGUAGES
from bot.links import decode, encode
from bot.memo import Memo
from bot.nlu.lexicon import Lexicon
from bot.nlu.normalize import clean, without_surrogates
from bot.nlu.parse import CLARIFY, NOT_AVAILABLE, SMALL_TALK, Parsed, Parser, Query
from bot.render import Option, Renderer, plain
from bot.store import Store

# Budgets in bytes (estimated per entry by the weights below; measured in
# benchmarks/hostile_input.py): a few MB each, whatever people send.
PARSE_BUDGET = 6_000_000
RENDER_BUDGET = 6_000_000
ParseKey = tuple[str, Query | None, str | None]
Rendered = tuple[tuple[Figure, ...], str, tuple[Option, ...], str | None]


def _parse_weight(key: ParseKey) -> int:
    return 700 + 2 * len(key[0])  # the text (1-2 bytes a character) and a parsed Query


def _render_weight(key: tuple[Query, str]) -> int:
    query = key[0]
    return 3000 + 4 * (len(query.missing or "") + len(query.detail or ""))  # the reply's HTML


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
    def __init__(self, store: Store, lexicon: Lexicon, bot_username: str) -> None:
        self.store = store
        self.catalog = Catalog.from_store(store)
        self.parser = Parser(lexicon, self.catalog)
        self.answerer = Answerer(store, self.catalog)
        self.renderer = Renderer(store, self.catalog)
        self.bot_username = bot_username
        # The store cannot change under a running engine, so the same question in the
        # same context always parses, and the same query always renders, the same way.
        # Keyed on the cleaned text (at most MAX_QUESTION_CHARS) and bounded by size, so
        # that long or endless distinct questions cannot grow memory (README, "Memory").
        self._parse: Memo[ParseKey, Parsed] = Memo(
            lambda key: self.parser.parse(*key), PARSE_BUDGET, _parse_weight
        )
        self._rendered: Memo[tuple[Query, str], Rendered] = Memo(
            lambda key: self._render(*key), RENDER_BUDGET, _render_weight
        )

    @classmethod
    def open(cls, settings: Settings) -> Engine:
        """The engine over the configured store (built or rebuilt first when needed)."""
        from bot.build import open_store

        store, lexicon = open_store(settings.knowledge_dir, settings.db_path)
        return cls(store, lexicon, settings.bot_username)

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
        question = without_surrogates(question)  # echoed in replies and JSON: must encode
        parsed = self._parse((clean(question), context, lang or lang_hint))
        reply_lang = lang if lang in LANGUAGES else parsed.lang
        return self.reply_to(parsed.query, reply_lang, question)

    def reply_to(self, query: Query, lang: str, question: str = "") -> Reply:
        """Answer a query directly (buttons, share links) in a language."""
        figures, html, options, payload = self._rendered((query, lang))
        return Reply(question, lang, query, figures, html, options, payload)

    def _render(self, query: Query, lang: str) -> Rendered:
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
