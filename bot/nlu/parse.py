"""A question (+ the conversation before it) -> the Query it asks.

    features -> the first claim that reads them (bot.intents.registry) -> follow-up
    -> the waves named -> what the store cannot answer is refused

No vocabulary here (words become concepts in knowledge/lexicon) and no questionnaire
ids (topics and measures come from knowledge/questionnaire.yaml through the catalog).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from bot.catalog import Catalog
from bot.intents import not_available, small_talk
from bot.intents.registry import CLAIMS
from bot.model import Intent, Lacking, Query
from bot.nlu.asked import INTENT_CUES, NEEDS_CONTEXT, Asked
from bot.nlu.features import Analyser, Features
from bot.nlu.lexicon import Lexicon
from bot.nlu.roles import places_question
from bot.questionnaire import BODIES, PLACES

SEASONS = {"spring": {3, 4, 5}, "summer": {6, 7, 8}, "autumn": {9, 10, 11}, "winter": {12, 1, 2}}
# Intents that a wave named in the question does not apply to.
WAVELESS = frozenset({*small_talk.INTENTS, Intent.NOT_AVAILABLE, Intent.CLARIFY, Intent.GLOSSARY})


class Parsed(NamedTuple):
    query: Query
    lang: str


class Parser:
    def __init__(self, lexicon: Lexicon, catalog: Catalog) -> None:
        self.lexicon = lexicon
        self.catalog = catalog
        self.analyser = Analyser(lexicon)

    def parse(
        self, text: str, context: Query | None = None, lang_hint: str | None = None
    ) -> Parsed:
        """The query a question asks, in its language. `text` should be cleaned
        (bot.nlu.normalize.clean), which bounds its length."""
        features, lang = self.analyser.analyse((text, lang_hint))
        return Parsed(self.query(features, context), lang)

    def query(self, f: Features, context: Query | None) -> Query:
        a = Asked(f, context, self.catalog)
        waves, wave_problem = self._waves(a)
        query = self._claimed(a)
        if query is not None and context is not None and a.elliptical:
            query = _inherit(query, context)
        if query is None:
            query = self._follow_up(a, waves)
        if query is None:
            query = small_talk.fallback(a, waves)
        if wave_problem is not None and not query.intent.small_talk:
            return Query(
                Intent.NOT_AVAILABLE, topic=query.topic, lacking=Lacking("wave", wave_problem)
            )
        if waves and query.intent not in WAVELESS:
            query = replace(query, waves=tuple(waves), waves_named=True)
            if len(query.waves) > 1 and query.intent in (Intent.VALUE, Intent.BREAKDOWN):
                query = replace(query, intent=Intent.CHANGE)
        return not_available.refuse(query, self.catalog)

    @staticmethod
    def _claimed(a: Asked) -> Query | None:
        for claim in CLAIMS:
            found = claim(a)
            if found is NEEDS_CONTEXT:
                return None
            if isinstance(found, Query):
                return found
        return None

    def _waves(self, a: Asked) -> tuple[list[str], str | None]:
        """Waves the question names, or ([], what was asked) when none matches."""
        f, catalog, context = a.f, self.catalog, a.context
        months = set(f.months)
        for season in f.seasons:
            months |= SEASONS[season]
        years = set(f.years)
        if years or months:
            by_release = f.has("release") and not f.has("fieldwork")
            found = catalog.waves_matching(years, months, by_release)
            if not found and months:
                # "the October survey" is fieldwork, "the July release" a release; when
                # the reading the words suggest matches nothing, try the other one
                # ("when was the April-May survey released").
                found = catalog.waves_matching(years, months, by_release=not by_release)
            if not found:
                return [], " ".join(f.wave_words)
            return [w.id for w in found], None
        if f.has("previous"):
            reference = context.waves[-1] if context and context.waves else catalog.latest.id
            previous = catalog.previous(reference) or catalog.previous(catalog.latest.id)
            return ([previous.id] if previous else []), None
        if f.has("latest") and f.has("wave", "release", "poll"):
            return [catalog.latest.id], None
        return [], None

    def _follow_up(self, a: Asked, waves: list[str]) -> Query | None:
        """Reuse the previous question's slots for "and in 2023?", "а прокуратуре?"."""
        f, context, q = a.f, a.context, a.q
        bodies, places = q.topic(BODIES), q.topic(PLACES)
        if context is None or context.intent.small_talk or not context.states_figures:
            if context is not None and context.intent == Intent.CLARIFY and f.institutions:
                return Query(Intent.VALUE, topic=bodies, subjects=tuple(f.institutions))
            if (
                context is not None
                and context.intent == Intent.NOT_AVAILABLE
                and context.topic == places
                and f.has("most", "least", "ranking")
            ):
                # "crimes in Pavlodar?" (not published) then "which one is lowest?"
                return places_question(a, q.by_role[PLACES])
            return None
        if context.topic is None:
            return None
        query = context
        measure = None
        if context.topic == bodies:
            measure = q.measure(q.by_role[BODIES], f)
            if not (measure or waves or f.has(*INTENT_CUES, "followup", "completely")):
                return None
        if measure:
            intent = Intent.VALUE if query.intent == Intent.BREAKDOWN else query.intent
            query = replace(query, measure=measure, intent=intent)
        if f.has("change"):
            query = replace(query, intent=Intent.CHANGE)
        elif f.has("breakdown") and context.topic == bodies:
            query = replace(query, intent=Intent.BREAKDOWN, measure=None)
        elif f.has("most", "least", "ranking") and context.topic in (bodies, places):
            query = replace(
                query,
                intent=Intent.RANKING,
                subjects=self.catalog.subjects[context.topic],
                order="asc" if f.has("least") else "desc",
            )
        if not waves and not measure and not f.has(*INTENT_CUES, "followup"):
            return None
        if not waves and not query.waves_named:
            query = replace(query, waves=())
        return query


def _inherit(query: Query, context: Query) -> Query:
    """An elliptical question ("а прокуратуре?") keeps the previous one's kind and wave."""
    if query.topic != context.topic or query.intent in (Intent.NOT_AVAILABLE, Intent.CLARIFY):
        return query
    if query.intent == Intent.VALUE and context.intent in (Intent.CHANGE, Intent.BREAKDOWN):
        query = replace(query, intent=context.intent)
    if query.measure is None and context.intent in (Intent.VALUE, Intent.CHANGE):
        query = replace(query, measure=context.measure)
    if context.waves_named:
        query = replace(query, waves=context.waves, waves_named=True)
    return query
