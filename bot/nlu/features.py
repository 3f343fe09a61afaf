"""A question's words -> the concepts they name (Features), and its language.

Words become concepts in the lexicon (knowledge/lexicon); this module only collects
what matched, and where: phrases first (longest first), then single words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from bot.memo import Memo
from bot.nlu.language import detect
from bot.nlu.lexicon import AS_WRITTEN, Lexicon, Sense
from bot.nlu.normalize import (
    NUMBER,
    YEAR,
    Token,
    asked_sentences,
    clauses_of_clean,
    kazakh_latin_key,
    tokens_of_clean,
)

YEARS = range(1990, 2101)
YEAR_KEY, NUMBER_KEY = frozenset({YEAR}), frozenset({NUMBER})
# Concept kinds that name no meaning: a word of a language (knowledge/lexicon
# language.yaml, filler.yaml) and a number word outside a phrase ("one", "бір").
WORDS_ONLY = ("marker/", "filler/", "speaker/", "number/", "unit/")
PLACE, CUE = "region/", "cue/"
PERCENT = "%"
YES_NO = "cue/yes_no"  # a yes-or-no tail ("... или нет?"), only at the end of a clause
FRAMING = ("marker/", "filler/", "speaker/")
# Phrases whose number is a count even when it looks quoted: framing ("over 20 years in
# the police"), and kinds of crime figure ("per 100,000 people" is a rate, not a claim).
COUNTED = (*FRAMING, "unavailable_offence/")
JOINS = "either"  # the cue of "and" / "or" between two parts of a question
CONTRAST = "contrast"  # "ал", "а", "but": a second part may follow ("…, ал әскерге ше?")
CENTURY = 2000  # "23-го" is 2023: the survey has no waves before 2000
HUNDRED, THOUSAND = 100, 1000  # number words that multiply what comes before them
ORDINAL = "cue/ordinal"  # "третьем", "үшінші": the last word of a year in words
MAX_SHORT_YEAR = 99
MONTHS = 12
# Cues of a time (waves.yaml): in a clause that only tells the speaker's story they do
# not name the wave asked about.
TIME_CUES = ("latest", "previous", "year", "that_time")
SHORT_YEAR_NEIGHBOURS = frozenset({"cue/year", "cue/year_ending"})
# A number this big is a count the user quotes, never an age or a span of years.
QUOTED_COUNT = 200
# Words after a number that make it a quoted value: "80 процентов", "5 пунктов", "18 мың".
QUOTED_UNITS = frozenset({"unit/percent", "unit/points", "number/1000"})
# Cues that make a sentence a question ("how many", "which", "compare"...), as against
# one that tells: see _told.
QUESTION_CUES = (
    "how_many", "which", "share", "when", "most", "least", "compare", "change", "ranking",
    "breakdown", "source", "method", "define", "yes_no", "instruction", "next", "how_safe",
)  # fmt: skip
SPEAKER = "speaker/"  # "I", "мне", "внук сказал": the speaker telling about themselves
DOMAIN_KINDS = frozenset({"institution", "region", "reason", "fact", "glossary"})
UNAVAILABLE = "unavailable_"  # function words, whose language frames a mixed sentence
DAYS = 31
STORY_WORDS = 5  # words of a sentence that tells a story before the question
SHORT_WORD = 2  # letters of an unknown word too short to carry a meaning of its own
# Cues that set a subject or an answer aside (bot.nlu.features._set_aside); the answer
# words a contrast can set aside ("толық емес, ішінара") are questionnaire.yaml's contrasts.
EXCLUDING = frozenset({"neg", "neg_after", "except", "except_after"})
RUN = 3  # words a negation reaches
# Words of one question searched as typos: a real question has a few; a paste of noise
# would otherwise cost ~0.4 ms for each of its words.
MAX_TYPO_WORDS = 12
MAX_UNEXPLAINED = 12  # unexplained words kept of one question
# Bytes for memoised analyses (estimated by _analysis_weight; see bot.memo).
ANALYSIS_BUDGET = 8_000_000


class Features:
    """The concepts found in one question, with their positions. Shared by every parse
    of the same text (bot.memo): nothing after analysis may change it."""

    __slots__ = (
        "concepts",
        "cues",
        "domain_at",
        "excluded",
        "facts",
        "glossary",
        "institutions",
        "months",
        "named_at",
        "period_at",
        "quoted",
        "reasons",
        "regions",
        "reply",
        "seasons",
        "speaking",
        "telling",
        "unavailable",
        "unavailable_at",
        "unexplained",
        "unknown",
        "wave_words",
        "words",
        "year_at",
        "years",
    )  # fmt: skip

    def __init__(self) -> None:
        self.institutions: list[str] = []
        self.regions: list[str] = []
        self.unavailable: list[tuple[str, str]] = []  # kind, id
        self.unavailable_at: list[int] = []  # the word of each
        self.telling: frozenset[int] = frozenset()  # places named about the speaker
        self.speaking: frozenset[int] = frozenset()  # the speaker's own words
        self.domain_at: frozenset[int] = frozenset()  # words about what the survey measures
        self.cues: dict[str, list[int]] = {}
        self.concepts: set[str] = set()  # kind/id and kind, for conditions
        self.months: set[int] = set()
        self.seasons: set[str] = set()
        self.years: list[int] = []
        self.year_at: list[int] = []  # the (first) word of each year
        # (position, month number or season id) of the months and seasons named, to pair
        # each with its year: "between autumn 2023 and spring 2024"
        self.period_at: list[tuple[int, int | str]] = []
        self.reasons: list[str] = []
        self.facts: set[str] = set()
        self.glossary: list[str] = []
        self.wave_words: list[str] = []  # as typed, for "no data for ..."
        self.unknown = 0  # words the lexicon does not know at all (not even everyday ones)
        # Words that are neither understood nor filler, as typed: a reply that states
        # figures must not be given as if they were not there (bot.nlu.parse).
        self.unexplained: list[str] = []
        self.named_at: list[tuple[int, str]] = []  # (position, id) of bodies and places
        self.excluded: list[str] = []  # subjects set aside ("not the police but ...")
        self.words: tuple[str, ...] = ()  # the question's words (casefolded), to split it
        self.reply: str | None = None  # the language a reply is asked in ("по-русски")
        self.quoted: int | None = None  # a share the user quotes ("is it true 90% ...?")

    def has(self, *cues: str) -> bool:
        return any(cue in self.cues for cue in cues)


class Analyser:
    """Text -> (Features, language), memoised: what a text says does not depend on the
    conversation, only what it asks for does, so the same words in another chat reuse
    the analysis."""

    def __init__(
        self,
        lexicon: Lexicon,
        contrasts: Mapping[str, str] | None = None,
        domain_cues: frozenset[str] = frozenset(),
        denials: frozenset[str] = frozenset(),
        other_topics: frozenset[str] = frozenset(),
    ) -> None:
        self.lexicon = lexicon
        self.denials = denials  # answer cues that deny (questionnaire.yaml)
        # Cues of the topics that are not about a body (safety, crimes, reasons, the
        # sample): a clause with one asks about something else than a body told of.
        self.other_topics = other_topics
        self.contrasts: Mapping[str, str] = contrasts or {}  # answer cue -> its group
        # Cues that ask about a topic (questionnaire.yaml): a clause with one, or with a
        # body, place, reason, fact or unpublished thing, is part of the question asked.
        self.domain_cues = domain_cues
        self.analyse: Memo[tuple[str, str | None], tuple[Features, str]] = Memo(
            lambda key: self._analyse(*key), ANALYSIS_BUDGET, _analysis_weight
        )

    def _analyse(self, text: str, lang_hint: str | None) -> tuple[Features, str]:
        tokens = tokens_of_clean(text)
        clauses = clauses_of_clean(text)
        senses = []
        typos = 0  # words looked up as typos so far
        for token in tokens:
            sense = self.lexicon.sense(token, fuzzy=typos < MAX_TYPO_WORDS)
            typos += token.number is None and (sense.fuzzy or not sense.bases)
            senses.append(sense)
        features, phrase_langs, function_langs = self._features(tokens, senses, clauses)
        lang = detect(tokens, senses, phrase_langs, function_langs, fallback=lang_hint)
        told = _told(features, clauses, frozenset(self.contrasts), asked_sentences(text))
        if told:
            # "Ажем айтады, бұрын сотқа ешкім сенбейтін. Сотқа қанша адам сенеді?": what
            # the speaker tells in a sentence of its own is not part of what is asked
            kept = [i for i, where in enumerate(clauses) if where[0] not in told]
            tokens = [tokens[i] for i in kept]
            senses = [senses[i] for i in kept]
            clauses = [clauses[i] for i in kept]
            features = self._features(tokens, senses, clauses)[0]
        features.words = tuple(token.text for token in tokens)
        return features, lang

    def _features(
        self, tokens: list[Token], senses: list[Sense], clauses: list[tuple[int, int]]
    ) -> tuple[Features, dict[int, set[str]], dict[int, set[str]]]:
        """The features, and for language detection the languages of each phrase's and of
        each function word's words (not kept: analyses are memoised, see bot.memo)."""
        features = Features()
        lexicon = self.lexicon
        keys = [
            self._phrase_keys(token, sense) for token, sense in zip(tokens, senses, strict=True)
        ]
        covered: set[int] = set()  # words a phrase gave their meaning
        domain: set[int] = set()  # words that ask about something the survey measures
        unexplained: list[int] = []  # positions of words neither understood nor filler
        spans_of: dict[int, tuple[int, int]] = {}  # a phrase's word -> its first and last
        glossed: set[int] = set()  # words of a glossary term (they keep their own meaning)
        spans: dict[tuple[int, int], set[str]] = {}  # a phrase's words -> its concepts
        phrase_langs: dict[int, set[str]] = {}
        speaking: set[int] = set()  # words of the speaker about themselves
        # (a year in number words is read before phrases: "жиырма үшінші жылы" is 2023,
        # not "@number жыл", a span of years)
        years_in_words = self._years_in_words(tokens, senses)
        year_words = {i for _year, words in years_in_words for i in words}
        # Phrases first, longest first, so "Алматы облысы" is not read as "Алматы".
        matches = []
        for start, bases in enumerate(keys):
            for base in bases:
                for phrase in lexicon.phrases_from(base):
                    end = start + len(phrase.words)
                    if end <= len(keys) and all(
                        _fits(word, keys[start + k], tokens[start + k])
                        for k, word in enumerate(phrase.words)
                    ):
                        matches.append((len(phrase.words), start, phrase))
        # Sorted in full, so that which of two phrases on the same words wins does not
        # depend on set order (which changes with Python's hash seed from run to run).
        matches.sort(key=lambda m: (-m[0], m[1], m[2].entry.concept, m[2].entry.lang))
        function_langs: dict[int, set[str]] = {}  # function words: the sentence's language
        for length, start, phrase in matches:
            concept = phrase.entry.concept
            end = start + length
            if not concept.startswith(COUNTED) and any(
                word == NUMBER and _claimed(start + k, tokens, senses, lexicon)
                for k, word in enumerate(phrase.words)
            ):
                continue  # "over 60%" is a share quoted, not "over 60" (an age group)
            if concept == YES_NO and end < len(tokens) and clauses[end] == clauses[start]:
                continue  # "доверяют или нет?" ends a question; "или не доверяют" does not
            if year_words.intersection(range(start, end)):
                continue
            span = set(range(start, start + length))
            if (start, length) in spans:
                # Other phrases on exactly these words mean what they say too, as a
                # word listed under two concepts does ("how old": age and oldest), and
                # their language counts ("Almaty oblast" is English and Kazakh).
                if concept not in spans[(start, length)]:
                    spans[(start, length)].add(concept)
                    _note(features, concept, start, tokens[start : start + length])
                    if self._asks(concept):
                        domain.update(span)
                for index in span:
                    phrase_langs.setdefault(index, set()).add(phrase.entry.lang)
                continue
            if span & covered:
                continue
            if concept.startswith("glossary/"):
                # A term is only a possibility ("правоохранительным органам" may be the
                # term or every body): its words keep their own meanings too.
                _note(features, concept, start, tokens[start : start + length])
                glossed |= span
                continue
            if features.quoted is None and concept.startswith(FRAMING):
                # ("90 пайыздан астам адам сенеді деп естідім": a share quoted, in words
                # that otherwise change nothing)
                features.quoted = next(
                    (
                        tokens[start + k].number
                        for k, word in enumerate(phrase.words)
                        if word == NUMBER and _claimed(start + k, tokens, senses, lexicon)
                    ),
                    None,
                )
            # A year in a phrase ("fall @year") still names its wave: the phrase gives
            # meaning to the words around it.
            covered |= {i for i in span if phrase.words[i - start] != YEAR}
            spans[(start, length)] = {concept}
            for index in span:
                spans_of[index] = (start, start + length - 1)
                if concept.startswith(FRAMING):  # "in their area": function words too
                    function_langs.setdefault(index, set()).add(phrase.entry.lang)
            _note(features, concept, start, tokens[start : start + length])
            if self._asks(concept):
                domain.update(span)
            if concept.startswith(SPEAKER):  # "my brother", "как юрист"
                speaking.update(span)
            else:  # "I'm a student" (filler): its "I'm" is the speaker still
                speaking.update(i for i in span if self._speaker_word(senses[i]))
            for index in span:
                phrase_langs[index] = {phrase.entry.lang}
        filler = [False] * len(tokens)
        for year, words in years_in_words:
            # "в двадцать третьем году", "екі мың жиырма үшінші жылы": a year in words
            features.years.append(year)
            features.year_at.append(min(words))
            features.wave_words.extend(tokens[i].text for i in words)
            covered.update(words)
            for i in words:
                filler[i] = True
        for index, (token, sense) in enumerate(zip(tokens, senses, strict=True)):
            if index in covered:
                continue
            if token.number is not None:
                if token.number in YEARS and index - 1 in features.cues.get("neg", ()):
                    filler[index] = True  # "не 2024 год, а предыдущий опрос": set aside
                elif token.number in YEARS:
                    features.years.append(token.number)
                    features.year_at.append(index)
                    features.wave_words.append(token.text)
                elif (
                    index > 0 and tokens[index - 1].number in YEARS and 1 <= token.number <= MONTHS
                ):
                    # "2024-04", "wave 2023-10": the month of the year before it
                    features.months.add(token.number)
                    features.wave_words.append(token.text)
                elif self._short_year(index, tokens, senses):
                    # "осенью 23-го", "23-го года", "2023 ж." written "23 ж.": 2023
                    features.years.append(CENTURY + token.number)
                    features.year_at.append(index)
                    features.wave_words.append(token.text)
                elif _claimed(index, tokens, senses, lexicon):
                    if features.quoted is None:
                        features.quoted = token.number
                elif not self._day_of_month(index, tokens, senses):
                    unexplained.append(index)  # "10 лет", "in 3 regions": what of it?
                continue
            if not sense.phrase_bases and len(token.key) > 2:
                features.unknown += 1
            entries = [e for base in sense.bases for e in lexicon.concepts_of(base)]
            # "қарағанда", Latin "qaraganda" (compared to) is not Russian "Караганда"
            if token.kazakh or (token.latin is not None and "q" in token.latin):
                entries = [e for e in entries if e.lang == "kk" or not e.concept.startswith(PLACE)]
            concepts = {e.concept for e in entries}
            framing = {e.lang for e in entries if e.concept.startswith(FRAMING)}
            if framing:
                function_langs[index] = framing
            if any(c.startswith(SPEAKER) for c in concepts):
                speaking.add(index)
            # A word that names a place is read as the place: "Караганда", "Karaganda" is
            # also Kazakh "қарағанда" (compared to) typed without Kazakh letters.
            if any(c.startswith(PLACE) for c in concepts):
                concepts = {c for c in concepts if not c.startswith(CUE)}
            meaningful = False
            for concept in sorted(concepts):
                _note(features, concept, index, [token])
                meaningful = meaningful or not concept.startswith(WORDS_ONLY)
                if self._asks(concept):
                    domain.add(index)
            if meaningful and "kk" in sense.langs and lexicon.first_person(token.key):
                # "Мен келіспедім.", "полицияға сенемін": the speaker's own view, told
                speaking.add(index)
            if meaningful or index in glossed:
                continue
            if lexicon.first_person(token.key):
                # "мұғаліммін", "қызмет етіп келемін": the speaker, about themselves
                filler[index] = True
                speaking.add(index)
            elif concepts or len(token.key) <= SHORT_WORD:
                filler[index] = True  # a function word, or a letter or two of anything
            else:
                unexplained.append(index)
        _opening_joins(features, clauses)
        features.speaking = frozenset(speaking)
        features.domain_at = frozenset(domain)
        _frame(features, tokens, clauses, unexplained, domain, speaking, self.domain_cues)
        _told_bodies(features, clauses, frozenset(self.contrasts), self.other_topics)
        _senders(features, clauses, frozenset(self.contrasts), self.other_topics)
        _set_aside(features, filler, spans_of, self.contrasts, clauses, self.denials)
        return features, phrase_langs, function_langs

    def _years_in_words(
        self, tokens: list[Token], senses: list[Sense]
    ) -> list[tuple[int, list[int]]]:
        """Years written in number words, before a word for a year (cue/year): the year
        and the positions of its words. "двадцать третьем году" is 2023 (two digits are
        this century's, as "23-го" is); "две тысячи двадцать четвёртый год" is 2024."""
        found: list[tuple[int, list[int]]] = []
        run: list[int] = []
        for index, sense in enumerate([*senses, None]):
            if sense is not None and self._value(sense) and tokens[index].number is None:
                run.append(index)
                continue
            if run:
                year = _number_of([self._value(senses[i]) for i in run])
                thousands = year >= THOUSAND  # ("in two thousand twenty three": a year)
                concepts = (
                    {e.concept for b in sense.bases for e in self.lexicon.concepts_of(b)}
                    if sense is not None
                    else set()
                )
                if "cue/year" in concepts and self._a_year(run, senses) and year < CENTURY // 20:
                    year += CENTURY
                if year in YEARS and (thousands or "cue/year" in concepts):
                    found.append((year, run))
            run = []
        return found

    def _a_year(self, run: list[int], senses: list[Sense]) -> bool:
        """A year, not a span ("бес жыл", "five years"): it has a thousand, or ends in an
        ordinal ("двадцать третьем году", "жиырма үшінші жылы")."""
        last = {e.concept for b in senses[run[-1]].bases for e in self.lexicon.concepts_of(b)}
        return ORDINAL in last or any(self._value(senses[i]) >= THOUSAND for i in run)

    def _value(self, sense: Sense) -> int:
        """The value of a number word (number words are never 0), else 0."""
        return next((v for b in sense.bases if (v := self.lexicon.number_value(b)) is not None), 0)

    def _speaker_word(self, sense: Sense) -> bool:
        return any(
            e.concept.startswith(SPEAKER) for b in sense.bases for e in self.lexicon.concepts_of(b)
        )

    def _asks(self, concept: str) -> bool:
        kind, _, ident = concept.partition("/")
        if kind == "cue":
            return ident in self.domain_cues
        return kind in DOMAIN_KINDS

    def _short_year(self, index: int, tokens: list[Token], senses: list[Sense]) -> bool:
        """A year written with two digits, beside a word for a year or a season
        (cue/year, cue/year_ending, season/...): "осенью 23-го", "24-жылы"."""
        number = tokens[index].number
        if number is None or number > MAX_SHORT_YEAR or number + CENTURY not in YEARS:
            return False
        near = [at for at in (index - 1, index + 1) if 0 <= at < len(senses)]
        concepts = {
            e.concept for at in near for b in senses[at].bases for e in self.lexicon.concepts_of(b)
        }
        return bool(concepts & SHORT_YEAR_NEIGHBOURS) or any(
            c.startswith("season/") for c in concepts
        )

    def _day_of_month(self, index: int, tokens: list[Token], senses: list[Sense]) -> bool:
        """ "24 January", "17 шілде": a day beside a month is part of a date."""
        if not 1 <= (tokens[index].number or 0) <= DAYS:
            return False
        return any(
            e.concept.startswith("month/")
            for at in (index - 1, index + 1)
            if 0 <= at < len(senses)
            for base in senses[at].bases
            for e in self.lexicon.concepts_of(base)
        )

    def _phrase_keys(self, token: Token, sense: Sense) -> frozenset[str]:
        """What a word can be in a phrase: its bases, and a wildcard for a number."""
        number = token.number
        if number is not None:
            return YEAR_KEY if number in YEARS else NUMBER_KEY
        if any(self.lexicon.is_number_word(base) for base in sense.bases):
            return sense.phrase_bases | NUMBER_KEY
        return sense.phrase_bases


