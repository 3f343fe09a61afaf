"""Telegram glue over every golden answer: buttons fit, decode, chart; state round-trips."""

from __future__ import annotations

import json

import pytest

from bot.conversation import query_from_data, query_to_data
from bot.telegram.keyboards import (
    CALLBACK_LIMIT,
    SHARE_QUERY_LIMIT,
    answer_markup,
    parse_callback,
    shared,
)
from tests.golden_cases import replay


@pytest.fixture(scope="module")
def replies(engine):
    return [reply for _case, reply in replay(engine)]


def test_every_button_fits_telegram_and_decodes_to_a_query(engine, replies):
    pressed = 0
    for reply in replies:
        keyboard = answer_markup(engine, reply)
        if reply.figures or reply.message.options:
            assert keyboard is not None, reply.question
        for row in keyboard["inline_keyboard"] if keyboard else ():
            for button in row:
                data = button.get("callback_data")
                if data is None:
                    # Share: readable, within Telegram's limit, carrying the payload and
                    # the language the answer was shown in
                    query = button["switch_inline_query"]
                    assert len(query) <= SHARE_QUERY_LIMIT
                    assert shared(query) == (reply.payload, reply.lang), query
                    assert not query.startswith(reply.payload or "?"), query
                    continue
                assert len(data.encode()) <= CALLBACK_LIMIT
                _action, payload = parse_callback(data)
                assert engine.decode(payload) is not None, data
                pressed += 1
    assert pressed > 1000


def test_every_answer_with_figures_has_a_chart_unless_it_would_mean_nothing(engine, replies):
    """A Chart button exactly where a chart exists; none for the survey's own facts
    (households, a share and ages on one axis mean nothing)."""
    charted = set()
    facts = engine.catalog.questionnaire.topic("facts")
    for reply in replies:
        if not reply.figures or reply.payload in charted:
            continue
        charted.add(reply.payload)
        spec = engine.chart(engine.decode(reply.payload), reply.lang)
        assert (spec is not None) == reply.message.chart, reply.question
        if {f.topic for f in reply.figures} == {facts}:
            assert spec is None, reply.question
        elif reply.intent != "survey_info":
            assert spec is not None, reply.question
        if spec is None:
            continue
        if spec.kind == "trend":
            assert len(spec.grid) == len(spec.labels) >= 1
        else:
            assert len(spec.labels) == len(spec.values) == len(spec.value_texts) >= 1
        assert spec.title and spec.footnote
    assert len(charted) > 50


def test_conversation_context_survives_serialisation(replies):
    for reply in replies:
        data = query_to_data(reply.query)
        assert query_from_data(data) == reply.query


def test_a_context_with_the_answer_before_survives_json(engine):
    # "ал сотқа ше?" after the prosecutor's office keeps the body before (for a bare
    # "салыстыр"); through the JSON of the chat state it must come back hashable
    first = engine.ask("Прокуратураға сенім қанша?")
    second = engine.ask("ал сотқа ше?", context=first.query)
    assert second.query.earlier == ("prosecutor",)
    stored = query_from_data(json.loads(json.dumps(query_to_data(second.query))))
    assert stored == second.query and hash(stored) == hash(second.query)
    compared = engine.ask("салыстыр", context=stored)
    assert {f.subject for f in compared.figures} == {"prosecutor", "courts"}


@pytest.mark.parametrize(
    "data",
    [
        None,
        "police",
        42,
        [],
        {"intent": 1, "bogus": True},
        {"topic": "trust"},
        {"intent": "value", "options": [5]},
    ],
)
def test_corrupt_stored_context_is_ignored(data):
    assert query_from_data(data) is None
