"""Share links (bot/links.py): every query a payload of at most 64 safe characters, pinned
to its wave, and links made by earlier versions still open the same figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.ask import figure_json
from bot.intents.registry import ANSWERS
from bot.links import CODES, INTENTS, MAX_PAYLOAD, decode, encode
from bot.model import Intent, Query

SHARED = Path(__file__).resolve().parent / "fixtures" / "share_links.jsonl"


def _shared() -> list[dict]:
    lines = SHARED.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize(
    "question",
    [
        "How much do people trust the police?",
        "full breakdown for courts in 2023",
        "Как изменилось доверие к судам?",
        "Кому больше доверяют: полиции или судам?",
        "Which region has the most crimes?",
        "сколько преступлений в Шымкенте",
        "how safe do people feel",
        "why do people feel unsafe",
        "how many households were surveyed",
        "least trusted body in autumn 2023",
        "which body lost the most trust",
        "sample size and age range of the survey",
    ],
)
def test_share_links_pin_the_query_and_replay_the_same_figures(engine, question):
    reply = engine.ask(question)
    payload = reply.payload
    assert payload is not None and len(payload) <= MAX_PAYLOAD
    assert all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in payload)
    replayed = engine.reply_to(engine.decode(payload), "kk")
    assert replayed.figures == reply.figures
    assert engine.link(payload) == f"https://t.me/SenimTestBot?start={payload}"


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "garbage",
        "IzTtrust",
        "IvTarmy",
        "IvTtrustSarmy",
        "IvTtrustW9901",
        "IvIv",
        "x" * 65,
        "IvTtrustOsideways",
    ],
)
def test_malformed_or_stale_payloads_decode_to_nothing(engine, payload):
    assert decode(payload, engine.catalog) is None


def test_a_link_for_a_named_wave_differs_from_a_pinned_latest_one(engine):
    named = encode(
        Query(
            Intent.VALUE, topic="trust", subjects=("police",), waves=("2024-04",), waves_named=True
        ),
        engine.catalog,
    )
    pinned = encode(Query(Intent.VALUE, topic="trust", subjects=("police",)), engine.catalog)
    assert named == "IvTtrustSpoliceW2404" and pinned == "IvTtrustSpoliceP2404"
    assert decode(pinned, engine.catalog).waves_named is False


def test_each_answer_with_figures_has_its_own_code():
    codes = [answer.code for answer in ANSWERS.values() if answer.code]
    assert len(codes) == len(set(codes)) == len(CODES)
    assert {INTENTS[code] for code in CODES.values()} == set(CODES)
    assert Intent.CLARIFY not in CODES and Intent.NOT_AVAILABLE not in CODES  # no figures


@pytest.mark.parametrize("shared", _shared(), ids=lambda s: s["payload"])
def test_links_shared_before_open_the_same_figures(engine, shared):
    query = engine.decode(shared["payload"])
    assert query is not None, shared["payload"]
    reply = engine.reply_to(query, shared["lang"])
    assert [figure_json(f) for f in reply.figures] == shared["figures"]
    # and a link for the same figures is made again (a change link now names both its
    # waves: "W2310" of before reads as, and is made again as, "W2310-2404")
    again = engine.encode(query)
    assert again is not None and engine.decode(again) == query


@pytest.mark.parametrize("shared", _shared(), ids=lambda s: s["payload"])
def test_links_shared_with_two_waves_open_the_same_figures_after_the_third(engine3, shared):
    """A link made when the store had two waves shows the same figures once 2024-10 has
    landed (engine3: the store built from the three-wave figures)."""
    query = engine3.decode(shared["payload"])
    assert query is not None, shared["payload"]
    reply = engine3.reply_to(query, shared["lang"])
    assert [figure_json(f) for f in reply.figures] == shared["figures"]


@pytest.mark.parametrize(
    "question",
    [
        "how has trust in the police changed over time",
        "trust in all bodies over time",
        "доверие к судам с 2023 года",
        "полицияға сенім бір жылда қалай өзгерді",
        "safety over time",
    ],
)
def test_links_over_time_pin_every_wave_they_show(engine3, question):
    """An answer over time ("since 2023") would grow with each wave: its link pins them."""
    reply = engine3.ask(question)
    assert reply.payload is not None and len(reply.payload) <= MAX_PAYLOAD
    query = engine3.decode(reply.payload)
    assert query is not None and set(query.waves) == {f.wave for f in reply.figures}
    again = engine3.reply_to(query, reply.lang)
    assert again.figures == reply.figures


def test_the_shared_links_cover_every_answer_type_with_figures():
    codes = {item["payload"][1] for item in _shared()}
    assert codes >= {"v", "b", "c", "k", "r", "f", "i"}, codes


def test_a_ranking_of_all_but_a_few_links_by_those_left_out(engine):
    # "except the fire service and the prosecutors": six subject ids would not fit in 64
    # characters; the two left out do, and the link replays the same four
    reply = engine.ask("Өрт қызметі мен прокуратураны қоспағанда, қай органға сенім ең жоғары?")
    assert reply.payload is not None and "X" in reply.payload
    decoded = engine.decode(reply.payload)
    assert decoded is not None
    assert set(decoded.subjects) == set(reply.query.subjects)
    assert {"fire_service", "prosecutor"}.isdisjoint(decoded.subjects)
    assert engine.decode(reply.payload.replace("X", "S", 1) + "Xpolice") is None