def _frame(
    features: Features,
    tokens: list[Token],
    clauses: list[tuple[int, int]],
    unexplained: list[int],
    domain: set[int],
    speaking: set[int],
    domain_cues: frozenset[str],
) -> None:
    """What tells the question's setting is not part of what it asks. "I'm a pensioner,
    I'm 72, my grandson told me...": unknown words in a clause that names nothing the
    survey measures and has the speaker in it (knowledge/lexicon/speaker.yaml: "мне",
    "here", "внук сказал"), or in another sentence than the question, are set aside; an
    unknown word in a clause of its own ("а мы, курсанты, ...", "среди курсантов, ...")
    still counts. "I have served in the police for 12 years.
    How many trust us?": a qualifier counts only in a sentence that asks (trust, safety,
    crimes...)."""
    spoken = {clauses[i] for i in speaking}
    # a place beside the speaker ("I'm a student from Karaganda") tells where they are from
    places = {at for at, ident in features.named_at if ident in features.regions}
    asking = {clauses[i] for i in domain if i not in places or clauses[i] not in spoken}
    sentences = {sentence for sentence, _clause in asking}
    if asking:
        kept = []
        for i in unexplained:
            sentence, _clause = where = clauses[i]
            if where in asking or (sentence in sentences and where not in spoken):
                kept.append(i)
        unexplained = kept
        # "My son was robbed last year, do people still trust the police?": the time of the
        # speaker's story is not the wave asked about
        scene = spoken - asking
        for cue in TIME_CUES:
            kept_at = [i for i in features.cues.get(cue, ()) if clauses[i] not in scene]
            if kept_at:
                features.cues[cue] = kept_at
            elif features.cues.pop(cue, None) is not None:
                features.concepts.discard(f"cue/{cue}")
        years = list(zip(features.years, features.year_at, strict=True))
        features.years = [y for y, i in years if clauses[i] not in scene]
        features.year_at = [i for _y, i in years if clauses[i] not in scene]
    # (a few are enough to say why a figure was held back; a paste of noise keeps no more)
    features.unexplained = [tokens[i].text for i in unexplained[:MAX_UNEXPLAINED]]
    # ("I'm a journalist from Karaganda. ..."): words that only tell about the speaker
    about_places = places | set(features.cues.get("region", ()))
    features.telling = frozenset(
        i for i in about_places if clauses[i] in spoken and clauses[i] not in asking
    )
    asked = {clauses[i][0] for cue, at in features.cues.items() if cue in domain_cues for i in at}
    # ("why don't people trust the police?": its cue is inside the phrase; a sentence of
    # the speaker's, "I served in the police for 12 years.", tells and does not ask)
    asked |= {clauses[i][0] for i in domain} - {clauses[i][0] for i in speaking}
    if asked:  # ("я таксую по ночам, ... сколько чувствуют себя небезопасно": not at night)
        features.unavailable = [
            found
            for found, at in zip(features.unavailable, features.unavailable_at, strict=True)
            if clauses[at][0] in asked and (clauses[at] in asking or clauses[at] not in spoken)
        ]


