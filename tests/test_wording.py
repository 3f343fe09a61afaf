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


# -- dates, ages and chart titles ------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "wording", "not_said"),
    [
        ("полицияға сенім 2023 күз", "2024 жылғы 24 қаңтардағы релизі", "ж. 24 қаңтар"),
        ("полицияға сенім 2024 көктем", "2024 жылғы 17 шілдедегі релизі бойынша", "ж. 17 шілде"),
        ("келесі релиз қашан", "2024 жылғы 24 қаңтардағы релизде", "релизінде"),
        ("доверие полиции осенью 2023", "релиз от 24 января 2024\u00a0г.", "г.."),
        ("trust in police autumn 2023", "release of January 24, 2024", "24 January"),
    ],
)
def test_release_dates_read_as_a_native_writes_them(engine, question, wording, not_said):
    said = text(engine, question)
    assert wording in said and not_said not in said


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("респонденттердің жасы қандай", "• Респонденттердің жасы: 15–80"),
        ("respondentterdin jasy qandai", "• Респонденттердің жасы: 15–80"),
        ("какой возраст респондентов", "• Возраст респондентов: 15–80 лет"),
        ("what ages were surveyed", "• Respondents' ages: 15–80 years"),
    ],
)
def test_the_ages_surveyed_are_one_range(engine, question, line):
    lines = text(engine, question).splitlines()
    assert line in lines
    assert not any("15" in other and other != line for other in lines if other.startswith("•"))


def test_one_end_of_the_range_asked_alone_is_still_one_figure(engine):
    reply = engine.ask("how old is the youngest respondent?")
    assert [f.value for f in reply.figures] == [15]
    assert "• Youngest respondent age: 15" in reply.text.splitlines()


@pytest.mark.parametrize(
    ("question", "lang", "title"),
    [
        ("полицияға сенім", "kk", "Полицияға сенім: барлық жауап нұсқалары — "),
        ("доверие полиции", "ru", "Доверие полиции: все варианты ответа — "),
        ("trust in the police", "en", "Trust in the police: all answers — "),
        ("сотқа толық не ішінара сенетіндер", "kk", "Сот жүйесіне сенім — "),
        ("доверяют судам полностью или частично", "ru", "Доверие судебной системе — "),
        ("trust in the courts fully or partially", "en", "Trust in the courts — "),
    ],
)
def test_a_chart_title_says_what_is_measured(engine, question, lang, title):
    reply = engine.ask(question)
    spec = engine.chart(reply.query, lang)
    assert spec is not None and spec.title.startswith(title), spec


def test_a_bars_chart_carries_no_note_or_source_of_a_wave_it_does_not_draw(engine3):
    # The safety breakdown's text compares with April–May 2024, whose figures carry a
    # note; the chart draws October–November 2024 alone.
    reply = engine3.ask("how safe do people feel")
    assert "Note:" in reply.text and "Astana Times" in reply.text
    spec = engine3.chart(reply.query, "en")
    assert spec is not None
    assert "Note:" not in spec.note and "Astana Times" not in spec.footnote


def test_a_scale_note_never_quotes_a_quoted_label_twice(engine):
    for question in ("қай органға ең көп сенеді", "полиция мен сотты салыстыр"):
        said = text(engine, question)
        assert "««" not in said and "»»" not in said
