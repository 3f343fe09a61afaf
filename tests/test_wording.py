"""Wording a native reader accepts (issue 12), as replies show it: each item of the
fluent reader's list, in the language it was about."""

from __future__ import annotations

import pytest

from bot.model import Intent, Query


def text(engine, question: str) -> str:
    return engine.ask(question).text


def test_kk_agreement_labels_single_and_in_a_breakdown(engine):
    single = text(engine, "полицияға сенім")
    assert "«Сенуге болады» деген пікірмен толық келіседі" in single
    breakdown = text(engine, "полиция бойынша толық нәтижелер").splitlines()
    # the question once above the list, the answers short under it
    assert breakdown[1] == "«Бұл органға сенуге болады» деген пікірмен келісесіз бе?"
    assert any(line.startswith("• Толық келіседі:") for line in breakdown)
    assert not any("Сенуге болатынымен" in line for line in breakdown)


@pytest.mark.parametrize(
    ("question", "asked", "item"),
    [
        (
            "полная разбивка по полиции",
            "Согласны ли вы, что этому органу можно доверять?",
            "• Полностью согласны:",
        ),
        (
            "full breakdown for the police",
            "Do you agree that this body can be trusted?",
            "• Fully agree:",
        ),
    ],
)
def test_a_breakdown_states_its_question_once(engine, question, asked, item):
    lines = text(engine, question).splitlines()
    assert lines[1] == asked and any(line.startswith(item) for line in lines)


@pytest.mark.parametrize(
    ("question", "wording"),
    [
        ("прокуратураға сенбеуге бейімдер қанша", "Сенбеуге бейім"),
        ("экономикалық тергеу қызметімен кездеспегендер", "Бұл органмен ешқашан ісі болмаған"),
    ],
)
def test_kk_answer_labels(engine, question, wording):
    assert wording in text(engine, question)


@pytest.mark.parametrize(
    "question", ["барлық органдарға сенім толық", "полицияға сенім", "соңғы 10 жылда сотқа сенім"]
)
def test_kk_says_sauanama_not_the_calque_tolqyn(engine, question):
    assert "толқын" not in text(engine, question)


def test_the_full_breakdown_button_reads_as_a_native_speaker_would(engine):
    query = Query(Intent.VALUE, topic="trust", subjects=("police",), waves=("2024-04",))
    buttons = {
        lang: [o.text for o in engine.reply_to(query, lang).message.steps] for lang in ("kk", "ru")
    }
    assert "Барлық жауап нұсқалары" in buttons["kk"]
    assert "Все варианты ответа" in buttons["ru"]


def test_ru_change_since_a_survey_not_a_quoted_wave(engine):
    reply = text(engine, "полная разбивка по полиции")
    assert "по сравнению с данными за октябрь–ноябрь 2023 г." in reply
    assert "волной «" not in reply


def test_en_comparison_heading_says_what_and_whose(engine):
    heading = text(engine, "courts or police, which is trusted more").splitlines()[0]
    assert heading.startswith("Trust: the ") and " vs the " in heading


def test_en_years_not_surveyed_read_as_a_sentence(engine):
    assert text(engine, "police trust in 2019 and 2020").startswith("No data for 2019 or 2020.")


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("trust in the army", "It covers: the prosecutor's office, the police"),
        ("доверие к армии", "Есть данные по органам: прокуратура, полиция"),
        ("армияға сенім", "Бар деректер: прокуратура, полиция"),
    ],
)
def test_bodies_inside_a_sentence_are_not_capitalised(engine, question, listed):
    assert listed in text(engine, question)