def _senders(
    features: Features,
    clauses: list[tuple[int, int]],
    answer_cues: frozenset[str],
    other_topics: frozenset[str],
) -> None:
    """ "Алматы қаласы әкімдігінің баспасөз қызметі: қалада қанша қылмыс тіркелді?",
    "Акимат Карагандинской области интересуется числом преступлений", "Ministry of ...:
    trust in the police": a body the survey does not cover, named as who asks. It is
    dropped when the question is about something else: another clause names a subject or
    topic of its own, or its own clause asks about crimes, safety or the survey (not
    trust, which would be trust in that body)."""
    cues = features.cues
    marked = {clauses[p] for cue in (*QUESTION_CUES, *answer_cues) for p in cues.get(cue, ())}
    trust_words = {clauses[p] for cue in answer_cues for p in cues.get(cue, ())}
    topical = {clauses[p] for cue in other_topics for p in cues.get(cue, ())}
    topical |= {clauses[at] for at, _ident in features.named_at}
    # (a clause that names a body the survey covers is about it: "шкала для полиции")
    bodies = {clauses[at] for at, ident in features.named_at if ident in features.institutions}
    kept: list[tuple[tuple[str, str], int]] = []
    for found, at in zip(features.unavailable, features.unavailable_at, strict=False):
        where = clauses[at]
        elsewhere = bool(topical - {where})
        sender = (
            found[0] == "institution"
            and where not in bodies
            and (
                (where not in marked and elsewhere)
                or (where in topical and where not in trust_words and not cues.keys() & answer_cues)
            )
        )
        if sender:
            features.concepts.discard(f"unavailable_institution/{found[1]}")
        else:
            kept.append((found, at))
    features.unavailable = [found for found, _at in kept]
    features.unavailable_at = [at for _found, at in kept]
    if not any(kind == "institution" for kind, _ident in features.unavailable):
        features.concepts.discard("unavailable_institution")


