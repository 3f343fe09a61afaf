"""Fold text so that every way of typing a word meets the same key.

Kazakh typed on a Russian keyboard drops its own letters (қ→к, ғ→г ...), Latin
Kazakh and transliterated Russian need Cyrillic, and people rarely agree on
ы/и/й or ё/е. The key ("skeleton") forgets exactly those differences.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

KAZAKH_LETTERS = frozenset("әғқңөұүһі")

# Cyrillic -> skeleton. ы/й/і all become и and soft/hard signs vanish: the
# spelling differences people make when typing fast or transliterating.
_CYRILLIC_FOLD = str.maketrans(
    {
        "ё": "е",
        "э": "е",
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ы": "и",
        "й": "и",
        "щ": "ш",
        "ь": "",
        "ъ": "",
    }
)

# What a Russian keyboard makes of Kazakh letters, and nothing else (ы stays ы): the
# matching key of an abbreviation, where ы/і/и are different letters (ІІМ is not "ыім").
_KEYBOARD_FOLD = str.maketrans(
    {"ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
     "і": "и"}
)  # fmt: skip


def keyboard_fold(word: str) -> str:
    return word.casefold().translate(_KEYBOARD_FOLD)


# Latin -> Cyrillic, covering the Kazakh Latin alphabets (2018 acute and 2021
# umlaut versions), informal Kazakh and Russian transliteration. Digraphs first.
_LATIN_DIGRAPHS = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("tsya", "тся"),  # boyatsya, uchitsya: the reflexive ending, not ц + я
    ("ts", "ц"),
    ("tc", "ц"),
    ("ya", "я"),
    ("ja", "я"),
    ("ia", "я"),
    ("ıa", "я"),  # 2018 Kazakh Latin: я = ıa, ю = ıý / ıu
    ("ıý", "ю"),
    ("ıu", "ю"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("iu", "ю"),
    ("yo", "е"),
    ("ye", "е"),
    ("ck", "к"),
)
_LATIN_LETTERS = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
    "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "у", "x": "кс",
    "y": "и", "z": "з",
    "á": "а", "ä": "а", "ǵ": "г", "ğ": "г", "ń": "н", "ñ": "н", "ó": "о", "ö": "о",
    "ú": "у", "ü": "у", "ū": "у", "ý": "у", "ı": "и", "ş": "ш", "ç": "ч", "é": "е",
    "í": "и", "'": "", "’": "",
}  # fmt: skip
_LATIN_PATTERN = re.compile("|".join(re.escape(d) for d, _ in _LATIN_DIGRAPHS) + "|.", re.DOTALL)
_DIGRAPHS = dict(_LATIN_DIGRAPHS)

# A number runs into its suffix ("2023te", "2024жылы", "1990s"): the digits are a word
# of their own, so the year is read and the suffix accounted for like any other word.
_TOKEN = re.compile(r"\d+(?=[^\W\d_])|[^\W_]+(?:['’][^\W_]+)*|[%+]", re.UNICODE)
_LATIN_CHAR = re.compile(r"[a-záäǵğńñóöúüūýışçéí]")
MAX_QUESTION_CHARS = 1000
# No lexicon form is longer; a longer "word" (a URL, a paste, noise) is unknown by
# definition, so it is neither cached nor matched (hostile input must not grow caches).
MAX_WORD_CHARS = 40
_SURROGATE = re.compile("[\ud800-\udfff]")
_ANY_SURROGATE = _SURROGATE.search


class Token(NamedTuple):
    text: str  # casefolded surface form
    key: str  # Cyrillic skeleton (transliterated when the word is Latin)
    latin: str | None  # the Latin form, for English matching; None for Cyrillic
    kazakh: bool  # has a letter only Kazakh uses
    number: int | None  # value of an all-digit token


def clean(text: str) -> str:
    """Printable text of bounded length: control characters, zero-width marks and lone
    surrogates go. Everything keyed on a question (caches) uses this, never the raw text."""
    text = unicodedata.normalize("NFC", without_surrogates(text[: MAX_QUESTION_CHARS * 4]))
    kept = [ch if unicodedata.category(ch)[0] != "C" else " " for ch in text]
    text = "".join(kept)[:MAX_QUESTION_CHARS]
    # "27,576", "18 005", "27 000": one number, as the releases print them
    return _THOUSANDS.sub(_joined_digits, text) if _GROUPED(text) else text


_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[, \u00a0\u202f]\d{3})+(?![\d]|[.,]\d)")
_GROUPED = _THOUSANDS.search


def _joined_digits(match: re.Match[str]) -> str:
    return re.sub(r"[, \u00a0\u202f]", "", match.group(0))


def without_surrogates(text: str) -> str:
    """Lone surrogates (from JSON "\\ud800" or a broken client) cannot be encoded as UTF-8:
    each becomes U+FFFD, so the text can be written anywhere."""
    # A search first: most text has none, and sub() would copy it anyway.
    return _SURROGATE.sub("\ufffd", text) if _ANY_SURROGATE(text) else text


# Entries, not bytes: a word is at most MAX_WORD_CHARS long, so an entry is a few hundred
# bytes and a full cache a few MB (README, "Memory").
WORD_CACHE = 16384


def skeleton(word: str) -> str:
    """The matching key of one word, whatever its script."""
    return _skeleton(word) if len(word) <= MAX_WORD_CHARS else _fold(word)


def _fold(word: str) -> str:
    word = word.casefold().replace("’", "'")
    if _LATIN_CHAR.search(word):
        word = _transliterate(word)
    return word.translate(_CYRILLIC_FOLD)


_skeleton = lru_cache(maxsize=WORD_CACHE)(_fold)


def _transliterate(
    word: str, digraphs: dict[str, str] = _DIGRAPHS, pattern: re.Pattern[str] = _LATIN_PATTERN
) -> str:
    out = []
    for match in pattern.finditer(word):
        piece = match.group(0)
        found = digraphs.get(piece)
        if found is None:  # a letter, or a digraph this reading spells letter by letter
            found = "".join(_LATIN_LETTERS.get(ch, ch) for ch in piece)
        out.append(found)
    return "".join(out)


# In Kazakh Latin, j is ж before any vowel ("jane" = және, "jas" = жас), where Russian
# transliteration may write я, ю as ja, ju: a Latin word with j has both readings.
# And ng is ң ("eng" = ең, "mening" = менің), where Russian reads н + г.
_KAZAKH_DIGRAPHS = {d: c for d, c in _LATIN_DIGRAPHS if not d.startswith("j")} | {"ng": "ң"}
_KAZAKH_PATTERN = re.compile("|".join(re.escape(d) for d in _KAZAKH_DIGRAPHS) + "|.", re.DOTALL)


@lru_cache(maxsize=WORD_CACHE)
def kazakh_latin_key(latin: str) -> str | None:
    """The skeleton of a Latin word read as Kazakh (j as ж, ng as ң), when that differs
    from its key."""
    if ("j" not in latin and "ng" not in latin) or len(latin) > MAX_WORD_CHARS:
        return None
    key = _transliterate(latin, _KAZAKH_DIGRAPHS, _KAZAKH_PATTERN).translate(_CYRILLIC_FOLD)
    return key if key != skeleton(latin) else None


def _make_token(word: str) -> Token:
    latin = word if _LATIN_CHAR.search(word) else None
    # isdecimal, not isdigit: "²" and "①" are digits that int() refuses.
    number = int(word) if word.isdecimal() and len(word) <= 6 else None
    return Token(
        text=word,
        key=skeleton(word),
        latin=latin.replace("’", "'") if latin else None,
        kazakh=any(ch in KAZAKH_LETTERS for ch in word),
        number=number,
    )


def tokenize(text: str) -> list[Token]:
    """Words of a question; hyphens split words (анти-коррупция = анти коррупция)."""
    return tokens_of_clean(clean(text))


def tokens_of_clean(text: str) -> list[Token]:
    """tokenize() of a text already cleaned (the parser cleans each question once)."""
    return [word_token(m.group(0)) for m in _TOKEN.finditer(text.casefold())]


# Where one clause ends and the next begins: a sentence or clause mark before a space
# (not the point of "61.6" or the hyphen of "anti-corruption"), or a dash between spaces.
_CLAUSE_END = re.compile(r"[.!?;:,)(»«\"]+\s+|\s[-–—]+\s")


_SENTENCE_END = re.compile(r"[.!?;]+[)»\"]*\s+")


def asked_sentences(text: str) -> frozenset[int]:
    """The sentences (numbered as clauses_of_clean numbers them) that end in "?"."""
    # (a "?" that ends the text ends its last sentence, which clauses_of_clean leaves open)
    return frozenset(
        n for n, m in enumerate(_SENTENCE_END.finditer(text + " ")) if "?" in m.group(0)
    )


def clauses_of_clean(text: str) -> list[tuple[int, int]]:
    """The (sentence, clause) each token of tokens_of_clean(text) is in, from 0."""
    folded = text.casefold()
    clause_ends = [m.end() for m in _CLAUSE_END.finditer(folded)]
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(folded)]
    return [
        (bisect_right(sentence_ends, m.start()), bisect_right(clause_ends, m.start()))
        for m in _TOKEN.finditer(folded)
    ]


_token = lru_cache(maxsize=WORD_CACHE)(_make_token)


def word_token(word: str) -> Token:
    """One casefolded word as a Token; words too long to be in the lexicon skip the cache."""
    return _token(word) if len(word) <= MAX_WORD_CHARS else _make_token(word)


# Stand-ins a lexicon phrase may use for a number: "fall @year" (a year, 1990-2100),
# "last @number years" (any other number, in digits or a number/<n> word).
YEAR, NUMBER = "@year", "@number"
WILDCARDS = (YEAR, NUMBER)


def split_form(form: str) -> list[str]:
    """The words of a lexicon form, split exactly as questions are (wildcards kept)."""
    words: list[str] = []
    for chunk in form.split():
        if chunk in WILDCARDS:
            words.append(chunk)
        else:
            words += [m.group(0) for m in _TOKEN.finditer(chunk.casefold())]
    return words
