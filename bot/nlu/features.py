"""A question's words -> the concepts they name (Features), and its language.

Words become concepts in the lexicon (knowledge/lexicon); this module only collects
what matched, and where: phrases first (longest first), then single words.
"""

from __future__ import annotations

from bot.memo import Memo
from bot.nlu.language import detect
from bot.nlu.lexicon import Lexicon, Sense
from bot.nlu.normalize import Token, tokens_of_clean

YEARS = range(1990, 2101)
# Words of one question searched as typos: a real question has a few; a paste of noise
# would otherwise cost ~0.4 ms for each of its words.
MAX_TYPO_WORDS = 12
# Bytes for memoised analyses (estimated by _analysis_weight; see bot.memo).
ANALYSIS_BUDGET = 8_000_000


class Features:
    """The concepts found in one question, with their positions. Shared by every parse
    of the same text (bot.memo): nothing after analysis may change it."""

    __slots__ = (
        "concepts",
        "cues",
        "facts",
        "glossary",
        "institutions",
        "months",
        "reasons",
        "regions",
        "seasons",
        "unavailable",
        "unknown",
        "wave_words",
        "years",
    )  # fmt: skip

    def __init__(self) -> None:
        self.institutions: list[str] = []
        self.regions: list[str] = []
        self.unavailable: list[tuple[str, str]] = []  # kind, id
        self.cues: dict[str, list[int]] = {}
        self.concepts: set[str] = set()  # kind/id and kind, for conditions
        self.months: set[int] = set()
        self.seasons: set[str] = set()
        self.years: list[int] = []
        self.reasons: list[str] = []
        self.facts: set[str] = set()
        self.glossary: list[str] = []
        self.wave_words: list[str] = []  # as typed, for "no data for ..."
        self.unknown = 0  # words the lexicon does not know at all (not even everyday ones)

    def has(self, *cues: str) -> bool:
        return any(cue in self.cues for cue in cues)


class Analyser:
    """Text -> (Features, language), memoised: what a text says does not depend on the
    conversation, only what it asks for does, so the same words in another chat reuse
    the analysis."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.analyse: Memo[tuple[str, str | None], tuple[Features, str]] = Memo(
            lambda key: self._analyse(*key), ANALYSIS_BUDGET, _analysis_weight
        )

    def _analyse(self, text: str, lang_hint: str | None) -> tuple[Features, str]:
        tokens = tokens_of_clean(text)
        senses = []
        typos = 0  # words looked up as typos so far
        for token in tokens:
            sense = self.lexicon.sense(token, fuzzy=typos < MAX_TYPO_WORDS)
            typos += token.number is None and (sense.fuzzy or not sense.bases)
            senses.append(sense)
        features, phrase_langs = self._features(tokens, senses)
        return features, detect(tokens, senses, phrase_langs, fallback=lang_hint)

    def _features(
        self, tokens: list[Token], senses: list[Sense]
    ) -> tuple[Features, dict[int, set[str]]]:
        features = Features()
        covered: set[int] = set()
        spans: dict[tuple[int, int], set[str]] = {}  # a phrase's words -> its concepts
        phrase_langs: dict[int, set[str]] = {}
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
        # Sorted in full, so that which of two phrases on the same words wins does not
        # depend on set order (which changes with Python's hash seed from run to run).
        matches.sort(key=lambda m: (-m[0], m[1], m[2].entry.concept, m[2].entry.lang))
        for length, start, phrase in matches:
            concept = phrase.entry.concept
            span = set(range(start, start + length))
            if (start, length) in spans:
                # Other phrases on exactly these words mean what they say too, as a
                # word listed under two concepts does ("how old": age and oldest), and
                # their language counts ("Almaty oblast" is English and Kazakh).
                if concept not in spans[(start, length)]:
                    spans[(start, length)].add(concept)
                    _note(features, concept, start, tokens[start : start + length])
                for index in span:
                    phrase_langs[index].add(phrase.entry.lang)
                continue
            if span & covered:
                continue
            if concept.startswith("glossary/"):
                # A term is only a possibility ("правоохранительным органам" may be the
                # term or every body): its words keep their own meanings too.
                _note(features, concept, start, tokens[start : start + length])
                continue
            covered |= span
            spans[(start, length)] = {concept}
            _note(features, concept, start, tokens[start : start + length])
            for index in span:
                phrase_langs[index] = {phrase.entry.lang}
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
                _note(features, concept, index, [token])
        return features, phrase_langs


def _analysis_weight(key: tuple[str, str | None]) -> int:
    return 1500 + 6 * len(key[0])  # the text, and the concepts found in it


def _note(features: Features, concept: str, position: int, words: list[Token]) -> None:
    kind, _, ident = concept.partition("/")
    if kind != "marker":
        features.concepts.add(concept)
        features.concepts.add(kind)
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
    elif kind == "fact":
        features.facts.add(ident)
    elif kind == "glossary" and ident not in features.glossary:
        features.glossary.append(ident)