def _told_bodies(
    features: Features,
    clauses: list[tuple[int, int]],
    answer_cues: frozenset[str],
    other_topics: frozenset[str],
) -> None:
    """ "Апам прокуратурада істейді, бізді бір сұрақ қызықтырады: Шымкентте қанша
    қылмыс?", "my brother is a firefighter, but how safe do people feel?": a body named in
    a clause of the speaker's, with no question, answer or negation word of its own, when
    another clause asks about another subject or topic: where the family works, not what
    is asked, so it is dropped. ("I'm writing on the prosecutor's office. What's the
    latest trust figure?" asks about it: nothing else is named.)"""
    spoken = {clauses[i] for i in features.speaking}
    if not spoken:
        return
    cues = features.cues
    own = (*QUESTION_CUES, *answer_cues, *EXCLUDING, CONTRAST, "about")
    marked = {clauses[p] for cue in own for p in cues.get(cue, ())}
    told = {
        ident
        for at, ident in features.named_at
        if ident in features.institutions and clauses[at] in spoken and clauses[at] not in marked
    }
    if not told:
        return
    told_at = {clauses[at] for at, ident in features.named_at if ident in told}
    elsewhere = {clauses[at] for at, ident in features.named_at if ident not in told}
    elsewhere |= {clauses[p] for cue in other_topics for p in cues.get(cue, ())}
    if not elsewhere - told_at:
        return
    told -= {ident for at, ident in features.named_at if clauses[at] not in spoken}
    features.institutions = [i for i in features.institutions if i not in told]
    features.named_at = [(at, i) for at, i in features.named_at if i not in told]
    features.concepts -= {f"institution/{ident}" for ident in told}
    if not features.institutions:
        features.concepts.discard("institution")


