"""The one entry point every transport uses: question (+ context) -> Reply.

features -> the first claim -> Query -> its answer type: lookup -> render -> Message
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from bot.catalog import Catalog
from bot.config import Settings
from bot.figures import Lookup
from bot.i18n import LANGUAGES
from bot.intents.not_available import refusal
from bot.intents.registry import ANSWERS
from bot.links import decode, encode
from bot.memo import Memo
from bot.model import Answer, Figure, Intent, Message, Query, Span
from bot.nlu.lexicon import Lexicon
from bot.nlu.normalize import MAX_QUESTION_CHARS, clean, without_surrogates
from bot.nlu.parse import Parsed, Parser
from bot.phrases import Phrases
from bot.questionnaire import PLACES, Questionnaire
from bot.store import Store

if TYPE_CHECKING:
    from bot.charts import ChartSpec

# Budgets in bytes (estimated per entry by the weights below; measured in
# benchmarks/hostile_input.py): a few MB each, whatever people send.
PARSE_BUDGET = 6_000_000
RENDER_BUDGET = 6_000_000
ParseKey = tuple[str, Query | None, str | None]


def _parse_weight(key: ParseKey) -> int:
    return 700 + 2 * len(key[0])  # the text (1-2 bytes a character) and a parsed Query


def _render_weight(key: tuple[Query, str]) -> int:
    query = key[0]
    lacking = query.lacking.what if query.lacking else ""
    return 3000 + 4 * len(lacking or "")  # the reply's lines


class Rendered(NamedTuple):
    """What a query's answer looks like in one language (memoised per query and language)."""

    figures: tuple[Figure, ...]
    message: Message
    payload: str | None  # share-link payload


class Reply(NamedTuple):
    question: str
    lang: str
    query: Query
    figures: tuple[Figure, ...]
    message: Message
    payload: str | None  # share-link payload
    unexplained: tuple[str, ...] = ()  # words of the question not accounted for

    @property
    def intent(self) -> Intent:
        return self.query.intent

    @property
    def text(self) -> str:
        return self.message.text


class Engine:
    def __init__(self, store: Store, lexicon: Lexicon, bot_username: str) -> None:
        self.store = store
        self.catalog = Catalog.from_store(store)
        self.parser = Parser(lexicon, self.catalog)
        self.look = Lookup(store, self.catalog)
        self.phrases = {lang: Phrases(store, self.catalog, lang) for lang in LANGUAGES}
        self.bot_username = bot_username
        # The store cannot change under a running engine, so the same question in the
        # same context always parses, and the same query always renders, the same way.
        # Keyed on the cleaned text (at most MAX_QUESTION_CHARS) and bounded by size, so
        # that long or endless distinct questions cannot grow memory (README, "Memory").
        self._parse: Memo[ParseKey, Parsed] = Memo(
            lambda key: self.parser.parse(clean(key[0]), key[1], key[2]),
            PARSE_BUDGET,
            _parse_weight,
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

    @property
    def questionnaire(self) -> Questionnaire:
        return self.catalog.questionnaire

    def warm_up(self) -> None:
        """Load lazily built data (lexicon indexes, babel locale data for every reply
        language) by answering the /start examples in each language: for a bot, which
        would otherwise make its first users wait for it."""
        self.parser.lexicon.prepare()
        for lang in LANGUAGES:
            for example in self.phrases[lang].examples():
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
        # Keyed on the question as asked when it is within the cut (cleaning costs more
        # than the lookup), else on the cut text: either way at most MAX_QUESTION_CHARS.
        key = question if len(question) <= MAX_QUESTION_CHARS else clean(question)
        parsed = self._parse((key, context, lang or lang_hint))
        reply_lang = lang if lang in LANGUAGES else parsed.lang
        reply = self.reply_to(parsed.query, reply_lang, question)
        return reply._replace(unexplained=parsed.unexplained) if parsed.unexplained else reply

    def reply_to(self, query: Query, lang: str, question: str = "") -> Reply:
        """Answer a query directly (buttons, share links) in a language."""
        rendered = self._rendered((query, lang))
        return Reply(question, lang, query, rendered.figures, rendered.message, rendered.payload)

    def answer(self, query: Query) -> Answer:
        return ANSWERS[query.intent].lookup(query, self.look)

    def _render(self, query: Query, lang: str) -> Rendered:
        answer_type = ANSWERS[query.intent]
        answer = answer_type.lookup(query, self.look)
        p = self.phrases[lang]
        message = answer_type.render(answer, p)
        figures = answer.figures
        for part in query.also:  # a question on two topics: the second part after the first
            other = self._rendered((part, lang))
            message = replace(message, lines=(*message.lines, (), *other.message.lines))
            figures += tuple(f for f in other.figures if f not in figures)
        if query.lacking is not None and query.states_figures:
            # The part of a two-part question that was not published ("sample size and
            # margin of error", "police and the army"), said after the figures.
            note = ((), (Span(refusal(query, p)),))
            message = replace(message, lines=(*message.lines, *note))
        payload = None
        if query.states_figures and answer.figures:
            # (an answer over time pins every wave it shows: "since 2023" must not grow)
            # (a change pins both its waves: "than in 2023" means the latest, which moves)
            waves = answer.series or query.waves or answer.answered_waves
            if query.intent == Intent.CHANGE and answer.answered_waves:
                waves = answer.answered_waves
            pinned = replace(query, waves=waves)
            payload = encode(pinned, self.catalog)
        if payload is not None:
            steps = answer_type.steps(decode(payload, self.catalog) or query, p)
            message = replace(message, steps=steps, chart=self._drawn(query, lang))
        return Rendered(figures, message, payload)

    def _drawn(self, query: Query, lang: str) -> bool:
        """Whether the answer has a chart that means something (the Chart button)."""
        try:
            return self.chart(query, lang) is not None
        except ValueError:  # a spec the chart module refuses (too many labels): no button
            return False

    def chart(self, query: Query, lang: str) -> ChartSpec | None:
        """The chart of a query's answer, in a language (None: nothing to draw)."""
        p = self.phrases[lang]
        target = ANSWERS[query.intent].chart_query(query, p)
        return ANSWERS[target.intent].chart(self.answer(target), p)

    def examples(self, lang: str) -> list[str]:
        return self.phrases[lang].examples()

    # -- replies a transport asks for without a question ---------------------------------------

    def say(self, intent: Intent, lang: str) -> Reply:
        """A reply that needs no question: greeting, help (the /start, /help commands)."""
        return self.reply_to(Query(intent), lang)

    def about(self, lang: str) -> list[Reply]:
        """The survey's method, waves and sources (the /about command)."""
        kinds = ("method", "fieldwork", "sources")
        return [self.reply_to(Query(Intent.SURVEY_INFO, info=kind), lang) for kind in kinds]

    def headlines(self, lang: str) -> list[Reply]:
        """One headline answer of each kind (questionnaire.yaml), for inline mode."""
        replies = []
        for intent, topic in self.questionnaire.headlines:
            reading = self.questionnaire.by_topic[topic]
            kind = Intent(intent)
            query = Query(
                kind,
                topic=topic,
                subjects=self.catalog.subjects[topic],
                measure=reading.default if reading.role == PLACES else None,
                order="desc" if kind == Intent.RANKING else None,
            )
            replies.append(self.reply_to(query, lang))
        return replies

    def link(self, payload: str | None) -> str | None:
        if payload is None:
            return None
        return f"https://t.me/{self.bot_username}?start={payload}"

    def decode(self, payload: str) -> Query | None:
        return decode(payload, self.catalog)

    def encode(self, query: Query) -> str | None:
        return encode(query, self.catalog)
