"""Which of kk / ru / en a question is in, from the words it matched.

Evidence: letters only Kazakh has (in Cyrillic or Latin), Kazakh suffixes on a
known stem, and words whose lexicon forms belong to one language only. Words
shared by Kazakh and Russian (полиция) count for little; a tie goes to the
conversation's language, then to the script.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import LANGUAGES
from bot.nlu.lexicon import Sense
from bot.nlu.normalize import Token

LANGS = LANGUAGES  # the reply languages; the rules below know their scripts
KAZAKH_LATIN = frozenset("ǵğńñúüūýıáäóöş")
SHORT_FOLLOW_UP = 4  # words of a message that may stay in the conversation's language
TRANSLITERATED = ("kk", "ru")  # languages also typed in Latin letters


def detect(
    tokens: Sequence[Token],
    senses: Sequence[Sense],
    phrase_langs: dict[int, set[str]],
    function_langs: dict[int, set[str]] | None = None,
    fallback: str | None = None,
) -> str:
    score = dict.fromkeys(LANGS, 0.0)
    transliterated: set[str] = set()  # kk/ru recognised in Latin letters
    cyrillic = latin = 0
    for index, (token, sense) in enumerate(zip(tokens, senses, strict=True)):
        if token.number is not None:
            continue
        if token.latin is None:
            cyrillic += 1
        else:
            latin += 1
        if token.kazakh or (token.latin and KAZAKH_LATIN.intersection(token.latin)):
            score["kk"] += 1
        elif token.latin and "q" in token.latin:
            score["kk"] += 0.5
        if index in phrase_langs:
            shared = phrase_langs[index]  # a phrase in two languages' words counts less
            for lang in shared:
                score[lang] += 1 if len(shared) == 1 else 0.3
            continue
        langs = sense.langs
        if sense.suffix_lang == "kk":
            score["kk"] += 1
        if token.latin is not None and "en" not in langs:
            transliterated |= langs
        if len(langs) == 1:
            (lang,) = langs
            score[lang] += 0.6 if sense.fuzzy else 1
        elif len(langs) == 2:
            for lang in langs:
                score[lang] += 0.3
    best = max(score.values())
    if best == 0:
        if fallback in LANGS:
            return fallback
        return "en" if latin > cyrillic else "ru" if cyrillic else fallback or "en"
    leaders = [lang for lang in LANGS if score[lang] == best]
    kazakh_words = sum(1 for t in tokens if t.kazakh)
    russian_words = sum(1 for s in senses if s.langs == {"ru"})
    if (cyrillic and latin) or (kazakh_words and russian_words):
        # Terms of one language in a sentence of another ("Police trust среди женщин?",
        # "What does the survey say about доверие к прокуратуре?", "полицияға сенім in
        # 2023"): the language most of the words are in, the first one's on a tie.
        mixed = _majority(tokens, senses, phrase_langs, function_langs or {})
        if mixed is not None:
            return mixed
    words = sum(1 for t in tokens if t.number is None)
    if (
        fallback in TRANSLITERATED
        and latin
        and not cyrillic
        and words <= SHORT_FOLLOW_UP
        and score[fallback] > 0
        and best - score[fallback] <= 1
    ):
        # "al prokuratura she" after a Kazakh answer: a short follow-up in Latin letters
        # whose words fit the conversation's language nearly as well stays in it ("she"
        # is also "ше")
        return fallback
    if len(leaders) == 1:
        return leaders[0]
    if fallback in leaders:
        return fallback
    for lang in ("ru", "kk"):
        if lang in leaders and lang in transliterated:
            return lang
    preference = ("ru", "kk", "en") if cyrillic >= latin else ("en", "kk", "ru")
    return next(lang for lang in preference if lang in leaders)


def _majority(
    tokens: Sequence[Token],
    senses: Sequence[Sense],
    phrase_langs: dict[int, set[str]],
    function_langs: dict[int, set[str]],
) -> str | None:
    """The language of most words of a question in two scripts (each word votes for the
    languages it belongs to, a share each); None when no word is of a known language."""
    votes = dict.fromkeys(LANGS, 0.0)
    first: str | None = None
    for index, (token, sense) in enumerate(zip(tokens, senses, strict=True)):
        if token.number is not None:
            continue
        langs = phrase_langs.get(index) or function_langs.get(index) or set(sense.langs)
        if (
            token.kazakh
            or (token.latin and KAZAKH_LATIN.intersection(token.latin))
            or sense.suffix_lang == "kk"  # "пожарные-ге": a Kazakh ending on a Russian word
        ):
            langs = {"kk"}
        elif token.latin is not None and "en" in langs:
            langs = {"en"}  # an English word, whatever its transliteration spells
        langs &= set(LANGS)
        if not langs:
            continue
        # An English term in a Cyrillic sentence ("sample size қанша") is borrowed; an
        # English function word ("in their area") frames the sentence: half a vote.
        weight = 0.5 if langs == {"en"} and index not in function_langs else 1.0
        for lang in langs:
            votes[lang] += weight / len(langs)
        if first is None and len(langs) == 1:
            first = next(iter(langs))
    best = max(votes.values())
    if best == 0:
        return None
    leaders = [lang for lang in LANGS if votes[lang] == best]
    if len(leaders) == 1:
        return leaders[0]
    if {"kk", "ru"} <= set(leaders) and any(t.kazakh for t in tokens):
        # "Погрешность қанша?": Kazakh speakers use Russian terms far more often than
        # Russian speakers use Kazakh words, so a tie with Kazakh letters in it is Kazakh
        return "kk"
    return first if first in leaders else None