def _number_of(values: list[int]) -> int:
    """The number that number words say, in order: [2, 1000, 20, 3] is 2023."""
    total = current = 0
    for value in values:
        if value >= THOUSAND:
            total += (current or 1) * value
            current = 0
        elif value == HUNDRED:
            current = (current or 1) * value
        else:
            current += value
    return total + current


def _claimed(index: int, tokens: list[Token], senses: list[Sense], lexicon: Lexicon) -> bool:
    """ "68%", "61.6 %" (61, 6, %), "80 процентов", "5 пунктов", "18 тысяч", "27000": a
    value the user quotes ("is it true that 68% trust the prosecutors?"); the reply gives
    the published one."""
    if (tokens[index].number or 0) >= QUOTED_COUNT:
        return True  # no age, no span of years: a count ("over 27,000 crimes. Correct?")
    after = index + 1
    if after < len(tokens) and tokens[after].number is not None:
        after += 1  # the decimals of "61.6%"
    if after >= len(tokens):
        return False
    if tokens[after].text == PERCENT:
        return True
    units = {e.concept for b in senses[after].bases for e in lexicon.concepts_of(b)}
    return bool(units & QUOTED_UNITS)


def _told(
    features: Features,
    clauses: list[tuple[int, int]],
    answer_cues: frozenset[str],
    asked: frozenset[int] = frozenset(),
) -> set[int]:
    """Sentences in which the speaker only tells something (a speaker word, no question
    word), when another sentence asks about something the survey measures and names it
    itself: "I worked in the police for 15 years. How many trust the courts?"."""
    sentence = [where[0] for where in clauses]
    if len(set(sentence)) < 2:
        return set()
    questions = {sentence[p] for cue in QUESTION_CUES for p in features.cues.get(cue, ())}
    questions |= asked
    # (a sentence that names what it asks about: "Сколько доверяют нам?" refers back)
    answer_words = {p for cue in answer_cues for p in features.cues.get(cue, ())}
    subjects = {sentence[p] for p, _ident in features.named_at}
    named = subjects | {sentence[i] for i in features.domain_at if i not in answer_words}
    asking = questions & named
    if not asking:
        return set()
    # ("…не сталкивались? Я про полицию.": a sentence that names what the question is
    # about; "Пишу материал про опрос весны 2024 года. А в прошлом году ...?" tells)
    about = {sentence[p] for p in features.cues.get("about", ())} & subjects
    # A story told before the question ("Өткен жылы ұлымның үйін тонап кетті, полицияны
    # шақырдық, әрең келді. ... халық полицияға сене ме?") sets the scene, whoever it is
    # about: a sentence of a few words or more before the last one that asks, with no "?".
    # When that one ends in "?" and names its subject, the story's question words are
    # told too ("...когда говорят, что полиции не верят. Сколько не доверяют полиции?");
    # otherwise the story has none ("Хочу сравнить полицию и суды. Какой орган ...?").
    last = max(asking)
    words = Counter(sentence)
    plain = last in asked and last in subjects
    # (a year typed in it is the data asked for: "Pretend you have the 2025 data. Police
    # trust?", "Нужны данные за 2023 год. ...")
    dated = {sentence[i] for i in features.year_at}
    story = {
        s
        for s in set(sentence) - dated
        if s < last and words[s] >= STORY_WORDS and s not in asked and (plain or s not in questions)
    }
    told = {sentence[i] for i in features.speaking} - questions - asked
    return (told | story) - about


