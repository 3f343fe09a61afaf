"""Normalization, language detection and word matching, stage by stage."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import clean, skeleton, tokenize


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (["Полицияға", "полицияга", "politsiyaga", "POLITSIYAGA", "Politsııaǵa"], "полицияга"),
        (["қанша", "канша", "qansha", "kansha"], "канша"),
        (["сенеді", "сенеди", "senedi"], "сенеди"),
        (["Прокуратураға", "прокуратурага", "Prokýratýraǵa", "prokuraturaga"], "прокуратурага"),
        (["ещё", "еще", "eshe"], "еше"),
        (["доверяют", "doveryayut"], "доверяют"),
        (["полиции", "полицыи", "politsii", "policii"], "полиции"),
    ],
)
def test_every_way_of_typing_a_word_meets_one_key(variants, key):
    assert {skeleton(v) for v in variants} == {key}


def test_tokens_split_hyphens_keep_numbers_and_drop_punctuation():
    tokens = tokenize("Anti-corruption service's trust, 2024?!")
    assert [t.text for t in tokens] == ["anti", "corruption", "service's", "trust", "2024"]
    assert tokens[-1].number == 2024
    assert tokens[0].latin == "anti"
    assert tokenize("Сотқа")[0].kazakh and not tokenize("сотка")[0].kazakh


def test_clean_removes_control_characters_and_bounds_length():
    assert clean("a\x00b\u200bc\x1b[31m") == "a b c [31m"
    assert len(clean("x" * 200_000)) == 1000


@pytest.fixture(scope="module")
def lexicon(engine):
    return engine.parser.lexicon


def concepts(lexicon, word: str) -> set[str]:
    (token,) = tokenize(word)
    return {e.concept for b in lexicon.sense(token).bases for e in lexicon.concepts_of(b)}


@pytest.mark.parametrize(
    ("word", "concept"),
    [
        ("полицияға", "institution/police"),
        ("полицияның", "institution/police"),
        ("полициясына", "institution/police"),
        ("сотқа", "institution/courts"),
        ("соттарға", "institution/courts"),
        ("соттың", "institution/courts"),
        ("прокуратураға", "institution/prosecutor"),
        ("Алматыдағы", "region/almaty_city"),
        ("Шымкенттегі", "region/shymkent_city"),
        ("Ақтөбеде", "region/aktobe_region"),
        ("елордадағы", "region/astana_city"),
        ("полиции", "institution/police"),
        ("судам", "institution/courts"),
        ("прокуратуре", "institution/prosecutor"),
        ("courts", "institution/courts"),
        ("trusted", "cue/trust"),
        ("firefighters", "institution/fire_service"),
        ("доверяют", "cue/trust"),
        ("сенетіндер", "cue/trust"),
        ("сенбейтіндер", "cue/distrust"),
    ],
)
def test_inflected_forms_find_their_concept(lexicon, word, concept):
    assert concept in concepts(lexicon, word)


@pytest.mark.parametrize(
    ("typo", "concept"),
    [
        ("палицияга", "institution/police"),
        ("прокуратуер", "institution/prosecutor"),
        ("прокуротурага", "institution/prosecutor"),
        ("полицыи", "institution/police"),
        ("судм", "institution/courts"),
        ("безопастно", "cue/safety"),
        ("антикорупционой", "institution/anti_corruption"),
        ("firefigters", "institution/fire_service"),
        ("prosecuter", "institution/prosecutor"),
    ],
)
def test_typos_are_forgiven(lexicon, typo, concept):
    assert concept in concepts(lexicon, typo)


@pytest.mark.parametrize(
    "word",
    ["сотни", "сотрудники", "сотовый", "count", "counting", "судьба", "полиэтилен", "озин", "ая"],
)
def test_look_alikes_are_not_matched(lexicon, word):
    found = concepts(lexicon, word)
    assert not {c for c in found if c.startswith(("institution/", "region/"))}, found


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Полицияға қанша адам сенеді?", "kk"),
        ("полицияга канша адам сенеди", "kk"),  # Russian keyboard, no Kazakh letters
        ("сотка сеним кандай", "kk"),
        ("politsiyaga qansha adam senedi", "kk"),  # informal Latin
        ("Prokýratýraǵa senim deńgeıi qandaı?", "kk"),  # 2018 Latin alphabet
        ("Sotqa senim qandai 2023", "kk"),
        ("Сколько людей доверяют полиции?", "ru"),
        ("скока народ верит ментам", "ru"),
        ("skolko lyudey doveryayut politsii", "ru"),  # transliterated Russian
        ("doverie k sudam v 2023", "ru"),
        ("How much do people trust the police?", "en"),
        ("do ppl trust cops", "en"),
        ("how much do people trust полиция in 2023?", "en"),
        ("Сколько процентов trust к судам?", "ru"),
        ("Полицияға сенім in 2023", "kk"),
    ],
)
def test_language_detection(engine, question, lang):
    assert engine.parser.parse(question).lang == lang


def test_a_question_without_language_takes_the_conversation_language(engine):
    assert engine.parser.parse("2024?", lang_hint="kk").lang == "kk"
    assert engine.parser.parse("2024?", lang_hint="ru").lang == "ru"


# -- every word accounted for (knowledge/lexicon: filler.yaml, numbers.yaml, phrases) ----


def analysed(engine, text: str):
    features, _lang = engine.parser.analyser.analyse((clean(text), None))
    return features


@pytest.mark.parametrize(
    ("question", "unexplained"),
    [
        ("how much do people trust the police", []),
        ("please tell me, how much do people trust the police, thanks", []),
        ("полицияға қанша адам сенеді, айтыңызшы", []),
        ("подскажите пожалуйста сколько доверяют полиции", []),
        ("how much do zorblat people trust the police", ["zorblat"]),
        ("сколько доверяют полиции в 99 домах", ["99", "домах"]),  # a number that is no year
        # a value the user quotes: "80 процентов", "5 пунктов", "18 тысяч", "27,000"
        ("правда ли, что полиции доверяют 99 процентов?", []),
        ("доверие к полиции упало на 5 пунктов?", []),
        ("опросили 18 тысяч домохозяйств?", []),
        ("Almaty recorded over 27,000 crimes. Correct?", []),
        ("police trust on 24 January 2024", []),  # a day beside a month is a date
        ("сколько убийств в Алматы", []),  # a known qualifier, not an unknown word
        # the speaker setting the scene (knowledge/lexicon/speaker.yaml) is not the question
        ("я пенсионерка, мне 72 года, внук сказал. сколько доверяют полиции?", []),
        ("teacher here, doing a civics lesson - how many trust the courts", []),
        # an unknown word in a clause of its own still counts
        ("а мы, курсанты, полиции доверяем?", ["курсанты"]),
        ("среди курсантов, сколько доверяют полиции", ["курсантов"]),
        ("is it true that 68% trust the prosecutors", []),  # a value quoted to check
    ],
)
def test_every_word_is_understood_filler_or_unexplained(engine, question, unexplained):
    assert analysed(engine, question).unexplained == unexplained


@pytest.mark.parametrize(
    ("question", "cues", "regions"),
    [
        # "fall" is a season next to a year, a decline otherwise
        ("trust in the police in fall 2023", {"fall": False, "change": False}, []),
        ("did trust in the police fall", {"fall": True, "change": True}, []),
        # a capital with "southern"/"old" is Almaty city, alone it is Astana
        ("crimes in the southern capital", {}, ["almaty_city"]),
        ("сколько преступлений в южной столице", {}, ["almaty_city"]),
        ("оңтүстік астанадағы қылмыс", {}, ["almaty_city"]),
        ("crimes in the capital", {}, ["astana_city"]),
        # "Караганда" is the place; "қарағанда" (compared to) keeps its Kazakh letters
        ("Karaganda?", {"compare": False}, ["karaganda_region"]),
        ("полицияға қарағанда сотқа сенім", {"compare": True}, []),
    ],
)
def test_senses_are_decided_by_their_neighbours(engine, question, cues, regions):
    features = analysed(engine, question)
    for cue, present in cues.items():
        assert (cue in features.cues) is present, (cue, features.cues)
    assert features.regions == regions


@pytest.mark.parametrize(
    ("question", "excluded"),
    [
        ("not the police but the courts: how many trust them", ["police"]),
        ("не полиции, а судам сколько доверяют", ["police"]),
        ("полицияға емес, сотқа қанша адам сенеді", ["police"]),
        ("кроме пожарных какому органу доверяют больше всего", ["fire_service"]),
    ],
)
def test_a_subject_set_aside_is_not_asked_about(engine, question, excluded):
    features = analysed(engine, question)
    assert features.excluded == excluded
    assert not set(excluded) & set(features.institutions)


def test_a_span_of_years_is_no_age(engine):
    # "лет"/"жыл" after a number of years is a span of time, not the respondents' ages
    for question in ("за последние 10 лет", "соңғы 10 жылда", "over the last 10 years"):
        features = analysed(engine, question)
        assert ("period", "span") in features.unavailable, question
        assert "fact/age" not in features.concepts, question


@pytest.mark.parametrize(
    ("question", "qualifiers"),
    [
        ("I have served in the police for 12 years. How many trust us?", []),
        ("я таксую по ночам, и вот интересно - сколько людей чувствуют себя в безопасности", []),
        ("do women trust the police", [("group", "sex")]),
        ("а мы, пожилые, судам доверяем?", [("group", "age")]),
        ("Число убийств, зарегистрированных в Астане?", [("offence", "murder")]),
    ],
)
def test_a_qualifier_counts_where_the_question_asks(engine, question, qualifiers):
    assert analysed(engine, question).unavailable == qualifiers
