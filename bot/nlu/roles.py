"""A question about a topic, read by the topic's role (knowledge/questionnaire.yaml):
which answer it asks for, about which subjects and measure.

The topics are tried in questionnaire order; the first whose `asked_by` holds (and
whose `unless` does not) reads the question.
"""

from __future__ import annotations

from dataclasses import replace

from bot.model import Intent, Lacking, Query
from bot.nlu.asked import NEEDS_CONTEXT, Asked, Claim
from bot.nlu.features import JOINS
from bot.questionnaire import BODIES, FACTS, PLACES, REASONS, SHARES, Reading

ORDER_CUES = ("most", "least", "ranking")
MANY_ANSWERS = 3  # answer words that, with "all categories", list the breakdown
# Roles whose figures are published for the whole country only (here).
NATIONAL = (BODIES, SHARES, REASONS, FACTS)


def claim_topic(a: Asked) -> Claim:
    """The first topic the question asks about reads it."""
    for reading in a.q.readings:
        if a.holds(reading.asked_by) and not a.holds(reading.unless):
            found = READERS[reading.role](a, reading)
            if reading.role in NATIONAL and _place_named(a):
                return _by_region(found, reading, a)
            return found
    return None


def _place_named(a: Asked) -> bool:
    """A place in a question about figures published for the whole country ("trust in
    the police in Almaty", "safe in Pavlodar"), not one asking for crimes by place."""
    places = a.reading(PLACES)
    if places and a.holds(places.said):
        return False
    f = a.f
    # "I'm a journalist from Karaganda. How much is the prosecutor's office trusted?":
    # a place the speaker tells about is not where the figure is asked for
    named = [p for p, ident in f.named_at if ident in f.regions and p not in f.telling]
    region_words = [p for p in f.cues.get("region", ()) if p not in f.telling]
    return bool(named or region_words or any(k == "region" for k, _ in f.unavailable))


def _by_region(found: Claim, reading: Reading, a: Asked) -> Query:
    national = found if isinstance(found, Query) and found.states_figures else None
    return not_by_region(a, reading.topic, (national,) if national else ())


def not_by_region(a: Asked, topic: str | None, offered: tuple[Query, ...]) -> Query:
    """Not published here by region: say so, and offer what there is (the country's
    figure; for a follow-up, also the place's crimes)."""
    place = a.f.regions[0] if a.f.regions else None
    return Query(
        Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("by_region", place), options=offered
    )


def national(context: Query) -> Query:
    """The previous answer's query, for the latest wave unless it named one."""
    return replace(context, waves=context.waves if context.waves_named else ())


def read_reasons(a: Asked, reading: Reading) -> Claim:
    reasons = a.f.reasons
    measure = reasons[0] if len(reasons) == 1 else None
    query = Query(
        Intent.CHANGE if a.has("change") else Intent.VALUE,
        topic=reading.topic,
        subjects=a.catalog.sole_subject(reading.topic),
        measure=measure,
    )
    if not a.has("why") or reasons or a.has("reason", "fear") or a.q.asks(SHARES, a.f):
        return query
    # "Why?" alone asks why about the answer before it: after safety, the reasons for
    # feeling unsafe; after trust, why people trust (the survey did not ask); after the
    # reasons themselves ("почему именно так?"), nothing the survey measured.
    context = a.context
    role = a.q.role(context.topic) if context is not None else None
    if role == SHARES:
        return query
    why = " ".join(a.f.words[i] for i in a.f.cues["why"])
    if role == BODIES and context is not None:
        return Query(
            Intent.NOT_AVAILABLE,
            topic=context.topic,
            lacking=Lacking("motive", "trust_reasons"),
            options=(national(context),) if context.states_figures else (),
        )
    return Query(
        Intent.NOT_AVAILABLE,
        topic=reading.topic,
        lacking=Lacking("unexplained", why),
        options=(query,) if role is None else (),
    )


def read_facts(a: Asked, reading: Reading) -> Claim:
    return facts_asked(a, reading, default=True)


def facts_asked(a: Asked, reading: Reading, *, default: bool = False) -> Query | None:
    """The survey facts the words ask for (None: only the default group would match, as
    for a follow-up that names no fact: "in percent?" after the households names one)."""
    group = measure = None
    for kind, target, when in reading.rules:
        if (when is None and default) or (when is not None and a.holds(when)):
            group, measure = (target, None) if kind == "group" else (None, target)
            break
    if group is None and measure is None:
        return None
    return Query(
        Intent.SURVEY_FACTS,
        topic=reading.topic,
        subjects=a.catalog.sole_subject(reading.topic),
        measure=measure,
        group=group,
    )