def _fits(word: str, keys: frozenset[str], token: Token) -> bool:
    """A phrase word fits a question word: any of its readings, or for a word marked
    as written ("жаз!") the word itself (bot.nlu.lexicon.AS_WRITTEN)."""
    if word.endswith(AS_WRITTEN):
        return word[:-1] in (token.key, token.latin, kazakh_latin_key(token.latin or ""))
    return word in keys


def _opening_joins(features: Features, clauses: list[tuple[int, int]]) -> None:
    """ "And what share partially trust it?": an "and" / "or" that opens a sentence joins
    this question to the last one, not two answers into a total."""
    joins = features.cues.get(JOINS)
    if not joins:
        return
    # (a sentence, not a clause: «қауіпсіз емес» және «мүлде…» joins across the quotes)
    kept = [p for p in joins if p > 0 and clauses[p - 1][0] == clauses[p][0]]
    if kept:
        features.cues[JOINS] = kept
    else:
        del features.cues[JOINS]


def _set_aside(
    features: Features,
    filler: list[bool],
    spans: dict[int, tuple[int, int]],
    alternatives: Mapping[str, str],
    clauses: list[tuple[int, int]],
    denials: frozenset[str] = frozenset(),
) -> None:
    """Subjects and answers a question sets aside: "apart from the fire service",
    "өрт сөндірушілерден басқа"; "not the police but the courts", "полицияға емес, сотқа",
    "не полностью, а частично". A negation that contrasts two of a kind belongs to the
    one it sets aside, not to the measure ("не полиции, а судам доверяют" asks about
    trust). `spans` maps each word of a phrase to the phrase's (first, last) word."""
    cues = features.cues
    if not (cues.keys() & EXCLUDING or CONTRAST in cues):
        return
    size = len(filler)
    first = {i: span[0] for i, span in spans.items()}
    last = {i: span[1] for i, span in spans.items()}

    # ("I'm not asking about the prosecutors": "about" names nothing to set aside)
    passable = [f or i in cues.get("about", ()) for i, f in enumerate(filler)]

    def before(at: int) -> int:  # the meaningful word (or phrase) before `at`
        at = first.get(at, at) - 1
        while at >= 0 and passable[at]:
            at -= 1
        return first.get(at, at)

    def after(at: int) -> int:
        at = last.get(at, at) + 1
        while at < size and passable[at]:
            at += 1
        return at

    subjects = dict(features.named_at)
    nouns = set(cues.get("body", ()))  # "өрт сөндіру | қызметін есептемегенде": its noun
    joins = set(cues.get(JOINS, ()))  # "кроме полиции и судов", "Астана мен Шымкентті"

    def set_aside_by(at: int, step: Callable[[int], int], cue: str) -> bool:
        """Whether the subject at `at` is set aside by `cue` in the step's direction,
        past nouns ("қызметін") and the other subjects of a list ("X мен Y қоспағанда")."""
        at = step(at)
        while at in nouns or at in joins or at in subjects:
            at = step(at)
        return at in cues.get(cue, ())

    for position, ident in features.named_at:
        if set_aside_by(position, before, "except") or set_aside_by(
            position, after, "except_after"
        ):
            features.excluded.append(ident)
    answers: dict[int, set[str]] = {}  # position -> the kinds of answer word there
    for cue, positions in cues.items():
        if cue in alternatives:
            for position in positions:
                answers.setdefault(position, set()).add(alternatives[cue])
    dropped: set[int] = set()  # positions whose cues go: the negation and what it set aside
    negations = set(cues.get("neg", ())) | set(cues.get("neg_after", ()))

    def answer_run(at: int, step: Callable[[int], int], sentence: int) -> list[int]:
        """The answer words and negations from `at` on, in the step's direction, within
        one sentence: «мүлдем қауіпсіз емес» before "қоспағанда"."""
        run: list[int] = []
        while 0 <= at < size and clauses[at][0] == sentence and (at in answers or at in negations):
            run.append(at)
            at = step(at)
        return run

    # An answer set aside: "not safe, not counting 'not safe at all'", «мүлдем қауіпсіз
    # емес» дегендерді қоспағанда: the excluded category's words go, so the rest names
    # the category asked about (and nothing is answered when nothing is left).
    for cue, step in (("except", after), ("except_after", before)):
        for position in cues.get(cue, ()):
            if (step is after and position + 1 in subjects) or (
                step is before and before(position) in subjects
            ):
                continue  # a subject set aside, above
            run = answer_run(step(position), step, clauses[position][0])
            if run and any(p not in run for p in answers):
                dropped.update(run)  # (the cue itself stays: the rest is one category)
    # "а", "but", "ал" draw a contrast only after something: a question that starts
    # with one ("а кто совсем не согласен…") is a follow-up, not "не X, а Y".
    contrasted = any(before(p) >= 0 for p in cues.get(CONTRAST, ()))
    # A negation that follows what it negates ("полиция емес", "доверия нет") looks back;
    # one that precedes it ("не полиции", "not the police") looks ahead.
    looks = [(n, True) for n in cues.get("neg_after", ())]
    looks += [(n, False) for n in cues.get("neg", ()) if n not in cues.get("neg_after", ())]
    # "толық сенбейтін, бірақ ішінара сенетіндер", "не полностью доверяют, но частично":
    # a negated answer, then a contrast and another answer of the same subject: the one
    # after the contrast is asked. (A subject after the contrast is another question:
    # "полицияға сенбейді, бірақ сотқа сенеді".)
    denying = negations | {p for cue in denials for p in cues.get(cue, ())}
    sides = {alternatives[cue] for cue in denials if cue in alternatives}
    for contrast in cues.get(CONTRAST, ()):
        if before(contrast) < 0:
            continue
        here = clauses[contrast][0]
        ahead = [p for p in answers if p > contrast and clauses[p][0] == here]
        behind = answer_run(before(contrast), before, here)
        if (
            ahead
            and behind
            and set(behind) & denying
            and not any(contrast < p <= max(ahead) for p in subjects)
        ):
            dropped.update(behind)
    for negation, back in sorted(looks):
        if negation in dropped:
            continue  # a word of an answer set aside
        # A subject next to it, when another subject is named: "не полиции, а судам", "not
        # the fire service, the police", "полицияға емес, сотқа".
        negated = subjects.get(before(negation) if back else after(negation))
        if negated is not None and back and set_aside_by(before(negation), before, "only"):
            # "Тек Алматы мен Астананы емес, барлық алты өңір": not only these, all of them
            dropped.add(negation)
            continue
        others = set(subjects.values()) - {negated} - set(features.excluded)
        # ("Алматы облысы емес, қаланың өзінде": a place set aside for its namesake)
        if negated is not None and (others or negated in features.regions):
            features.excluded.append(negated)
            dropped.add(negation)
            continue
        # Answer words: "толық емес, ішінара" (a parallel word after it), "not fully but
        # partly", "safe enough but not completely safe" (with a contrast, and a parallel
        # word anywhere else).
        stops = set(subjects) | set(cues.get(CONTRAST, ()))
        run = _run(negation, before if back else after, size, stops, clauses)
        # ("not partial, full": an answer of the same kind in a later clause contrasts;
        # not for the side of an answer: "не согласен, что можно доверять" denies)
        kinds = answers.get(run[0], set()) - sides if run else set()
        later = bool(kinds) and any(
            clauses[p] > clauses[run[-1]] and answers[p] & kinds for p in answers
        )
        if not run or (not back and not contrasted and not later):
            continue
        rest = [
            p
            for p in answers
            if p not in run and p not in dropped and p != negation and (not back or p > negation)
        ]
        parallel = {kind for p in rest for kind in answers[p]}
        set_aside = [p for p in run if answers.get(p, set()) & parallel]
        if set_aside:
            dropped.update(set_aside)
            dropped.add(negation)
    for cue in list(cues):
        if cue in alternatives or cue in EXCLUDING:
            kept = [p for p in cues[cue] if p not in dropped]
            if kept:
                cues[cue] = kept
            else:
                del cues[cue]
    for ident in features.excluded:
        for ids in (features.institutions, features.regions):
            if ident in ids:
                ids.remove(ident)


