"""A question's words -> a Query: the intent and its slots, or a reason not to answer.

No vocabulary here: words become concepts in the lexicon; this module only
decides what a combination of concepts asks for, using what the catalog says
the store holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.catalog import CRIME, REASONS, SAFETY, SURVEY, TRUST, Catalog
from bot.memo import Memo
from bot.nlu.language import detect
from bot.nlu.lexicon import Lexicon, Sense
from bot.nlu.normalize import Token, tokenize

# Intents (the engine's names, reported as "intent" in JSON).
VALUE = "value"
BREAKDOWN = "breakdown"
CHANGE = "change"
COMPARE = "compare"
RANKING = "ranking"
SURVEY_FACTS = "survey_facts"
SURVEY_INFO = "survey_info"
GLOSSARY = "glossary"
CLARIFY = "clarify"
NOT_AVAILABLE = "not_available"
GREETING = "greeting"
THANKS = "thanks"
HELP = "help"
OUT_OF_SCOPE = "out_of_scope"
SMALL_TALK = (GREETING, THANKS, HELP, OUT_OF_SCOPE)

TRUST_CUES = frozenset(
    {"trust", "distrust", "agree", "disagree", "partial", "never_encountered", "all_institutions"}
)
TOPIC_CUES = TRUST_CUES | {"crime", "safety", "unsafe", "reason", "fear", "sample"}
INTENT_CUES = frozenset({"change", "compare", "most", "least", "ranking", "breakdown"})
INFO_CUES = frozenset({"when", "release", "next", "source", "method", "fieldwork"})
YEARS = range(1990, 2101)
SEASONS = {"spring": {3, 4, 5}, "summer": {6, 7, 8}, "autumn": {9, 10, 11}, "winter": {12, 1, 2}}


# Words of one question searched as typos: a real question has a few; a paste of noise
# would otherwise cost ~0.4 ms for each of its words.
MAX_TYPO_WORDS = 12
# Bytes for memoised analyses (estimated by _analysis_weight; see bot.memo).
ANALYSIS_BUDGET = 8_000_000


def _analysis_weight(key: tuple[str, str | None]) -> int:
    return 1500 + 6 * len(key[0])  # the text, and the concepts found in it


@dataclass(frozen=True, slots=True)
class Query:
    """What was asked, in canonical ids; the same value drives answers and share links."""

    intent: str
    topic: str | None = None
    subjects: tuple[str, ...] = ()
    measure: str | None = None  # None: the intent's default (trust; or every category)
    waves: tuple[str, ...] = ()  # () = the latest wave
    order: str | None = None  # "desc" | "asc" for rankings
    detail: str | None = None  # survey_info kind, glossary term, unavailable kind
    missing: str | None = None  # not_available: the id (or words) asked for
    options: tuple[Query, ...] = ()  # clarify: what the user may have meant
    waves_named: bool = False  # the question itself named its wave(s)


@dataclass(frozen=True, slots=True)
class Parsed:
    query: Query
    lang: str


@dataclass(slots=True)
class _Features:
    """The concepts found in one question, with their positions."""

    institutions: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    unavailable: list[tuple[str, str]] = field(default_factory=list)  # kind, id
    cues: dict[str, list[int]] = field(default_factory=dict)
    months: set[int] = field(default_factory=set)
    seasons: set[str] = field(default_factory=set)
    years: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    survey: set[str] = field(default_factory=set)
    glossary: list[str] = field(default_factory=list)
    wave_words: list[str] = field(default_factory=list)  # as typed, for "no data for ..."
    unknown: int = 0  # words the lexicon does not know at all (not even as everyday words)

    def has(self, *cues: str) -> bool:
        return any(cue in self.cues for cue in cues)

    def near(self, cue: str, targets: tuple[str, ...], before: int, after: int) -> bool:
        """Is `cue` within `before` words ahead of, or `after` words behind, a target?"""
        spots = [p for t in targets for p in self.cues.get(t, ())]
        return any(
            0 < s - c <= before or 0 < c - s <= after for c in self.cues.get(cue, ()) for s in spots
        )


class Parser:
    def __init__(self, lexicon: Lexicon, catalog: Catalog) -> None:
        self.lexicon = lexicon
        self.catalog = catalog
        # What a text says does not depend on the conversation, only what it asks
        # for does: the same words after a different previous question (every chat
        # has its own) reuse the analysis and only redo the cheap last step.
        self._analysed: Memo[tuple[str, str | None], tuple[_Features, str]] = Memo(
            lambda key: self._analyse(*key), ANALYSIS_BUDGET, _analysis_weight
        )

    def parse(
        self, text: str, context: Query | None = None, lang_hint: str | None = None
    ) -> Parsed:
        """The query a question asks, in its language. `text` should be cleaned
        (bot.nlu.normalize.clean), which bounds its length."""
        features, lang = self._analysed((text, lang_hint))
        return Parsed(self._query(features, context), lang)

    def _analyse(self, text: str, lang_hint: str | None) -> tuple[_Features, str]:
        """The concepts in a text and its language. The result is shared by every later
        parse of the same text: nothing after this step may change it."""
        tokens = tokenize(text)
        senses = []
        typos = 0  # words looked up as typos so far
        for token in tokens:
            sense = self.lexicon.sense(token, fuzzy=typos < MAX_TYPO_WORDS)
            typos += token.number is None and (sense.fuzzy or not sense.bases)
            senses.append(sense)
        features, phrase_langs = self._features(tokens, senses)
        return features, detect(tokens, senses, phrase_langs, fallback=lang_hint)

    # -- words -> concepts --------------------------------------------------------

    def _features(
        self, tokens: list[Token], senses: list[Sense]
    ) -> tuple[_Features, dict[int, str]]:
        features = _Features()
        covered: set[int] = set()
        phrase_langs: dict[int, str] = {}
        # Phrases first, longest first, so "Алматы облысы" is not read as "Алматы".
        matches = []
        for start, sense in enumerate(senses):
            for base in sense.phrase_bases:
                for phrase in self.lexicon.phrases_from(base):
                    end = start + len(phrase.words)
                    if end <= len(senses) and all(
                        word in senses[start + k].phrase_bases
                        for k, word in enumerate(phrase.words)
                    ):
                        matches.append((len(phrase.words), start, phrase))
        for length, start, phrase in sorted(matches, key=lambda m: (-m[0], m[1])):
            span = set(range(start, start + length))
            if span & covered:
                continue
            if phrase.entry.concept.startswith("glossary/"):
                # A term is only a possibility ("правоохранительным органам" may be the
                # term or every body): its words keep their own meanings too.
                self._note(features, phrase.entry.concept, start, tokens[start : start + length])
                continue
            covered |= span
            self._note(features, phrase.entry.concept, start, tokens[start : start + length])
            for index in span:
                phrase_langs[index] = phrase.entry.lang
        for index, (token, sense) in enumerate(zip(tokens, senses, strict=True)):
            if index in covered:
                continue
            if token.number is not None:
                if token.number in YEARS:
                    features.years.append(token.number)
                    features.wave_words.append(token.text)
                continue
            if not sense.phrase_bases and len(token.key) > 2:
                features.unknown += 1
            concepts = {e.concept for base in sense.bases for e in self.lexicon.concepts_of(base)}
            for concept in sorted(concepts):
                self._note(features, concept, index, [token])
        return features, phrase_langs

    @staticmethod
    def _note(features: _Features, concept: str, position: int, words: list[Token]) -> None:
        kind, _, ident = concept.partition("/")
        if kind == "institution":
            if ident not in features.institutions:
                features.institutions.append(ident)
        elif kind == "region":
            if ident not in features.regions:
                features.regions.append(ident)
        elif kind.startswith("unavailable_"):
            features.unavailable.append((kind.removeprefix("unavailable_"), ident))
        elif kind == "cue":
            features.cues.setdefault(ident, []).append(position)
        elif kind == "month":
            features.months.add(int(ident))
            features.wave_words.extend(w.text for w in words)
        elif kind == "season":
            features.seasons.add(ident)
            features.wave_words.extend(w.text for w in words)
        elif kind == "reason":
            if ident not in features.reasons:
                features.reasons.append(ident)
        elif kind == "survey":
            features.survey.add(ident)
        elif kind == "glossary" and ident not in features.glossary:
            features.glossary.append(ident)

    # -- concepts -> query ----------------------------------------------------------

    def _query(self, f: _Features, context: Query | None) -> Query:
        waves, wave_problem = self._waves(f, context)
        query = self._fresh(f, context)
        if query is not None and context is not None and self._elliptical(f):
            query = self._inherit(query, context)
        if query is None:
            query = self._follow_up(f, context, waves)
        if query is None:
            return self._small_talk(f, waves)
        if wave_problem is not None and query.intent not in SMALL_TALK:
            return Query(NOT_AVAILABLE, topic=query.topic, detail="wave", missing=wave_problem)
        if waves and query.intent not in (*SMALL_TALK, NOT_AVAILABLE, CLARIFY, GLOSSARY):
            query = replace(query, waves=tuple(w for w in waves), waves_named=True)
            if len(query.waves) > 1 and query.intent in (VALUE, BREAKDOWN):
                query = replace(query, intent=CHANGE)
        return self._check(query)

    @staticmethod
    def _elliptical(f: _Features) -> bool:
        """Names a subject or a wave but not what about it: "а прокуратуре?", "Ақтөбеде?"."""
        return not f.has(*TOPIC_CUES, "hard_to_say", "survey", *INTENT_CUES, "define")

    def _inherit(self, query: Query, context: Query) -> Query:
        if query.topic != context.topic or query.intent in (NOT_AVAILABLE, CLARIFY):
            return query
        if query.intent == VALUE and context.intent in (CHANGE, BREAKDOWN):
            query = replace(query, intent=context.intent)
        if query.measure is None and context.intent in (VALUE, CHANGE):
            query = replace(query, measure=context.measure)
        if context.waves_named:
            query = replace(query, waves=context.waves, waves_named=True)
        return query

    def _waves(self, f: _Features, context: Query | None) -> tuple[list[str], str | None]:
        """Waves the question names, or (None-ish, what was asked) when none matches."""
        catalog = self.catalog
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
        if f.has("latest") and f.has("wave", "release", "survey"):
            return [catalog.latest.id], None
        return [], None

    def _fresh(self, f: _Features, context: Query | None) -> Query | None:
        """A question that stands on its own; None when it needs context."""
        if f.glossary and (f.has("define") or not f.has(*TOPIC_CUES, *INTENT_CUES)):
            return Query(GLOSSARY, detail=f.glossary[0])
        if f.has("define") and f.has("crime") and not f.regions:
            return Query(GLOSSARY, detail="crime")
        domain = (
            f.institutions
            or f.regions
            or f.reasons
            or f.survey
            or f.has(*TOPIC_CUES, "hard_to_say")
            or f.unavailable
        )
        if f.has("offtopic") and not (f.institutions or f.has(*TOPIC_CUES)):
            return Query(OUT_OF_SCOPE)
        if not domain:
            info = self._survey_info(f)
            if info is not None:
                return info
            return None
        group = next((ident for kind, ident in f.unavailable if kind == "group"), None)
        if group is not None:  # "do women trust the police?": no such breakdown exists
            return Query(NOT_AVAILABLE, topic=TRUST, detail="group", missing=group)
        if f.unavailable and not (f.institutions or f.regions):
            kind, ident = f.unavailable[0]
            topic = {"region": CRIME, "survey": SURVEY}.get(kind, TRUST)
            return Query(NOT_AVAILABLE, topic=topic, detail=kind, missing=ident)
        if (f.has("reason", "fear") or f.reasons) and not f.institutions and not f.regions:
            return Query(
                VALUE, topic=REASONS, subjects=self._one(REASONS), measure=_only(f.reasons)
            )
        other_topic = f.has(*TRUST_CUES, "safety", "unsafe", "crime", "reason", "hard_to_say")
        if f.survey or (f.has("sample") and not f.institutions and not other_topic):
            return self._survey_facts(f)
        if f.has("safety", "unsafe") and not f.institutions:
            return self._safety(f)
        if f.institutions or f.has(*TRUST_CUES):
            if (f.regions or f.has("region")) and not f.has("crime"):
                return Query(
                    NOT_AVAILABLE,
                    topic=TRUST,
                    detail="trust_by_region",
                    missing=f.regions[0] if f.regions else None,
                )
            return self._trust(f, context)
        if f.has("crime") or f.regions:
            crime = self._crime(f)
            if not f.has("crime") and f.unknown and crime.intent != NOT_AVAILABLE:
                # A place among words the lexicon does not know ("bus fare in Astana",
                # "capital of Kazakhstan"): crime counts are the only figures by region,
                # but nothing says they were asked for, so offer them instead.
                return Query(CLARIFY, topic=CRIME, detail="crime", options=(crime,))
            return crime
        if f.has("hard_to_say") and context is None:
            return self._clarify_trust()
        return None

    def _one(self, topic: str) -> tuple[str, ...]:
        return (self.catalog.topic_subject[topic],)

    def _survey_info(self, f: _Features) -> Query | None:
        if f.has("source") or (
            f.has("which") and f.has("fieldwork", "survey") and not f.has("when")
        ):
            return Query(SURVEY_INFO, detail="sources")
        if f.has("method"):
            return Query(SURVEY_INFO, detail="method")
        if f.has("next"):
            return Query(SURVEY_INFO, detail="next_release")
        if f.has("release"):
            return Query(SURVEY_INFO, detail="release")
        if f.has("when") and (f.has("survey", "fieldwork", "wave")):
            return Query(SURVEY_INFO, detail="fieldwork")
        if f.has("fieldwork") and f.has("survey"):
            return Query(SURVEY_INFO, detail="fieldwork")
        if f.has("when"):
            return Query(SURVEY_INFO, detail="release")
        return None

    def _survey_facts(self, f: _Features) -> Query:
        subjects = self._one(SURVEY)
        ages, households, share = (
            "age" in f.survey,
            "households_sampled" in f.survey,
            f.has("share"),
        )
        if ages and (households or share):  # "sample size and age range"
            return Query(SURVEY_FACTS, topic=SURVEY, subjects=subjects, detail="all")
        if households and share:  # "how many households, and what share of all?"
            return Query(SURVEY_FACTS, topic=SURVEY, subjects=subjects, detail="sample")
        if ages:
            if f.has("min") and not f.has("max"):
                return Query(SURVEY_FACTS, topic=SURVEY, subjects=subjects, measure="age_min")
            if f.has("max") and not f.has("min"):
                return Query(SURVEY_FACTS, topic=SURVEY, subjects=subjects, measure="age_max")
            return Query(SURVEY_FACTS, topic=SURVEY, subjects=subjects, detail="ages")
        if f.has("share"):
            return Query(SURVEY_FACTS, topic=SURVEY, subjects=subjects, measure="household_share")
        if "households_sampled" in f.survey:
            return Query(
                SURVEY_FACTS, topic=SURVEY, subjects=subjects, measure="households_sampled"
            )
        return Query(SURVEY_FACTS, topic=SURVEY, subjects=subjects, detail="sample")

    def _safety(self, f: _Features) -> Query:
        unsafe = (
            f.has("unsafe")
            or f.near("neg", ("safety",), before=4, after=0)
            or f.near("neg_after", ("safety",), before=0, after=2)
        )
        if f.has("hard_to_say"):
            measure = "hard_to_say"
        elif unsafe:
            measure = "not_safe_at_all" if f.has("completely") else "not_safe"
        elif f.has("completely"):
            measure = "completely_safe"
        elif f.has("enough"):
            measure = "safe_enough"
        else:
            measure = None
        intent = CHANGE if f.has("change") else VALUE
        return Query(intent, topic=SAFETY, subjects=self._one(SAFETY), measure=measure)

    def _trust_measure(self, f: _Features) -> str | None:
        trust_words = ("trust", "agree")
        negated = (
            f.has("distrust", "disagree")
            or f.near("neg", trust_words, before=2, after=0)
            or f.near("neg_after", trust_words, before=0, after=2)
        )
        if f.has("hard_to_say"):
            return "hard_to_say"
        if f.has("never_encountered"):
            return "never_encountered"
        if f.has("total"):
            return "distrust_total" if negated else "trust_total"
        if negated:
            return "partial_distrust" if f.has("partial", "rather") else "distrust"
        if f.has("partial"):
            return "partial_trust"
        return None

    def _trust(self, f: _Features, context: Query | None) -> Query | None:
        measure = self._trust_measure(f)
        institutions = tuple(f.institutions)
        order = "asc" if f.has("least") else "desc"
        if f.has("change") and f.has("fall") and not f.has("rise"):
            order = "asc"  # "where did trust fall most": the biggest fall first
        if len(institutions) >= 2 and f.has("difference") and not f.wave_words:
            # "the difference between the fire service and the police": a comparison
            return Query(COMPARE, topic=TRUST, subjects=institutions, measure=measure, order=order)
        # "law enforcement and the courts" means every body, not just the one named;
        # "which body...", "most trusted" with no body named means all of them, ranked.
        collective = f.has("all_institutions") and len(institutions) <= 1 and not f.has("breakdown")
        unnamed = not institutions and f.has("most", "least", "ranking", "which", "compare", "body")
        if collective or unnamed:
            intent = CHANGE if f.has("change") else RANKING
            everyone = self.catalog.institutions
            return Query(intent, topic=TRUST, subjects=everyone, measure=measure, order=order)
        if len(institutions) >= 2:
            intent = CHANGE if f.has("change") else COMPARE
            return Query(intent, topic=TRUST, subjects=institutions, measure=measure, order=order)
        if len(institutions) == 1:
            if f.has("change"):
                intent = CHANGE
            elif f.has("breakdown") and measure is None:
                intent = BREAKDOWN
            else:
                intent = VALUE
            return Query(intent, topic=TRUST, subjects=institutions, measure=measure)
        if f.has("change"):
            return Query(CHANGE, topic=TRUST, subjects=self.catalog.institutions, measure=measure)
        if context is not None and context.topic == TRUST and context.subjects:
            return None  # "what about distrust?": a follow-up on the same institution
        return self._clarify_trust(measure)

    def _clarify_trust(self, measure: str | None = None) -> Query:
        everyone = self.catalog.institutions
        options = (
            *(Query(VALUE, topic=TRUST, subjects=(i,), measure=measure) for i in everyone),
            Query(RANKING, topic=TRUST, subjects=everyone, measure=measure, order="desc"),
        )
        return Query(CLARIFY, topic=TRUST, detail="institution", options=options)

    def _crime(self, f: _Features) -> Query:
        if f.has("change"):  # one release of counts: there is no trend to show
            return Query(NOT_AVAILABLE, topic=CRIME, detail="change")
        regions = tuple(f.regions)
        if len(regions) == 1 and not f.has("most", "least", "ranking"):
            return Query(VALUE, topic=CRIME, subjects=regions, measure="registered_crimes")
        if len(regions) >= 2:
            return Query(
                COMPARE, topic=CRIME, subjects=regions, measure="registered_crimes", order="desc"
            )
        order = "asc" if f.has("least") else "desc"
        return Query(
            RANKING,
            topic=CRIME,
            subjects=self.catalog.regions,
            measure="registered_crimes",
            order=order,
        )

    # -- follow-ups and the rest ---------------------------------------------------------

    def _follow_up(self, f: _Features, context: Query | None, waves: list[str]) -> Query | None:
        """Reuse the previous question's slots for "and in 2023?", "а прокуратуре?"."""
        if (
            context is None
            or context.intent in SMALL_TALK
            or context.intent in (CLARIFY, NOT_AVAILABLE)
        ):
            if context is not None and context.intent == CLARIFY and f.institutions:
                return Query(VALUE, topic=TRUST, subjects=tuple(f.institutions))
            if (
                context is not None
                and context.intent == NOT_AVAILABLE
                and context.topic == CRIME
                and f.has("most", "least", "ranking")
            ):
                # "crimes in Pavlodar?" (not published) then "which one is lowest?"
                return self._crime(f)
            return None
        if context.topic is None:
            return None
        query = context
        measure = self._trust_measure(f) if context.topic == TRUST else None
        if context.topic == TRUST and not (
            measure or waves or f.has(*INTENT_CUES) or f.has("followup", "completely")
        ):
            return None
        if measure:
            query = replace(
                query, measure=measure, intent=VALUE if query.intent == BREAKDOWN else query.intent
            )
        if f.has("change"):
            query = replace(query, intent=CHANGE)
        elif f.has("breakdown") and context.topic == TRUST:
            query = replace(query, intent=BREAKDOWN, measure=None)
        elif f.has("most", "least", "ranking") and context.topic in (TRUST, CRIME):
            subjects = self.catalog.institutions if context.topic == TRUST else self.catalog.regions
            query = replace(
                query, intent=RANKING, subjects=subjects, order="asc" if f.has("least") else "desc"
            )
        if not waves and not measure and not f.has(*INTENT_CUES) and not f.has("followup"):
            return None
        if not waves and not query.waves_named:
            query = replace(query, waves=())
        return query

    def _small_talk(self, f: _Features, waves: list[str]) -> Query:
        if waves or f.years or f.has("share"):
            return Query(CLARIFY, detail="topic", waves=tuple(waves))
        if f.has("thanks"):
            return Query(THANKS)
        if f.has("greeting"):
            return Query(GREETING)
        if f.has("help"):
            return Query(HELP)
        return Query(OUT_OF_SCOPE)

    def _check(self, query: Query) -> Query:
        """Refuse what the store cannot answer, saying what it lacks."""
        catalog = self.catalog
        if query.intent in (*SMALL_TALK, CLARIFY, NOT_AVAILABLE, GLOSSARY, SURVEY_INFO):
            return query
        topic = query.topic or ""
        available = catalog.topic_waves.get(topic, ())
        missing = [w for w in query.waves if w not in available]
        if missing and query.intent != CHANGE:
            return Query(NOT_AVAILABLE, topic=topic, detail="wave", missing=missing[0])
        if query.intent == CHANGE and len(available) < 2:
            return Query(NOT_AVAILABLE, topic=topic, detail="change", missing=topic)
        if topic == TRUST and query.measure and query.measure not in catalog.derived:
            lacking = [s for s in query.subjects if query.measure not in catalog.measures_of(s)]
            if lacking and query.intent not in (RANKING,):
                return Query(
                    NOT_AVAILABLE,
                    topic=TRUST,
                    subjects=tuple(lacking),
                    detail="measure",
                    missing=query.measure,
                )
        return query


def _only(items: list[str]) -> str | None:
    return items[0] if len(items) == 1 else None