def read_shares(a: Asked, reading: Reading) -> Claim:
    intent = Intent.CHANGE if a.has("change") else Intent.VALUE
    # ("safe enough and completely safe, separately", "the full safety breakdown": every
    # category, without the totals)
    separately = a.has("separately", "breakdown")
    measure = None if separately else a.q.measure(reading, a.f)
    return Query(
        intent,
        topic=reading.topic,
        subjects=a.catalog.sole_subject(reading.topic),
        measure=measure,
        group=reading.default_group if measure is None and not separately else None,
    )


def read_bodies(a: Asked, reading: Reading) -> Claim:
    query = _bodies_query(a, reading)
    for when, (kind, ident) in reading.not_asked:
        if a.holds(when) and a.has("change", *ORDER_CUES) and isinstance(query, Query):
            # "Why did trust in the police rise?", "why is the prosecutor's office the
            # least trusted?": not asked why; what was measured answers the premise (for
            # a place in the order, the whole ranking)
            if query.intent == Intent.VALUE and a.has(*ORDER_CUES):
                order = "asc" if a.has("least") else "desc"
                everyone = a.everyone(reading.topic)
                query = replace(query, intent=Intent.RANKING, subjects=everyone, order=order)
            return replace(query, lacking=Lacking(kind, ident))
    return query


def _bodies_query(a: Asked, reading: Reading) -> Claim:
    topic = reading.topic
    measure = a.q.measure(reading, a.f)
    for when, (kind, ident) in reading.not_asked:
        if a.holds(when) and not a.has("change", *ORDER_CUES):
            # "Неге адамдар полицияға сенбейді?": not asked; the figure is offered
            named = a.named(topic)
            offered = Query(Intent.VALUE, topic=topic, subjects=named, measure=measure)
            return Query(
                Intent.NOT_AVAILABLE,
                topic=topic,
                lacking=Lacking(kind, ident),
                options=(offered,) if named else (),
            )
    named = a.named(topic) or _both(a, topic)
    order = "asc" if a.has("least") else "desc"
    if a.has("change") and a.has("fall") and not a.has("rise"):
        order = "asc"  # "where did trust fall most": the biggest fall first
    if len(named) >= 2 and a.has("difference") and len(set(a.f.years)) < 2 and not _two_waves(a):
        # "the difference between the fire service and the police": a comparison
        return Query(Intent.COMPARE, topic=topic, subjects=named, measure=measure, order=order)
    # "law enforcement and the courts" means every body, not just the one named;
    # "which body...", "most trusted" with no body named means all of them, ranked.
    collective = a.has("all_institutions") and len(named) <= 1 and not a.has("breakdown")
    # ("fully or partly, added up?": an "or" between answers compares no bodies)
    compares = bool(set(a.f.cues.get("compare", ())) - set(a.f.cues.get(JOINS, ())))
    unnamed = not named and (a.has(*ORDER_CUES, "which", "position") or compares)
    placed = _placed(a)
    if not named and a.has("body") and not unnamed and not a.has("change"):
        return which_body(a, measure)  # "сколько доверяют службе?": which one?
    everyone = a.everyone(topic)
    compared = _compared_with_context(a, topic, named)
    if compared:
        # "compare with the courts" after an answer about the police: both, side by side
        context = a.context
        assert context is not None  # compared only with the previous answer's subjects
        over_time = context.intent == Intent.TREND and not a.has("latest")
        return Query(
            Intent.TREND if over_time else Intent.COMPARE,
            topic=topic,
            subjects=compared,
            measure=measure or context.measure,
            order=order,
            # ("compare with the police, latest data": the latest wave, not the last one)
            waves=context.waves if context.waves_named and not a.has("latest") else (),
            waves_named=context.waves_named and not a.has("latest"),
        )
    if collective or unnamed or placed:
        intent = Intent.CHANGE if a.has("change") else Intent.RANKING
        return Query(intent, topic=topic, subjects=everyone, measure=measure, order=order)
    if len(named) >= 2:
        intent = Intent.CHANGE if a.has("change") else Intent.COMPARE
        return Query(intent, topic=topic, subjects=named, measure=measure, order=order)
    if len(named) == 1:
        if a.has("change"):
            intent = Intent.CHANGE
        elif a.has("separately") or _both_sides(a):
            # "fully and partly, separately", "trust vs distrust", "сенетіндер көп пе,
            # сенбейтіндер көп пе?": each category, as the breakdown has them
            return Query(Intent.BREAKDOWN, topic=topic, subjects=named)
        elif a.has("breakdown") and (measure is None or _answers_listed(a)):
            # ("все категории — доверяют, частично, скорее нет, ...": every answer)
            intent = Intent.BREAKDOWN
            measure = None
        else:
            intent = Intent.VALUE
            if measure is None:
                measure = _quoted_measure(a, reading, named[0])
        return Query(intent, topic=topic, subjects=named, measure=measure)
    if a.has("change"):
        return Query(Intent.CHANGE, topic=topic, subjects=everyone, measure=measure)
    context = a.context
    if context is not None and context.topic == topic and context.subjects:
        return NEEDS_CONTEXT  # "what about distrust?": a follow-up on the same body
    return which_body(a, measure)