def _run(
    negation: int,
    step: Callable[[int], int],
    size: int,
    stops: set[int],
    clauses: list[tuple[int, int]],
) -> list[int]:
    """Up to RUN meaningful words (or phrases) next to a negation, in the step's direction,
    up to a contrast ("but", "а") or the end of its clause ("not partial, full")."""
    found: list[int] = []
    at = negation
    for _ in range(RUN):
        at = step(at)
        if not 0 <= at < size or at in stops or clauses[at] != clauses[negation]:
            break
        found.append(at)
    return sorted(found)


def _analysis_weight(key: tuple[str, str | None]) -> int:
    # the text, its words (a string each: ~60 bytes per word of ~6 letters), the concepts
    return 1500 + 12 * len(key[0])


def _note(features: Features, concept: str, position: int, words: list[Token]) -> None:
    kind, _, ident = concept.partition("/")
    if not concept.startswith(WORDS_ONLY):
        features.concepts.add(concept)
        features.concepts.add(kind)
    if kind == "institution":
        features.named_at.append((position, ident))
        if ident not in features.institutions:
            features.institutions.append(ident)
    elif kind == "region":
        features.named_at.append((position, ident))
        if ident not in features.regions:
            features.regions.append(ident)
    elif kind.startswith(UNAVAILABLE):
        features.unavailable.append((kind.removeprefix(UNAVAILABLE), ident))
        features.unavailable_at.append(position)
    elif kind == "cue":
        features.cues.setdefault(ident, []).append(position)
    elif kind == "month":
        features.months.add(int(ident))
        features.period_at.append((position, int(ident)))
        features.wave_words.extend(w.text for w in words)
    elif kind == "season":
        features.seasons.add(ident)
        features.period_at.append((position, ident))
        features.wave_words.extend(w.text for w in words)
    elif kind == "reason":
        if ident not in features.reasons:
            features.reasons.append(ident)
    elif kind == "fact":
        features.facts.add(ident)
    elif kind == "reply":
        features.reply = ident
    elif kind == "glossary" and ident not in features.glossary:
        features.glossary.append(ident)
