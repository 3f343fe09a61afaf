"""A question about a topic, read by the topic's role (knowledge/questionnaire.yaml):
which answer it asks for, about which subjects and measure.

The topics are tried in questionnaire order; the first whose `asked_by` holds (and
whose `unless` does not) reads the question.
"""

from __future__ import annotations

from bot.model import Intent, Lacking, Query
from bot.nlu.asked import NEEDS_CONTEXT, Asked, Claim
from bot.questionnaire import BODIES, FACTS, PLACES, REASONS, SHARES, Reading

ORDER_CUES = ("most", "least", "ranking")


def claim_topic(a: Asked) -> Claim:
    """The first topic the question asks about reads it."""
    for reading in a.q.readings:
        if a.holds(reading.asked_by) and not a.holds(reading.unless):
            return READERS[reading.role](a, reading)
    return None


def read_reasons(a: Asked, reading: Reading) -> Claim:
    reasons = a.f.reasons
    measure = reasons[0] if len(reasons) == 1 else None
    return Query(
        Intent.VALUE,
        topic=reading.topic,
        subjects=a.catalog.sole_subject(reading.topic),
        measure=measure,
    )


def read_facts(a: Asked, reading: Reading) -> Claim:
    group = measure = None
    for kind, target, when in reading.rules:
        if when is None or a.holds(when):
            group, measure = (target, None) if kind == "group" else (None, target)
            break
    return Query(
        Intent.SURVEY_FACTS,
        topic=reading.topic,
        subjects=a.catalog.sole_subject(reading.topic),
        measure=measure,
        group=group,
    )


def read_shares(a: Asked, reading: Reading) -> Claim:
    intent = Intent.CHANGE if a.has("change") else Intent.VALUE
    return Query(
        intent,
        topic=reading.topic,
        subjects=a.catalog.sole_subject(reading.topic),
        measure=a.q.measure(reading, a.f),
    )


def read_bodies(a: Asked, reading: Reading) -> Claim:
    places = a.reading(PLACES)
    if (a.f.regions or a.has("region")) and not (places and a.holds(places.said)):
        # "trust in the police in Almaty": trust was published for the whole country.
        where = a.f.regions[0] if a.f.regions else None
        return Query(Intent.NOT_AVAILABLE, topic=reading.topic, lacking=Lacking("by_region", where))
    return read_bodies_question(a, reading)


def read_bodies_question(a: Asked, reading: Reading) -> Claim:
    topic = reading.topic
    measure = a.q.measure(reading, a.f)
    named = a.named(topic)
    order = "asc" if a.has("least") else "desc"
    if a.has("change") and a.has("fall") and not a.has("rise"):
        order = "asc"  # "where did trust fall most": the biggest fall first
    if len(named) >= 2 and a.has("difference") and not a.f.wave_words:
        # "the difference between the fire service and the police": a comparison
        return Query(Intent.COMPARE, topic=topic, subjects=named, measure=measure, order=order)
    # "law enforcement and the courts" means every body, not just the one named;
    # "which body...", "most trusted" with no body named means all of them, ranked.
    collective = a.has("all_institutions") and len(named) <= 1 and not a.has("breakdown")
    unnamed = not named and a.has(*ORDER_CUES, "which", "compare", "body")
    everyone = a.catalog.subjects[topic]
    if collective or unnamed:
        intent = Intent.CHANGE if a.has("change") else Intent.RANKING
        return Query(intent, topic=topic, subjects=everyone, measure=measure, order=order)
    if len(named) >= 2:
        intent = Intent.CHANGE if a.has("change") else Intent.COMPARE
        return Query(intent, topic=topic, subjects=named, measure=measure, order=order)
    if len(named) == 1:
        if a.has("change"):
            intent = Intent.CHANGE
        elif a.has("breakdown") and measure is None:
            intent = Intent.BREAKDOWN
        else:
            intent = Intent.VALUE
        return Query(intent, topic=topic, subjects=named, measure=measure)
    if a.has("change"):
        return Query(Intent.CHANGE, topic=topic, subjects=everyone, measure=measure)
    context = a.context
    if context is not None and context.topic == topic and context.subjects:
        return NEEDS_CONTEXT  # "what about distrust?": a follow-up on the same body
    return which_body(a, measure)


def which_body(a: Asked, measure: str | None = None) -> Query:
    """Ask back which body, offering each one and the ranking of all."""
    topic, everyone = a.catalog.of_role(BODIES)
    options = (
        *(Query(Intent.VALUE, topic=topic, subjects=(s,), measure=measure) for s in everyone),
        Query(Intent.RANKING, topic=topic, subjects=everyone, measure=measure, order="desc"),
    )
    return Query(Intent.CLARIFY, topic=topic, asked="institution", options=options)


def read_places(a: Asked, reading: Reading) -> Claim:
    query = places_question(a, reading)
    if not a.holds(reading.said) and a.f.unknown and query.intent != Intent.NOT_AVAILABLE:
        # A place among words the lexicon does not know ("bus fare in Astana", "capital
        # of Kazakhstan"): these counts are the only figures by place, but nothing says
        # they were asked for, so offer them instead.
        return Query(Intent.CLARIFY, topic=reading.topic, asked="places", options=(query,))
    return query


def places_question(a: Asked, reading: Reading) -> Query:
    topic, measure = reading.topic, reading.default
    if a.has("change"):  # one release of counts: there is no trend to show
        return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("change"))
    named = a.named(topic)
    if len(named) == 1 and not a.has(*ORDER_CUES):
        return Query(Intent.VALUE, topic=topic, subjects=named, measure=measure)
    if len(named) >= 2:
        return Query(Intent.COMPARE, topic=topic, subjects=named, measure=measure, order="desc")
    order = "asc" if a.has("least") else "desc"
    everyone = a.catalog.subjects[topic]
    return Query(Intent.RANKING, topic=topic, subjects=everyone, measure=measure, order=order)


READERS = {
    BODIES: read_bodies,
    PLACES: read_places,
    SHARES: read_shares,
    REASONS: read_reasons,
    FACTS: read_facts,
}