def _quoted_measure(a: Asked, reading: Reading, subject: str) -> str | None:
    """ "I heard 90% trust the prosecutor's office. True?": a share quoted nearer the total
    (trust and partial trust) than the share who trust is about the total."""
    quoted, other = a.f.quoted, reading.quoted
    if quoted is None or other is None or reading.default is None:
        return None
    catalog = a.catalog
    found = [
        catalog.latest_values.get((reading.topic, subject, part))
        for part in (reading.default, *catalog.derived.get(other, (other,)))
    ]
    values = [value for value in found if value is not None]
    if len(values) < len(found):
        return None
    default, *parts = values
    return other if abs(sum(parts) - quoted) < abs(default - quoted) else None


def _both_sides(a: Asked) -> bool:
    """Trust and distrust both asked ("more trust or distrust?", "сколько больше доверяют,
    чем не доверяют"): a word of each side of one scale, a negation reaching only one.
    ("совсем не согласны, что можно доверять" is one answer: disagree that it can be
    trusted.)"""
    cues = a.f.cues
    negations = set(cues.get("neg", ()))
    after = set(cues.get("neg_after", ()))
    for word, opposite in a.q.opposites:
        said = cues.get(word, ())
        negated = [p for p in said if negations & {p - 1, p - 2} or after & {p + 1, p + 2}]
        if len(said) > len(negated) and (negated or cues.get(opposite)):
            return True
    return False


def _answers_listed(a: Asked) -> bool:
    """Several answer categories named at once: a list of them, not one measure."""
    return sum(1 for cue in a.f.cues if cue in a.q.contrasts) >= MANY_ANSWERS


def _both(a: Asked, topic: str) -> tuple[str, ...]:
    """ "Both of them", "the three" with none named: the previous answer's subjects."""
    context = a.context
    if not a.has("both") or context is None or context.topic != topic:
        return ()
    # ("антикор?" then "экономикалық тергеу ше?" then "екеуінің өзгерісі?": the body of
    # the answer before and this answer's)
    subjects = tuple(dict.fromkeys((*context.earlier, *context.subjects)))
    return subjects if len(subjects) >= 2 else ()


def _two_waves(a: Asked) -> bool:
    """Words that name two waves or the one before ("than last time"): a change."""
    return a.has("previous") or (bool(a.f.wave_words) and not a.f.years)


def _placed(a: Asked) -> bool:
    """A place in the ranking asked ("what place is the police in", "second after the
    fire service", "Алматы мен Астанадан кейін қай өңірде көп"), or the rest of the
    subjects ("а остальные?"): the whole ranking answers it, whichever subjects are named
    (those set aside left out)."""
    return a.has("position", "rest") or (a.has("after") and a.has(*ORDER_CUES, "which"))


def which_body(a: Asked, measure: str | None = None) -> Query:
    """Ask back which body, offering each one and the ranking of all."""
    topic, everyone = a.catalog.of_role(BODIES)
    options = (
        *(Query(Intent.VALUE, topic=topic, subjects=(s,), measure=measure) for s in everyone),
        Query(Intent.RANKING, topic=topic, subjects=everyone, measure=measure, order="desc"),
    )
    return Query(Intent.CLARIFY, topic=topic, asked="institution", options=options)


def _compared_with_context(a: Asked, topic: str, named: tuple[str, ...]) -> tuple[str, ...]:
    """The subjects of "compare with X" / "а сравни с судами": the previous answer's and X."""
    context = a.context
    if (
        len(named) != 1
        or not a.has("compare")
        or context is None
        or context.topic != topic
        or not context.subjects
        or named[0] in context.subjects
        or len(context.subjects) > 2
    ):
        return ()
    return (*context.subjects, *named)


def read_places(a: Asked, reading: Reading) -> Claim:
    query = places_question(a, reading)
    context = a.context
    if not a.holds(reading.said) and context is not None and query.states_figures:
        before = a.q.by_topic.get(context.topic or "")
        if before is not None and before.role in NATIONAL:
            # "police trust" then "and in Almaty?": that trust by place is not here; the
            # country's figure, or the place's crimes, are what there is
            return not_by_region(a, context.topic, (national(context), query))
    if a.holds(reading.said) or context is not None or not query.states_figures:
        return query
    # A place alone ("Сколько в Алматы?", "hi, I'm new in Astana"): its crime figures
    # are the only ones by place, but nothing says they were asked for, so offer them.
    # (A place among unexplained words is held back the same way: bot.nlu.parse.)
    return Query(Intent.CLARIFY, topic=reading.topic, asked="places", options=(query,))


