"""The engine end to end in-process: intents, follow-ups, refusals, figures, links."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.ask import as_json
from bot.conversation import Conversation
from bot.telegram.html import to_html
from tests.conftest import lexicon_of


def figures(engine, question: str, **kwargs) -> dict[tuple[str, str, str, str], float]:
    reply = engine.ask(question, **kwargs)
    return {
        (f["subject"], f["measure"], f["wave"], f["unit"]): f["value"]
        for f in as_json(engine, reply)["figures"]
    }


def test_a_value_defaults_to_the_latest_wave_with_the_previous_as_context(engine):
    found = figures(engine, "How much do people trust the police?")
    assert found[("police", "trust", "2024-04", "percent")] == 61.6
    assert found[("police", "trust", "2023-10", "percent")] == 63.1
    assert found[("police", "trust", "2024-04", "pp")] == -1.5


def test_a_named_wave_is_answered_for_that_wave_only(engine):
    found = figures(engine, "сколько людей доверяли полиции осенью 2023?")
    assert found == {("police", "trust", "2023-10", "percent"): 63.1}


def test_change_states_both_waves_and_the_difference(engine):
    reply = engine.ask("Как изменилось доверие к прокуратуре?")
    data = as_json(engine, reply)
    change = [f for f in data["figures"] if f["unit"] == "pp"]
    assert change == [
        {
            "topic": "trust",
            "subject": "prosecutor",
            "measure": "trust",
            "wave": "2024-04",
            "value": 2.2,
            "unit": "pp",
            "derived": True,
            "from_wave": "2023-10",
        }
    ]
    assert "рост на 2,2 п.п." in reply.text


def test_totals_are_derived_and_show_their_parts(engine):
    reply = engine.ask("trust in the fire service in total, fully plus partially, in 2024")
    data = as_json(engine, reply)
    total = next(f for f in data["figures"] if f["measure"] == "trust_total")
    assert total == {
        "topic": "trust", "subject": "fire_service", "measure": "trust_total",
        "wave": "2024-04", "value": 95.8, "unit": "percent", "derived": True,
    }  # fmt: skip
    assert {f["measure"] for f in data["figures"]} == {"trust_total", "trust", "partial_trust"}
    assert "95.8% = 79.4% + 16.4%" in reply.text


def test_breakdown_lists_the_institutions_own_scale(engine):
    found = figures(engine, "full breakdown for the police in 2023")
    assert set(found) == {
        ("police", m, "2023-10", "percent")
        for m in ("trust", "partial_trust", "partial_distrust", "distrust", "never_encountered")
    }


def test_ranking_orders_all_institutions_and_explains_the_two_scales(engine):
    reply = engine.ask("Кому меньше всего доверяют?")
    values = [f.value for f in reply.figures]
    assert reply.figures[0].subject == "economic_investigation"
    assert values == sorted(values)
    assert len(reply.figures) == 6
    assert "полностью согласны" in reply.text


def test_crime_ranking_and_the_capital(engine):
    assert figures(engine, "сколько преступлений в столице?") == {
        ("astana_city", "registered_crimes", "2023-10", "count"): 18041
    }
    reply = engine.ask("Which region has the most crimes?")
    assert reply.figures[0].subject == "almaty_city" and reply.figures[0].value == 27576
    assert "27,576" in reply.text


def test_survey_facts(engine):
    assert figures(engine, "Сауалнамаға қанша үй шаруашылығы қатысты?") == {
        ("all", "households_sampled", "2023-10", "count"): 18005
    }
    assert figures(engine, "what ages were the respondents") == {
        ("all", "age_min", "2023-10", "years"): 15,
        ("all", "age_max", "2023-10", "years"): 80,
    }


@pytest.mark.parametrize(
    ("question", "detail", "listed"),
    [
        ("trust in the army", "institution", "the police"),
        ("сколько преступлений в Павлодаре", "region", "город Алматы"),
        ("police in 2019", "wave", "April–May 2024"),
        ("доверие к полиции осенью 2024", "wave", "опрос апреля–мая 2024"),
        ("crimes in 2024", "wave", "published once, on January 24, 2024"),
        (
            "how many found it difficult to answer about the police",
            "measure",
            "Never encountered it",
        ),
        ("trust in the police in Almaty", "by_region", "country as a whole"),
    ],
)
def test_not_available_says_what_is(engine, question, detail, listed):
    reply = engine.ask(question)
    assert reply.intent == "not_available" and reply.query.lacking.kind == detail
    assert reply.figures == ()
    assert listed in reply.text


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("hello", "greeting"),
        ("Сәлем!", "greeting"),
        ("спасибо", "thanks"),
        ("what can you do?", "help"),
        ("курс доллара", "out_of_scope"),
        ("what's the weather in Almaty", "out_of_scope"),
        ("🙂🙂🙂", "out_of_scope"),
        ("", "out_of_scope"),
    ],
)
def test_small_talk_gets_a_short_reply_with_examples_and_no_figures(engine, question, intent):
    reply = engine.ask(question)
    assert reply.intent == intent and reply.figures == ()
    if intent != "thanks":
        assert engine.examples(reply.lang)[0] in reply.text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_example_questions_are_answered_with_figures(engine, lang):
    for example in engine.examples(lang):
        reply = engine.ask(example)
        assert reply.lang == lang and reply.figures, example


@pytest.mark.parametrize(
    "question",
    ["сколько процентов доверяют?", "Сенім деңгейі қандай?", "how much trust is there in 2023?"],
)
def test_clarifying_options_are_questions_that_parse_back_to_their_query(engine, question):
    reply = engine.ask(question)
    assert reply.intent == "clarify" and len(reply.message.options) == 7
    for option in reply.message.options:
        again = engine.ask(option.text)
        assert again.lang == reply.lang, option.text
        assert (again.query.intent, again.query.subjects) == (
            option.query.intent,
            option.query.subjects,
        ), option.text


def test_follow_ups_reuse_the_previous_slots(engine):
    chat = Conversation()

    def ask(text: str):
        reply = engine.ask(text, context=chat.context, lang_hint=chat.lang)
        chat.remember(reply)
        return {(f.subject, f.measure, f.wave, f.unit) for f in reply.figures}

    assert ("police", "trust", "2024-04", "percent") in ask("Сколько людей доверяют полиции?")
    assert ask("а в 2023?") == {("police", "trust", "2023-10", "percent")}
    assert ask("а прокуратуре?") == {("prosecutor", "trust", "2023-10", "percent")}
    assert ask("а не доверяют?") == {("prosecutor", "distrust", "2023-10", "percent")}
    kk = ask("ал сотқа ше?")
    assert kk == {("courts", "distrust", "2023-10", "percent")}
    assert chat.lang == "kk"


def test_the_same_words_after_different_questions_parse_as_if_asked_first(store):
    """The analysis of a text is shared between contexts (every chat has its own): a
    follow-up in one chat must not leave a trace on the same words in another."""
    from bot.engine import Engine

    shared = Engine(store, lexicon_of(store), "SenimTestBot")
    contexts = [
        None,
        *(shared.ask(q).query for q in ("доверие к полиции", "crime in Almaty", "сотқа сенім")),
    ]
    for text in ("а в 2023?", "а прокуратуре?", "and courts?", "ал сотқа ше?", "2024"):
        for context in contexts:
            fresh = Engine(store, lexicon_of(store), "SenimTestBot")  # has never seen the text
            assert shared.ask(text, context=context) == fresh.ask(text, context=context)


def test_warm_up_leaves_nothing_for_the_first_user_to_load(store):
    """`senim run` warms up before polling: the /start examples of every language are
    then answered from cache, and a first typo does not wait for rapidfuzz."""
    import sys

    from bot.engine import Engine
    from bot.i18n import LANGUAGES

    engine = Engine(store, lexicon_of(store), "SenimTestBot")
    engine.warm_up()
    assert "rapidfuzz.process" in sys.modules
    misses, hits = engine._rendered.misses, engine._rendered.hits
    for lang in LANGUAGES:
        for example in engine.examples(lang):
            assert engine.ask(example, lang=lang).figures
    rendered = engine._rendered
    assert (rendered.misses, rendered.hits - hits) == (misses, 3 * len(LANGUAGES))


@pytest.mark.parametrize(
    ("question", "note"),
    [
        ("rank the bodies by distrust", "“distrust” there means “completely disagree”"),
        ("рейтинг органов по недоверию", "«не доверяют» здесь означает «полностью не согласны»"),
        ("which body is trusted most", "“trust” there means “fully agree it can be trusted”"),
    ],
)
def test_a_ranking_explains_the_agreement_scale_for_its_own_measure(engine, question, note):
    assert note in engine.ask(question).text


def test_a_place_among_unknown_words_is_offered_not_answered(engine):
    reply = engine.ask("bus fare in Astana")
    assert reply.intent == "clarify" and reply.figures == ()
    assert [o.text for o in reply.message.options] == ["Registered crimes — Astana city"]
    assert engine.reply_to(reply.message.options[0].query, "en").figures  # one tap away


def test_a_follow_up_without_context_asks_back(engine):
    assert engine.ask("а в 2023?").intent == "clarify"


def test_every_reply_fits_a_telegram_message_and_names_its_source(engine):
    for question in ["full breakdown for all institutions in every wave", "sources", "help"]:
        assert len(engine.ask(question).text) <= 4096
    reply = engine.ask("Полицияға қанша адам сенеді?")
    assert "Дереккөз: The Astana Times" in reply.text and "Ұлттық статистика бюросы" in reply.text


def test_user_text_is_never_echoed_unescaped(engine):
    reply = engine.ask("<b>police</b> in <script>alert(1)</script> 2019")
    assert "<script>" not in to_html(reply.message) and "<b>police" not in to_html(reply.message)


def test_derived_values_are_exact_decimals(engine):
    reply = engine.ask("distrust in total for the courts, 2023")
    total = next(f for f in reply.figures if f.measure == "distrust_total")
    assert total.value == Decimal("5.9") and total.derived


def test_every_stated_figure_appears_in_the_text_with_its_published_digits(engine):
    """The JSON figures and the message agree, and no published figure is restated rounded."""
    import re

    from tests.golden_cases import replay

    checked = 0
    for case, reply in replay(engine):
        for figure in reply.figures:
            if figure.unit == "pp" and figure.value == 0:  # stated as "no change"
                p = engine.phrases[reply.lang]
                note = engine.catalog.repeats(figure)
                if note is not None:  # figures a note says were carried over: not a finding
                    assert p.name("note", note, "text") in reply.text
                    assert p.gettext("no change") not in reply.text
                else:
                    assert p.change(figure) in reply.text
                continue
            shown = engine.phrases[reply.lang].value(figure)
            assert shown in reply.text, (case.q, shown)
            digits = re.sub(r"[^\d,.]", "", shown)
            digits = digits.replace(",", "." if reply.lang != "en" else "")
            assert Decimal(digits) == abs(figure.value), (case.q, shown, figure.value)
            checked += 1
    assert checked > 1500
