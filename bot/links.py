"""Share links: a Query <-> a /start payload of at most 64 characters.

Telegram allows A-Z a-z 0-9 _ - in a start payload. Our ids are lowercase
with underscores, so a capital letter can open each field: I(intent) T(topic)
S(subjects, '-'-separated) M(measure) W(waves the question named, as yymm)
P(waves pinned for a question that named none: the previous wave may still be
added as context) O(order) D(detail). Every link is pinned to its wave, so the
same figures show after a new wave lands.
"""

from __future__ import annotations

import re

from bot.catalog import Catalog
from bot.nlu.parse import (
    BREAKDOWN,
    CHANGE,
    COMPARE,
    GLOSSARY,
    RANKING,
    SURVEY_FACTS,
    SURVEY_INFO,
    VALUE,
    Query,
)

MAX_PAYLOAD = 64
INTENT_CODES = {
    VALUE: "v",
    BREAKDOWN: "b",
    CHANGE: "c",
    COMPARE: "k",
    RANKING: "r",
    SURVEY_FACTS: "f",
    SURVEY_INFO: "i",
    GLOSSARY: "g",
}
INTENTS = {code: intent for intent, code in INTENT_CODES.items()}
_FIELD = re.compile(r"([ITSMWPOD])([a-z0-9_-]*)")
_PAYLOAD = re.compile(r"^(?:[ITSMWPOD][a-z0-9_-]*)+$")


def encode(query: Query, catalog: Catalog) -> str | None:
    """The payload for a query, pinned to the wave it was answered for; None if too long."""
    code = INTENT_CODES.get(query.intent)
    if code is None:
        return None
    waves = query.waves
    if not waves and query.topic:
        available = catalog.topic_waves.get(query.topic, ())
        waves = available[-1:] if query.intent != CHANGE else available[-2:]
    fields = [f"I{code}"]
    if query.topic:
        fields.append(f"T{query.topic}")
    every = catalog.institutions if query.topic == "trust" else catalog.regions
    everyone = query.intent in (RANKING, CHANGE) and tuple(query.subjects) == tuple(every)
    if query.subjects and not everyone:  # "all of them" is the default: links stay short
        fields.append("S" + "-".join(query.subjects))
    if query.measure:
        fields.append(f"M{query.measure}")
    if waves:
        tag = "W" if query.waves_named else "P"
        fields.append(tag + "-".join(w.replace("-", "")[2:] for w in waves))
    if query.order:
        fields.append(f"O{query.order}")
    if query.detail:
        fields.append(f"D{query.detail}")
    payload = "".join(fields)
    return payload if len(payload) <= MAX_PAYLOAD else None


def decode(payload: str, catalog: Catalog) -> Query | None:
    """The query a payload stands for; None for anything malformed or stale."""
    if not payload or len(payload) > MAX_PAYLOAD or not _PAYLOAD.match(payload):
        return None
    fields: dict[str, str] = {}
    for tag, value in _FIELD.findall(payload):
        if tag in fields:
            return None
        fields[tag] = value
    intent = INTENTS.get(fields.get("I", ""))
    if intent is None:
        return None
    topic = fields.get("T") or None
    if topic is not None and topic not in catalog.topic_waves:
        return None
    known_waves = {w.id.replace("-", "")[2:]: w.id for w in catalog.waves}
    if "W" in fields and "P" in fields:
        return None
    pinned = fields.get("W", fields.get("P"))
    try:
        waves = tuple(known_waves[w] for w in pinned.split("-")) if pinned else ()
    except KeyError:
        return None
    subjects: tuple[str, ...] = ()
    if "S" in fields:
        subjects = tuple(fields["S"].split("-"))
    elif topic in ("trust", "crime") and intent in (RANKING, CHANGE):
        subjects = catalog.institutions if topic == "trust" else catalog.regions
    elif topic in catalog.topic_subject:
        subjects = (catalog.topic_subject[topic],)
    allowed = set(catalog.institutions) | set(catalog.regions) | set(catalog.topic_subject.values())
    if any(s not in allowed for s in subjects):
        return None
    order = fields.get("O") or None
    if order not in (None, "asc", "desc"):
        return None
    return Query(
        intent,
        topic=topic,
        subjects=subjects,
        measure=fields.get("M") or None,
        waves=waves,
        order=order,
        detail=fields.get("D") or None,
        waves_named="W" in fields,
    )
