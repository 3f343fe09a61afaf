"""Each answer type (bot/intents) on its own: its lookup, its lines, its next steps and its
chart, from a Query (no parsing involved)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.intents.registry import ANSWERS
from bot.model import Intent, Lacking, Query, Span
from bot.telegram.html import to_text

BODIES = (
    "prosecutor",
    "police",
    "anti_corruption",
    "economic_investigation",
    "courts",
    "fire_service",
)
PLACES = (
    "almaty_city",
    "astana_city",
    "almaty_region",
    "karaganda_region",
    "shymkent_city",
    "aktobe_region",
)


def shown(engine, query: Query, lang: str = "en"):
    answer = ANSWERS[query.intent].lookup(query, engine.look)
    message = ANSWERS[query.intent].render(answer, engine.phrases[lang])
    return answer, message


def bold(message) -> list[str]:
    return [span.text for line in message.lines for span in line if span.bold]


def test_value_states_the_figure_with_the_previous_wave_for_context(engine):
    answer, message = shown(engine, Query(Intent.VALUE, topic="trust", subjects=("police",)))
    (row,) = answer.rows
    assert (row.figure.value, row.previous.value, row.change.value) == (
        Decimal("61.6"),
        Decimal("63.1"),
        Decimal("-1.5"),
    )
    assert bold(message) == ["Police — April–May 2024 survey", "61.6%"]
    assert "(October–November 2023: 63.1%; down 1.5 pp)" in message.text
    assert message.text.endswith("Bureau of National Statistics, release of January 24, 2024.")


def test_value_for_a_named_wave_adds_no_other_wave(engine):
    query = Query(
        Intent.VALUE, topic="trust", subjects=("police",), waves=("2023-10",), waves_named=True
    )
    answer, _message = shown(engine, query)
    assert [f.wave for f in answer.figures] == ["2023-10"]


def test_a_derived_total_shows_its_parts_and_is_marked(engine):
    query = Query(Intent.VALUE, topic="trust", subjects=("courts",), measure="trust_total")
    answer, message = shown(engine, query)
    total = answer.rows[0]
    assert total.figure.derived and [p.value for p in total.parts] == [
        Decimal("61.8"),
        Decimal("25.9"),
    ]
    assert "87.7% = 61.8% + 25.9% (calculated by Senim)" in message.text


def test_breakdown_lists_every_category_of_the_bodys_own_scale(engine):
    answer, message = shown(engine, Query(Intent.BREAKDOWN, topic="trust", subjects=("police",)))
    assert [r.figure.measure for r in answer.rows] == [
        "trust", "partial_trust", "partial_distrust", "distrust", "never_encountered",
    ]  # fmt: skip
    assert "In brackets: change since October–November 2023." in message.text


def test_ranking_orders_every_body_and_explains_the_other_scale(engine):
    query = Query(Intent.RANKING, topic="trust", subjects=BODIES, order="desc")
    answer, message = shown(engine, query)
    values = [r.figure.value for r in answer.rows]
    assert (
        values == sorted(values, reverse=True) and answer.rows[0].figure.subject == "fire_service"
    )
    assert (
        "For the police, the Anti-Corruption Service, and the Economic Investigation"
        in message.text
    )
    ascending, _ = shown(engine, Query(Intent.RANKING, topic="trust", subjects=BODIES, order="asc"))
    assert [r.figure.subject for r in ascending.rows] == [r.figure.subject for r in answer.rows][
        ::-1
    ]


def test_a_ranking_of_places_says_only_six_were_published(engine):
    query = Query(Intent.RANKING, topic="crime", subjects=PLACES, measure="registered_crimes")
    _answer, message = shown(engine, query, "ru")
    assert "только 6 регионов" in message.text
    assert bold(message)[0].startswith("Зарегистрированные преступления: данные релиза от 24")


def test_compare_is_a_ranking_of_the_bodies_named(engine):
    query = Query(Intent.COMPARE, topic="trust", subjects=("courts", "police"), order="desc")
    answer, message = shown(engine, query)
    assert [r.figure.subject for r in answer.rows] == ["courts", "police"]
    assert bold(message)[0] == "Trust: the courts vs the police — April–May 2024 survey"


def test_change_sorts_bodies_by_their_change_and_says_which_way(engine):
    query = Query(Intent.CHANGE, topic="trust", subjects=BODIES, order="asc")
    answer, message = shown(engine, query)
    changes = [r.change.value for r in answer.rows]
    assert changes == sorted(changes) and (answer.base_wave, answer.wave) == ("2023-10", "2024-04")
    assert bold(message)[0].startswith("Change in “Trust”, biggest fall first")


def test_change_of_a_topic_with_one_wave_is_empty(engine):
    query = Query(Intent.CHANGE, topic="crime", subjects=PLACES, measure="registered_crimes")
    answer, message = shown(engine, query)
    assert answer.rows == ()  # not the one wave against itself, "no change"
    assert "published for one period only" in message.text


def test_survey_facts_by_group(engine):
    query = Query(Intent.SURVEY_FACTS, topic="survey", subjects=("all",), group="ages")
    answer, _message = shown(engine, query)
    assert [(f.measure, f.value) for f in answer.figures] == [
        ("age_min", Decimal(15)),
        ("age_max", Decimal(80)),
    ]


@pytest.mark.parametrize(
    ("info", "words"),
    [
        ("sources", ["astanatimes.com", "stat.gov.kz"]),
        ("method", ["Survey method", "Households sampled: 18,005"]),
        ("next_release", ["July 17, 2024"]),
        ("release", ["Releases", "released on January 24, 2024"]),
        ("fieldwork", ["Survey waves", "fieldwork April–May 2024"]),
    ],
)
def test_survey_info_of_each_kind(engine, info, words):
    _answer, message = shown(engine, Query(Intent.SURVEY_INFO, info=info))
    for word in words:
        assert word in message.text


def test_glossary_gives_term_definition_and_source(engine):
    _answer, message = shown(engine, Query(Intent.GLOSSARY, term="lssrpgo"), "kk")
    assert bold(message) == ["ҚР БП ҚСжАЕК"] and "Дереккөз" in message.text


@pytest.mark.parametrize(
    ("lacking", "lang", "words"),
    [
        # Refusals name what is missing in the case the sentence needs, from the lexicon's
        # `names`, never by quoting a cut fragment of the user's word.
        (Lacking("institution", "army"), "en", "no data on trust in the army."),
        (Lacking("institution", "army"), "kk", "Зерттеуде армияға сенім туралы деректер жоқ."),
        (Lacking("institution", "army"), "ru", "нет данных о доверии к армии."),
        (
            Lacking("region", "pavlodar"),
            "en",
            "No crime figures were published for Pavlodar region",
        ),
        (Lacking("region", "pavlodar"), "kk", "Павлодар облысы бойынша қылмыс туралы"),
        (Lacking("region", "pavlodar"), "ru", "о преступлениях по Павлодарской области"),
        (Lacking("group", "sex"), "en", "(aged 15 to 80), not broken down by sex."),
        (Lacking("group", "sex"), "kk", "(15 жастан 80 жасқа дейінгі), жынысы бойынша"),
        (Lacking("group", "sex"), "ru", "(в возрасте от 15 до 80 лет), без разбивки по полу."),
        (Lacking("fact", "margin_of_error"), "en", "do not publish the margin of error;"),
        (Lacking("offence", "murder"), "ru", "данных об убийствах нет."),
        (Lacking("offence", "murder"), "kk", "кісі өлтіру туралы дерек жоқ."),
        # Trust by region was published, in spreadsheets Senim does not have.
        (Lacking("by_region"), "en", "only for the country as a whole: the Bureau gives"),
        (Lacking("by_region"), "ru", "только по стране в целом"),
        (Lacking("change"), "en", "one period only"),
        (Lacking("wave", "2019"), "en", "No data for the year 2019."),
        (Lacking("wave", "2019"), "ru", "Данных за 2019 год нет."),
    ],
)
def test_not_available_says_what_and_what_there_is(engine, lacking, lang, words):
    query = Query(Intent.NOT_AVAILABLE, topic="trust", lacking=lacking)
    _answer, message = shown(engine, query, lang)
    assert words in message.text


def test_clarify_offers_options_as_questions(engine):
    options = (Query(Intent.VALUE, topic="trust", subjects=("courts",)),)
    query = Query(Intent.CLARIFY, topic="trust", asked="institution", options=options)
    _answer, message = shown(engine, query)
    assert [o.text for o in message.options] == ["How much do people trust the courts?"]
    assert message.text == "Which body do you mean?\n• How much do people trust the courts?"


@pytest.mark.parametrize("intent", [Intent.GREETING, Intent.HELP, Intent.OUT_OF_SCOPE])
def test_small_talk_ends_with_the_example_questions(engine, intent):
    _answer, message = shown(engine, Query(intent))
    assert message.text.endswith("• How did trust in the courts change?")


def test_the_next_steps_of_each_answer(engine):
    def steps(query):
        return [o.text for o in ANSWERS[query.intent].steps(query, engine.phrases["en"])]

    one = Query(Intent.VALUE, topic="trust", subjects=("police",), waves=("2024-04",))
    assert steps(one) == [
        "Full breakdown",
        "Change since the previous survey",
        "Compare with the others",
    ]
    assert steps(Query(Intent.BREAKDOWN, topic="trust", subjects=("police",))) == [
        "Change since the previous survey",
        "Compare with the others",
    ]
    assert steps(Query(Intent.RANKING, topic="crime", subjects=PLACES)) == []  # one wave
    assert steps(Query(Intent.VALUE, topic="safety", subjects=("residence_area",))) == [
        "Change since the previous survey"
    ]


def test_charts_draw_the_rows_with_a_title_that_says_what_is_measured(engine):
    one = Query(Intent.VALUE, topic="trust", subjects=("police",))
    spec = engine.chart(one, "en")  # one body: drawn with every answer category
    assert spec is not None and spec.kind == "bars" and len(spec.labels) == 5
    # the title says what is measured, the text heading need not ("Police — …")
    assert spec.title == "Trust in the police: all answers — April–May 2024 survey"
    change = engine.chart(Query(Intent.CHANGE, topic="trust", subjects=BODIES), "ru")
    assert change is not None and change.kind == "change" and len(change.before) == 6
    assert engine.chart(Query(Intent.GLOSSARY, term="crime"), "en") is None


def test_a_message_is_spans_the_transport_renders(engine):
    _answer, message = shown(engine, Query(Intent.VALUE, topic="trust", subjects=("police",)))
    assert all(isinstance(span, Span) for line in message.lines for span in line)
    assert to_text(message) == message.text
