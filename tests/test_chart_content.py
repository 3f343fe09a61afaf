"""What a chart a journalist forwards must say on its own (issue 12): the notes the text
gives, a calculated total marked as such, and no chart where a chart means nothing."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "question",
    ["how many households were surveyed", "сауалнамаға қанша үй шаруашылығы қатысты", "возраст"],
)
def test_no_chart_for_the_survey_facts(engine, question):
    reply = engine.ask(question)
    assert reply.figures, reply.text
    assert not reply.message.chart  # no Chart button
    assert engine.chart(reply.query, reply.lang) is None


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_ranking_chart_carries_the_scale_note(engine, lang):
    """Agreement shares beside trust shares: the text says which are which, so does the
    image."""
    from bot.intents.common import scale_note

    question = {"kk": "қай органға ең көп сенеді", "ru": "рейтинг доверия", "en": "rank the bodies"}
    reply = engine.ask(question[lang])
    spec = engine.chart(reply.query, lang)
    assert spec is not None
    said = [
        "".join(span.text for span in line)
        for line in scale_note(engine.answer(reply.query), engine.phrases[lang])
        if line
    ]
    assert said and said[0] in reply.text and said[0] in spec.note


def test_a_crime_ranking_chart_says_only_six_regions_were_published(engine):
    reply = engine.ask("which region has the most crimes")
    spec = engine.chart(reply.query, "en")
    assert spec is not None and "only the 6 regions" in spec.note


@pytest.mark.parametrize(
    ("question", "lang"),
    [("trust in total in the police", "en"), ("сколько в сумме доверяют полиции", "ru")],
)
def test_a_total_is_drawn_with_its_parts_and_marked_calculated(engine, question, lang):
    reply = engine.ask(question)
    spec = engine.chart(reply.query, lang)
    assert spec is not None and spec.kind == "bars"
    # the total, then the two published shares it adds: not the five-answer breakdown
    assert spec.values == (88.6, 61.6, 27.0)
    assert "Senim" in spec.note
