"""Share links: a Query <-> a /start payload of at most 64 characters.

Telegram allows A-Z a-z 0-9 _ - in a start payload. Our ids are lowercase with
underscores, so a capital letter can open each field: I(intent, its answer type's
code) T(topic) S(subjects, '-'-separated) X(every subject of the topic but these, for a
ranking "except the fire service and the prosecutors") M(measure) W(waves the question named, as
yymm) P(waves pinned for a question that named none: the previous wave may still be
added as context) O(order) D(what of the topic: the survey_info kind, the glossary
term or the fact group). Every link is pinned to its wave, so the same figures show
after a new wave lands.
"""

from __future__ import annotations

import re

from bot.catalog import Catalog
from bot.intents.registry import ANSWERS
from bot.model import Intent, Query

MAX_PAYLOAD = 64
CODES = {intent: answer.code for intent, answer in ANSWERS.items() if answer.code}
INTENTS = {code: intent for intent, code in CODES.items()}
_FIELD = re.compile(r"([ITSXMWPOD])([a-z0-9_-]*)")
# Answers whose link leaves out "every subject of the topic" (the default for them)
OF_EVERY_SUBJECT = frozenset({Intent.RANKING, Intent.CHANGE, Intent.TREND})
_PAYLOAD = re.compile(r"^(?:[ITSXMWPOD][a-z0-9_-]*)+$")


def encode(query: Query, catalog: Catalog, short: bool = False) -> str | None:
    """The payload for a query, pinned to the wave it was answered for; None if too long."""
    code = CODES.get(query.intent)
    if code is None:
        return None
    waves = query.waves
    if not waves and query.topic:
        available = catalog.topic_waves.get(query.topic, ())
        if query.intent == Intent.TREND:
            waves = available  # every wave it shows
        else:
            waves = available[-1:] if query.intent != Intent.CHANGE else available[-2:]
    fields = [f"I{code}"]
    if query.topic:
        fields.append(f"T{query.topic}")
    if query.subjects and not _everyone(query, catalog):  # the default: links stay short
        left_out = _left_out(query, catalog)
        if left_out:
            fields.append("X" + "-".join(left_out))
        else:
            fields.append("S" + "-".join(query.subjects))
    reading = catalog.questionnaire.by_topic.get(query.topic or "")
    if query.measure and not (short and reading and query.measure == reading.default):
        # (a long link leaves out the topic's default measure: it reads back the same)
        fields.append(f"M{query.measure}")
    if waves:
        tag = "W" if query.waves_named else "P"
        fields.append(tag + "-".join(w.replace("-", "")[2:] for w in waves))
    if query.order:
        fields.append(f"O{query.order}")
    facet = query.info or query.term or query.group
    if facet:
        fields.append(f"D{facet}")
    payload = "".join(fields)
    if len(payload) <= MAX_PAYLOAD:
        return payload
    return None if short else encode(query, catalog, short=True)


def _left_out(query: Query, catalog: Catalog) -> tuple[str, ...]:
    """For a ranking or change of most of a topic's subjects, those left out."""
    subjects = catalog.subjects.get(query.topic or "", ())
    ranked = query.intent in OF_EVERY_SUBJECT
    if not ranked or not set(query.subjects) < set(subjects):
        return ()
    if tuple(s for s in subjects if s in query.subjects) != tuple(query.subjects):
        return ()  # (an order of its own: kept as listed)
    left = tuple(s for s in subjects if s not in query.subjects)
    return left if len(left) < len(query.subjects) else ()


def _everyone(query: Query, catalog: Catalog) -> bool:
    """A ranking or change of every subject of a topic with several."""
    subjects = catalog.subjects.get(query.topic or "", ())
    ranked = query.intent in OF_EVERY_SUBJECT
    return ranked and len(subjects) > 1 and tuple(query.subjects) == subjects


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
    if intent == Intent.CHANGE and len(waves) == 1:
        # A change link of one wave (made before links carried both): that wave and the
        # one before it, or for the first wave the one after, as it meant when it was made
        ids = [w.id for w in catalog.waves]
        at = ids.index(waves[0])
        if at > 0:
            waves = (ids[at - 1], waves[0])
        elif at + 1 < len(ids):
            waves = (waves[0], ids[at + 1])
    subjects: tuple[str, ...] = ()
    own = catalog.subjects.get(topic or "", ())
    if "S" in fields and "X" in fields:
        return None
    if "S" in fields:
        subjects = tuple(fields["S"].split("-"))
    elif "X" in fields:
        left_out = set(fields["X"].split("-"))
        if not left_out <= set(own) or intent not in OF_EVERY_SUBJECT:
            return None
        subjects = tuple(s for s in own if s not in left_out)
    elif (intent in OF_EVERY_SUBJECT and len(own) > 1) or len(own) == 1:
        subjects = own
    allowed = {s for members in catalog.subjects.values() for s in members}
    if any(s not in allowed for s in subjects):
        return None
    order = fields.get("O") or None
    if order not in (None, "asc", "desc"):
        return None
    facet = fields.get("D") or None
    reading = catalog.questionnaire.by_topic.get(topic or "")
    group = facet if reading is not None and facet in reading.groups else None
    if facet and intent not in (Intent.SURVEY_INFO, Intent.GLOSSARY) and group is None:
        return None  # a group this topic does not have
    return Query(
        intent,
        topic=topic,
        subjects=subjects,
        measure=fields.get("M") or None,
        waves=waves,
        order=order,
        info=facet if intent == Intent.SURVEY_INFO else None,
        term=facet if intent == Intent.GLOSSARY else None,
        group=group,
        waves_named="W" in fields,
    )