def namesake(a: Asked, reading: Reading, places: tuple[str, ...]) -> tuple[str, ...]:
    """The other place of one of these places' name, by the word for its kind: "Алматы
    облысы емес, қаланың өзінде" (the city), "а в области?" after Almaty city."""
    for place, cue, other in reading.namesakes:
        if place in places and a.has(cue) and other not in places:
            return (other,)
    return ()


def _by_kind(a: Asked, reading: Reading, named: tuple[str, ...]) -> tuple[str, ...]:
    """ "Қала емес, облыс бойынша: Алматыда қанша?": "Алматы" alone is the city, unless
    the question names the kind of its namesake (and not its own)."""
    own = {other: cue for _place, cue, other in reading.namesakes}
    found = list(named)
    for place, cue, other in reading.namesakes:
        if (
            place in found
            and other not in found
            and _said(a, cue)
            and not a.has(own.get(place, ""))
            and _kind_near(a, place, cue)
        ):
            found[found.index(place)] = other
    return tuple(found)


def _kind_near(a: Asked, place: str, cue: str) -> bool:
    """The word for a kind of place belongs to this place when nothing else named stands
    between ("Алматы облысы", "облыс бойынша: Алматы"), not to another place ("Алматы
    қаласында және Атырау облысында": Atyrau's region)."""
    f = a.f
    at = [p for p, ident in f.named_at if ident == place]
    others = [p for p, ident in f.named_at if ident != place]
    others += f.unavailable_at  # ("Атырау", a place not published, counts too)
    for spot in f.cues.get(cue, ()):
        for here in at:
            low, high = sorted((here, spot))
            if not any(low < o < high for o in others):
                return True
    return False


def _said(a: Asked, cue: str) -> bool:
    """The cue is in the question and not negated ("(қала емес)", "(не город)")."""
    cues = a.f.cues
    negated = {p - 1 for p in cues.get("neg_after", ())} | {p + 1 for p in cues.get("neg", ())}
    return any(p not in negated for p in cues.get(cue, ()))


def places_question(a: Asked, reading: Reading) -> Query:
    topic, measure = reading.topic, reading.default
    if a.has("difference") and len(a.named(topic)) >= 2 and not a.f.wave_words:
        # "the difference between Almaty city and Almaty region": two places compared
        named = _by_kind(a, reading, a.named(topic))
        return Query(Intent.COMPARE, topic=topic, subjects=named, measure=measure, order="desc")
    if a.has("change"):  # one release of counts: there is no trend to show
        return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("change"))
    named = a.named(topic) or _both(a, topic)
    # ("не Алматы город, а Алматинская область": a place set aside already chose)
    named = (named if a.f.excluded else _by_kind(a, reading, named)) or namesake(
        a, reading, tuple(a.f.excluded)
    )
    compared = _compared_with_context(a, topic, named)
    if compared:
        return Query(Intent.COMPARE, topic=topic, subjects=compared, measure=measure, order="desc")
    placed = _placed(a)
    if reading.only_most and a.has("portion") and len(named) <= 1 and not placed:
        # "what percentage of all crimes were in Almaty?": a share of the country's total,
        # and the release gives no total (the region's count is offered)
        offered = (
            Query(Intent.VALUE, topic=topic, subjects=named, measure=measure)
            if named
            else Query(Intent.RANKING, topic=topic, subjects=a.everyone(topic), order="desc")
        )
        return Query(
            Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("total"), options=(offered,)
        )
    if len(named) == 1 and not a.has(*ORDER_CUES) and not placed:
        return Query(Intent.VALUE, topic=topic, subjects=named, measure=measure)
    if len(named) >= 2 and not placed:
        return Query(Intent.COMPARE, topic=topic, subjects=named, measure=measure, order="desc")
    order = "asc" if a.has("least") else "desc"
    everyone = a.everyone(topic)
    ranking = Query(Intent.RANKING, topic=topic, subjects=everyone, measure=measure, order="desc")
    national = a.has("total") and not named and not a.has("region", *ORDER_CUES)
    whole_country = a.has("country", "total")
    if reading.only_most and order == "asc" and (a.has("listed") or not whole_country):
        # "which region has the fewest crimes?": the release lists only the regions with
        # the most, so the fewest of those, with the note that says only they were
        # published (the fewest in the country is not known, and the reply says so)
        return replace(ranking, order="asc")
    if reading.only_most and (order == "asc" or national):
        # "which region of Kazakhstan has the fewest?", "how many crimes in the whole
        # country?": the release lists only the regions with the most, so neither is known
        lacking = "fewest" if order == "asc" else "total"
        return Query(
            Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking(lacking), options=(ranking,)
        )
    return ranking


READERS = {
    BODIES: read_bodies,
    PLACES: read_places,
    SHARES: read_shares,
    REASONS: read_reasons,
    FACTS: read_facts,
}
