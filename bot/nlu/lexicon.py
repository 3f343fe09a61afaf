"""knowledge/lexicon compiled for matching: which concepts a word can stand for.

A question word is matched, in order of trust, by: its exact form; the form
minus a suffix chain its language allows after that stem (Kazakh cases and
plurals, Russian and English endings); a prefix entry (`довер*`); and only when
nothing else matched, a fuzzy match that tolerates one or two typos. Each
result carries the languages it is evidence for.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from bot.nlu.normalize import (
    MAX_WORD_CHARS,
    WILDCARDS,
    WORD_CACHE,
    Token,
    kazakh_latin_key,
    keyboard_fold,
    skeleton,
    split_form,
)

VOWELS = frozenset("аеиоуяюэ")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
VOICELESS = frozenset("кпстфхцчшщ")
VOICED = frozenset("бвгджз")
SONORANT = frozenset("лмнр")
LATIN_LANG = "en"
AS_WRITTEN = "!"  # a word of a phrase form ending so must be typed as written
VOICING = {"к": "г", "п": "б"}  # folded: қ/к -> ғ/г, п -> б
INTENTION = "к"  # folded: -мақ/-мек after the stem is the intention, not -ма- + ending
MAX_VERB_STEM = 12  # letters: no Kazakh verb stem the lexicon lists is longer
FIRST_PERSON_WORD = 6  # letters: "бармын" and longer (shorter words end so by chance)
VERB_MORPHEMES = 6  # endings after a verb stem: көрсет-іп-бер-ің-із-ші is fewer


class SnapshotError(ValueError):
    """A stored lexicon snapshot that does not parse (a garbled or foreign store)."""


class Entry(NamedTuple):
    concept: str  # kind/id, e.g. institution/police, cue/trust
    lang: str


class Phrase(NamedTuple):
    words: tuple[str, ...]  # bases, one per word
    entry: Entry


class Sense(NamedTuple):
    """What one question word can be: lexicon bases, and language evidence."""

    bases: frozenset[str]  # for single-word concepts: the exact form wins when there is one
    phrase_bases: frozenset[str]  # for phrases: exact and inflected readings alike
    langs: frozenset[str]  # languages whose forms it matched
    suffix_lang: str | None  # a language whose inflection it carries (kk suffixes)
    fuzzy: bool


UNKNOWN = Sense(frozenset(), frozenset(), frozenset(), None, False)


class Suffix(NamedTuple):
    text: str
    after: frozenset[str]


PREFIX_TYPO_STEM = 7  # shortest prefix entry a typo is searched under
ABBREVIATION_LETTERS = 4  # an all-capitals form this short is an abbreviation


def _is_abbreviation(form: str) -> bool:
    letters = [ch for ch in form if ch.isalpha()]
    return 2 <= len(letters) <= ABBREVIATION_LETTERS and form.isupper()


def _edits(length: int) -> int:
    return 1 if length <= 7 else 2


def _sound_class(letter: str) -> str:
    if letter in VOWELS:
        return "vowel"
    if letter in VOICELESS:
        return "voiceless"
    if letter in VOICED:
        return "voiced"
    if letter in SONORANT:
        return "sonorant"
    return "other"


def _allowed(suffix: Suffix, before: str, after_possessive: bool) -> bool:
    if after_possessive:
        return "possessive" in suffix.after
    if not before:
        return False
    last = before[-1]
    return last in suffix.after or _sound_class(last) in suffix.after


class Lexicon:
    """The compiled vocabulary; build once per store, share everywhere."""

    def __init__(
        self,
        rows: Iterable[tuple[str, str, str]],
        morphology: Iterable[tuple[str, str, str, str]],
    ) -> None:
        self.concepts: dict[str, list[Entry]] = defaultdict(list)  # base -> entries
        self.phrases: dict[str, list[Phrase]] = defaultdict(list)  # first base -> phrases
        self.vocabulary: dict[str, set[str]] = defaultdict(set)  # base -> languages
        self.ru_stems: dict[str, set[str]] = defaultdict(set)  # stem -> bases
        self.prefixes: dict[str, list[tuple[str, str]]] = defaultdict(list)  # 3 letters -> bases
        self.kk: dict[str, list[Suffix]] = defaultdict(list)
        self.endings: dict[str, tuple[str, ...]] = {}
        self.loose: dict[str, tuple[int, int]] = {}
        # Abbreviations (ІІМ, АПК, MVD): base -> the forms as typed, keyboard-folded. Three
        # letters transliterated or folded fit far too many strings ("yym", "ыім"), so an
        # abbreviation counts only when typed as itself (in any case).
        self.abbreviations: dict[str, set[str]] = defaultdict(set)
        # Kazakh verb stems (forms written "бол-"): they take verb endings too.
        self.verb_stems: dict[str, str] = {}  # stem as it may appear -> the lexicon's
        self._load_morphology(morphology)
        for concept, lang, form in rows:
            self._add(Entry(concept, lang), form)
        self._finish()

    def _index_endings(self) -> None:
        """Endings by length, for both constructors: a word is checked against ~5
        slices, not ~50 endings."""
        self.ending_sets = {lang: frozenset(items) for lang, items in self.endings.items()}
        self.ending_lengths = {
            lang: tuple(sorted({len(e) for e in items}, reverse=True))
            for lang, items in self.endings.items()
        }

    def _finish(self) -> None:
        self._fuzzy_pool: dict[int, list[str]] | None = None  # built on the first typo
        self._fuzzy_choices: dict[tuple[int, int], list[str]] = {}
        self._kk_index: dict[str, tuple[dict[str, list[Suffix]], tuple[int, ...]]] = {}
        self._endings_cache: frozenset[str] | None = None
        self._morpheme_sets: dict[str, tuple[str, ...]] = {}
        self._number_words: dict[str, bool] = {}
        self._exact_sense = lru_cache(maxsize=WORD_CACHE)(self._sense)
        self._fuzzy_sense = lru_cache(maxsize=WORD_CACHE)(self._typo_sense)

    def sense(self, token: Token, *, fuzzy: bool = True) -> Sense:
        """What a question word can stand for (memoised per word). fuzzy=False skips the
        typo search, the one costly step (~0.4 ms a word): the parser allows it for a
        bounded number of words per question, so a long paste of noise stays cheap."""
        if len(token.text) > MAX_WORD_CHARS:
            return UNKNOWN  # longer than any form: nothing to match, nothing to cache
        found = self._exact_sense(token)
        if found.bases or token.number is not None or not fuzzy:
            return found
        return self._fuzzy_sense(token)

    # -- a compiled snapshot, so a one-shot `senim ask` need not compile ---------------

    def snapshot(self) -> str:
        """The compiled lexicon as JSON (written into the store by `senim build`)."""
        return json.dumps(
            {
                "concepts": {
                    b: [[e.concept, e.lang] for e in es] for b, es in self.concepts.items()
                },
                "phrases": {
                    b: [[list(p.words), p.entry.concept, p.entry.lang] for p in ps]
                    for b, ps in self.phrases.items()
                },
                "vocabulary": {b: sorted(langs) for b, langs in self.vocabulary.items()},
                "ru_stems": {stem: sorted(bases) for stem, bases in self.ru_stems.items()},
                "prefixes": {
                    k: [list(pair) for pair in pairs] for k, pairs in self.prefixes.items()
                },
                "kk": {
                    slot: [[x.text, sorted(x.after)] for x in xs] for slot, xs in self.kk.items()
                },
                "endings": {lang: list(items) for lang, items in self.endings.items()},
                "loose": {lang: list(pair) for lang, pair in self.loose.items()},
                "abbreviations": {b: sorted(v) for b, v in self.abbreviations.items()},
                "verb_stems": dict(sorted(self.verb_stems.items())),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_snapshot(cls, text: str) -> Lexicon:
        """The lexicon `senim build` compiled; SnapshotError when it is not one."""
        try:
            return cls._from_snapshot(json.loads(text))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            raise SnapshotError(f"{type(error).__name__}: {error}"[:200]) from None

    @classmethod
    def _from_snapshot(cls, data: dict[str, Any]) -> Lexicon:
        lexicon = cls.__new__(cls)
        entries: dict[tuple[str, str], Entry] = {}

        def entry(concept: str, lang: str) -> Entry:
            return entries.setdefault((concept, lang), Entry(concept, lang))

        lexicon.concepts = defaultdict(
            list, {b: [entry(c, lang) for c, lang in es] for b, es in data["concepts"].items()}
        )
        lexicon.phrases = defaultdict(
            list,
            {
                b: [Phrase(tuple(words), entry(c, lang)) for words, c, lang in ps]
                for b, ps in data["phrases"].items()
            },
        )
        lexicon.vocabulary = defaultdict(set, {b: set(v) for b, v in data["vocabulary"].items()})
        lexicon.ru_stems = defaultdict(set, {s: set(v) for s, v in data["ru_stems"].items()})
        lexicon.prefixes = defaultdict(
            list, {k: [(a, b) for a, b in v] for k, v in data["prefixes"].items()}
        )
        lexicon.kk = defaultdict(
            list,
            {slot: [Suffix(t, frozenset(a)) for t, a in xs] for slot, xs in data["kk"].items()},
        )
        lexicon.endings = {lang: tuple(v) for lang, v in data["endings"].items()}
        lexicon._index_endings()
        lexicon.loose = {lang: (v[0], v[1]) for lang, v in data["loose"].items()}
        lexicon.abbreviations = defaultdict(
            set, {b: set(v) for b, v in data["abbreviations"].items()}
        )
        lexicon.verb_stems = {str(k): str(v) for k, v in data["verb_stems"].items()}
        lexicon._finish()
        return lexicon

    # -- compiling -------------------------------------------------------------

    def _load_morphology(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        endings: dict[str, list[str]] = defaultdict(list)
        settings: dict[tuple[str, str], int] = {}
        for lang, slot, suffix, after in rows:
            if slot in ("loose_stem_min", "max_loose_ending"):
                settings[(lang, slot)] = int(after)
            elif slot == "endings":
                endings[lang].append(skeleton(suffix) if lang != LATIN_LANG else suffix)
            else:
                self.kk[slot].append(Suffix(skeleton(suffix), frozenset(after.split(","))))
        for lang, items in endings.items():
            self.endings[lang] = tuple(sorted(set(items), key=lambda e: (-len(e), e)))
        self._index_endings()
        for lang in ("kk", "ru", "en"):
            self.loose[lang] = (
                settings.get((lang, "loose_stem_min"), 99),
                settings.get((lang, "max_loose_ending"), 0),
            )

    @staticmethod
    def base_of(word: str, lang: str) -> str:
        """The key a lexicon word is stored under: Latin as is for English."""
        if word in WILDCARDS:
            return word
        if word.endswith("*"):
            return Lexicon.base_of(word[:-1], lang) + "*"
        if lang == LATIN_LANG and word.isascii():
            return word.casefold().replace("’", "'")
        return skeleton(word)

    def _add(self, entry: Entry, form: str) -> None:
        if form.endswith("-") and entry.lang == "kk" and " " not in form.strip():
            # A verb stem: the bare stem is a word (the imperative) and takes verb
            # endings (болатын, есептеңізші, алғанда), see _verb_form.
            form = form[:-1]
            stem = self.base_of(form, entry.lang)
            self.verb_stems[stem] = stem
            if stem[-1] in VOICING:  # before a vowel қ, к, п voice: шық- -> шығуға
                self.verb_stems.setdefault(stem[:-1] + VOICING[stem[-1]], stem)
        prefix = form.endswith("*")
        # (in a phrase, a word ending in "!" is taken only as written: "say! that")
        chunks = form.split()
        written = [len(chunks) > 1 and c.endswith(AS_WRITTEN) for c in chunks]
        if any(written):
            form = " ".join(c[:-1] if w else c for c, w in zip(chunks, written, strict=True))
        words = split_form(form[:-1] if prefix else form)
        if not words:
            return
        if len(words) != len(chunks):
            written = [False] * len(words)  # (a chunk of two words: no mark is kept)
        if prefix:
            words[-1] += "*"
        bases = tuple(self.base_of(word, entry.lang) for word in words)
        for base in bases:
            self._register(base, entry.lang)
        if len(words) == 1 and not prefix and _is_abbreviation(form):
            self.abbreviations[bases[0]].add(keyboard_fold(form))
        if len(bases) == 1:
            self.concepts[bases[0]].append(entry)
        else:
            # "деп жаз!": the word only as written (the imperative), not in its other
            # forms ("деп жазды", she wrote that: a claim, not an instruction)
            first = bases[0]  # (the index is by the word's base, marked or not)
            bases = tuple(b + AS_WRITTEN if w else b for b, w in zip(bases, written, strict=True))
            self.phrases[first].append(Phrase(bases, entry))

    def _register(self, base: str, lang: str) -> None:
        if base in WILDCARDS:
            return  # matched by the parser (bot.nlu.features), not a word to look up
        self.vocabulary[base].add(lang)
        if base.endswith("*"):
            stem = base[:-1]
            self.prefixes[stem[:3]].append((stem, base))
            return
        if lang == "ru":
            # Any known ending may come off a dictionary form (правоохранительный ->
            # правоохранительн-), so all its inflections meet at the stem.
            self.ru_stems[base].add(base)
            for stem in self._stems(base, "ru", 3):
                self.ru_stems[stem].add(base)

    def prepare(self) -> None:
        """Build now what is otherwise built on first need (the suffix indexes, the typo
        pool, rapidfuzz itself), so that a long-running bot's first questions are
        answered as fast as later ones. One-shot `senim ask` never calls it."""
        import rapidfuzz.distance.OSA  # loaded here, not under a user's first typo
        import rapidfuzz.process  # noqa: F401

        for slot in self.kk:
            self._endings_of("", slot)
        self._fuzzy_words()

    def _fuzzy_words(self) -> dict[int, list[str]]:
        """Plain words (no prefixes, 5+ letters) grouped by length for fuzzy lookups."""
        if self._fuzzy_pool is None:
            pool: dict[int, list[str]] = defaultdict(list)
            for base in sorted(self.vocabulary):
                if not base.endswith("*") and len(base) >= 5 and not base.isdigit():
                    pool[len(base)].append(base)
            self._fuzzy_pool = pool
        return self._fuzzy_pool

    # -- matching a word --------------------------------------------------------

    def _sense(self, token: Token) -> Sense:
        bases: set[str] = set()
        inflected: set[str] = set()
        suffix_lang = None
        keys = self._keys(token)
        for key in keys:
            if key in self.vocabulary:
                bases.add(key)
        for key in keys:
            found, lang = self._inflected(key)
            if found:
                inflected |= found
                suffix_lang = suffix_lang or lang
        if not any(b in self.concepts for b in bases):
            # No exact form names a concept of its own: "сенімі" is a word of the phrase
            # "сенімі жоқ", and alone it is "сенім" + possessive.
            bases |= inflected
        else:
            suffix_lang = None
        for key in keys:
            bases |= self._prefixed(key)
        if self.abbreviations:
            bases = {b for b in bases if self._as_typed(b, token)}
            inflected = {b for b in inflected if self._as_typed(b, token)}
        sense = self._senses(token, bases, inflected, suffix_lang, fuzzy=False)
        if self.verb_stems and not any(b in self.concepts for b in sense.bases):
            # A form of a verb stem ("шығуға" of шық-, even where "шығу" is a word of some
            # phrase). It names the verb's concept, but a phrase is matched by its own
            # forms: "деп жауап бер" (an instruction) is not "деп жауап берген".
            verbs = {v for v in map(self._verb_form, keys) if v}
            if verbs:
                return sense._replace(
                    bases=sense.bases | verbs, langs=sense.langs | {"kk"}, suffix_lang="kk"
                )
        return sense

    def _as_typed(self, base: str, token: Token) -> bool:
        """False for an abbreviation the word only resembles through folding."""
        typed = self.abbreviations.get(base)
        if not typed:
            return True
        word = keyboard_fold(token.text)
        return any(word.startswith(form) for form in typed)  # ІІМ, ІІМ-ге → ІІМге

    def _typo_sense(self, token: Token) -> Sense:
        """A word that matched nothing exactly, read as a typo of a known one. A word of
        Latin and Cyrillic letters at once is noise, not a typo."""
        if token.latin is not None and _CYRILLIC.search(token.text):
            return UNKNOWN
        bases = self._fuzzy(self._keys(token))
        if bases and not any(b in self.concepts for b in bases):
            # The nearest word is one of a phrase only ("прступления" -> "преступления" of
            # "виды преступлений"): read it as an exact word is read, by its stem too.
            for base in list(bases):
                bases |= self._inflected(base)[0] | self._prefixed(base)
        return self._senses(token, bases, set(), None, fuzzy=bool(bases))

    @staticmethod
    def _keys(token: Token) -> list[str]:
        if token.latin is None:
            return [token.key]
        kazakh = kazakh_latin_key(token.latin)
        return [token.latin, token.key] if kazakh is None else [token.latin, token.key, kazakh]

    def _senses(
        self,
        token: Token,
        bases: set[str],
        inflected: set[str],
        suffix_lang: str | None,
        *,
        fuzzy: bool,
    ) -> Sense:
        langs = {lang for base in bases for lang in self.vocabulary.get(base, ())}
        if token.latin is not None and LATIN_LANG in self.vocabulary.get(token.latin, ()):
            # An English word is English, even when its transliteration means
            # something too; its Cyrillic bases still count for phrases.
            langs = {LATIN_LANG} | {
                lang
                for base in bases
                if not base.isascii()
                for lang in self.vocabulary.get(base, ())
                if LATIN_LANG not in self.vocabulary.get(base, ())
            }
            if len(langs) > 1:
                langs = {LATIN_LANG}
        return Sense(
            frozenset(bases), frozenset(bases | inflected), frozenset(langs), suffix_lang, fuzzy
        )

    def _inflected(self, key: str) -> tuple[set[str], str | None]:
        found: set[str] = set()
        lang = None
        for stem in self._kk_stems(key):
            if "kk" in self.vocabulary.get(stem, ()):
                found.add(stem)
                lang = "kk"
        for stem in self._stems(key, "ru", 2):
            found |= self.ru_stems.get(stem, set())
        found |= self.ru_stems.get(key, set())
        if key.isascii():
            for stem in self._stems(key, LATIN_LANG, 3):
                for candidate in (stem, stem + "e", stem[:-1] + "y" if stem.endswith("i") else ""):
                    if LATIN_LANG in self.vocabulary.get(candidate, ()):
                        found.add(candidate)
        if not found:
            found, lang = self._loosely(key)
        return found, lang

    def first_person(self, key: str) -> bool:
        """A Kazakh word in the first person (мұғаліммін, таксистпін, жүремін)."""
        return len(key) >= FIRST_PERSON_WORD and key.endswith(self._morphemes("first_person"))

    def _verb_form(self, key: str) -> str | None:
        """The verb stem of a Kazakh verb form, when the rest of the word is verb
        endings (and the noun endings a participle takes: болатын-ы-мен). A negated form
        (бол-ма-ған) is not one: a negation changes the answer, so it stays unexplained."""
        for cut in range(min(len(key) - 1, MAX_VERB_STEM), 1, -1):
            stem = key[:cut]
            if stem in self.verb_stems and self._verb_ending(key[cut:]):
                return self.verb_stems[stem]
        return None

    def _verb_ending(self, rest: str) -> bool:
        voice = self._morphemes("voice")
        while True:  # the voice comes first (айт-ыл-ған): then the negation would
            for text in voice:
                if rest.startswith(text) and len(rest) > len(text):
                    rest = rest[len(text) :]
                    break
            else:
                break
        if any(
            rest.startswith(text) and rest[len(text) : len(text) + 1] != INTENTION
            for text in self._morphemes("negation")
        ):
            return False  # (but "сұра-мақ", the intention, is no negation)
        return self._segments(rest, VERB_MORPHEMES)

    def _segments(self, rest: str, budget: int) -> bool:
        """The rest splits into at most `budget` verb or noun endings."""
        if not rest:
            return True
        if budget == 0:
            return False
        return any(
            rest.startswith(text) and self._segments(rest[len(text) :], budget - 1)
            for text in self._morphemes("any")
        )

    def _morphemes(self, kind: str) -> tuple[str, ...]:
        found = self._morpheme_sets.get(kind)
        if found is None:
            if kind == "any":
                slots = ("verb", "plural", "possessive", "case")
                texts = {x.text for slot in slots for x in self.kk.get(slot, ())}
            else:
                texts = {x.text for x in self.kk.get(kind, ())}
            found = self._morpheme_sets[kind] = tuple(sorted(texts, key=lambda t: (-len(t), t)))
        return found

    def _stems(self, word: str, lang: str, shortest: int) -> list[str]:
        """The word minus each known ending of the language, longest ending first."""
        endings = self.ending_sets.get(lang, frozenset())
        return [
            word[:-n]
            for n in self.ending_lengths.get(lang, ())
            if len(word) - n >= shortest and word[-n:] in endings
        ]

    def _kk_stems(self, key: str) -> list[str]:
        """Stems of a Kazakh word form under the plural-possessive-case grammar."""
        stems = []
        for case in (None, *self._endings_of(key, "case")):
            rest = key[: len(key) - len(case.text)] if case else key
            for poss in (None, *self._endings_of(rest, "possessive")):
                rest2 = rest[: len(rest) - len(poss.text)] if poss else rest
                if case and not _allowed(case, rest, poss is not None):
                    continue
                if case and poss and _allowed(poss, rest2, False):
                    # The possessive may belong to the lexicon's own form: "қызметіне" is
                    # "қызметі" (as in "өрт қызметі") + dative.
                    stems.append(rest)
                for plural in (None, *self._endings_of(rest2, "plural")):
                    stem = rest2[: len(rest2) - len(plural.text)] if plural else rest2
                    if len(stem) < 2 or (case is None and poss is None and plural is None):
                        continue
                    if poss and not _allowed(poss, rest2, False):
                        continue
                    if plural and not _allowed(plural, stem, False):
                        continue
                    stems.append(stem)
        return stems

    def _endings_of(self, word: str, slot: str) -> list[Suffix]:
        """The slot's suffixes the word ends with: one dict lookup per suffix length."""
        index = self._kk_index.get(slot)
        if index is None:
            by_text: dict[str, list[Suffix]] = defaultdict(list)
            for suffix in self.kk[slot]:
                by_text[suffix.text].append(suffix)
            index = self._kk_index[slot] = (
                dict(by_text),
                tuple(sorted({len(t) for t in by_text}, reverse=True)),
            )
        by_text, lengths = index
        found: list[Suffix] = []
        for length in lengths:
            if length < len(word):
                found += by_text.get(word[-length:], ())
        return found

    def _loosely(self, key: str) -> tuple[set[str], str | None]:
        """A long known stem plus a short, unrecognised (often misspelt) ending."""
        for lang in ("kk", "ru", "en"):
            minimum, longest = self.loose[lang]
            for cut in range(1, longest + 1):
                stem = key[:-cut]
                if len(stem) < minimum:
                    break
                if lang == "ru":
                    hits = self.ru_stems.get(stem, set())
                else:
                    hits = {stem} if lang in self.vocabulary.get(stem, ()) else set()
                if hits:
                    return set(hits), lang
        return set(), None

    def _prefixed(self, key: str) -> set[str]:
        return {base for stem, base in self.prefixes.get(key[:3], ()) if key.startswith(stem)}

    def _fuzzy(self, keys: list[str]) -> set[str]:
        """Typo tolerance: 1 edit for 5-7 letters, 2 from 8; short words never."""
        for key in keys:
            if len(key) == 4:
                # Too short to trust any edit but a dropped vowel (судм = судам).
                found = self._with_vowel_restored(key)
                if found:
                    return found
                continue
            if len(key) < 4:
                continue
            found = self._closest(key, _edits(len(key)))
            if found:
                return found
            # A misspelt stem under a correct suffix: палицияга, прокуротурага.
            for stem in {s for s in self._loose_cuts(key) if len(s) >= 5}:
                found = self._closest(stem, _edits(len(stem)))
                if found:
                    return found
            found = self._closest_prefix(key)
            if found:
                return found
        return set()

    def _with_vowel_restored(self, key: str) -> set[str]:
        vowels = "аеиоу" if not key.isascii() else "aeiou"
        found: set[str] = set()
        for position in range(1, len(key) + 1):
            for vowel in vowels:
                candidate = key[:position] + vowel + key[position:]
                if candidate in self.vocabulary:
                    found.add(candidate)
                else:  # an ending on the restored word, not a longer word it starts
                    found |= {b for b in self._inflected(candidate)[0] if len(b) <= len(candidate)}
        if key.isascii():  # a Latin word: "cpes" is not "copes", the plural of "cop"
            found = {base for base in found if len(base) >= 4}
        concepts = {e.concept for b in found for e in self.concepts.get(b, [])}
        return found if len(concepts) == 1 else set()

    def _closest_prefix(self, key: str) -> set[str]:
        """A misspelt word under a prefix entry: безопастно ~ безопасн*."""
        from rapidfuzz.distance import OSA  # only questions with a typo pay for rapidfuzz

        found = set()
        for entries in self.prefixes.values():
            for stem, base in entries:
                # A short stem with one edit and any tail fits too much noise
                # ("напдксфуожт" ~ напад*): only long stems are searched.
                if len(stem) < PREFIX_TYPO_STEM or key[0] != stem[0]:
                    continue
                limit = _edits(len(stem))
                for cut in (len(stem) - 1, len(stem), len(stem) + 1):
                    if (
                        cut <= len(key)
                        and OSA.distance(key[:cut], stem, score_cutoff=limit) <= limit
                    ):
                        found.add(base)
                        break
        return found

    def _loose_cuts(self, key: str) -> list[str]:
        """The key minus an ending some language has (a Kazakh suffix chain, a Russian or
        English ending): палицияга = палиция + га. Any other tail is not a suffix, and
        cutting it would let noise fuzz onto a word ("тонашкурб" onto "тонау")."""
        endings = self._ending_texts()
        return [key[:-cut] for cut in range(1, 5) if len(key) - cut >= 5 and key[-cut:] in endings]

    def _ending_texts(self) -> frozenset[str]:
        if self._endings_cache is None:
            kk = [
                plural + possessive + case
                for plural in ("", *(x.text for x in self.kk.get("plural", ())))
                for possessive in ("", *(x.text for x in self.kk.get("possessive", ())))
                for case in ("", *(x.text for x in self.kk.get("case", ())))
            ]
            other = [ending for items in self.endings.values() for ending in items]
            self._endings_cache = frozenset(e for e in (*kk, *other) if e)
        return self._endings_cache

    def _closest(self, key: str, limit: int) -> set[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        choices = self._fuzzy_choices.get((len(key), limit))
        if choices is None:
            pool = self._fuzzy_words()
            choices = [
                w for n in range(len(key) - limit, len(key) + limit + 1) for w in pool.get(n, ())
            ]
            self._fuzzy_choices[(len(key), limit)] = choices
        if not choices:
            return set()
        best = process.extract(key, choices, scorer=OSA.distance, score_cutoff=limit, limit=4)
        if not best:
            return set()
        top = min(score for _, score, _ in best)
        # The first letter is rarely the typo; requiring it keeps "сотни" off "сотка".
        return {word for word, score, _ in best if score == top and word[0] == key[0]}

    # -- matching a question ------------------------------------------------------

    def concepts_of(self, base: str) -> list[Entry]:
        return self.concepts.get(base, [])

    def is_number_word(self, base: str) -> bool:
        """ "five", "бес", "пять": a number/<n> concept, which phrases match as @number."""
        found = self._number_words.get(base)
        if found is None:
            found = any(e.concept.startswith("number/") for e in self.concepts_of(base))
            if len(self._number_words) < WORD_CACHE:
                self._number_words[base] = found
        return found

    def number_value(self, base: str) -> int | None:
        """The value of a number word ("пять" -> 5, "мың" -> 1000), None for other words."""
        for entry in self.concepts_of(base):
            kind, _, ident = entry.concept.partition("/")
            if kind == "number" and ident.isdecimal():
                return int(ident)
        return None

    def phrases_from(self, base: str) -> list[Phrase]:
        return self.phrases.get(base, [])
