"""What is not published, said as such, with what is: "trust in the army", "police in
2019", "crimes in Pavlodar", "do women trust the police?"."""

from __future__ import annotations

from bot.catalog import Catalog
from bot.intents.base import AnswerType
from bot.model import Answer, Intent, Lacking, Message, Query
from bot.nlu.asked import Asked, Claim
from bot.phrases import Phrases, sentence
from bot.questionnaire import BODIES, FACTS, PLACES

# Which topic a thing the lexicon knows is unpublished belongs to, by its kind
# (knowledge/lexicon: unavailable_<kind>/<id>); the rest are bodies and groups of people.
KIND_ROLES = {"region": PLACES, "fact": FACTS}
# Answers that state no figures of their own, so nothing to refuse in them.
UNCHECKED = frozenset(
    {
        Intent.GREETING,
        Intent.THANKS,
        Intent.HELP,
        Intent.OUT_OF_SCOPE,
        Intent.CLARIFY,
        Intent.NOT_AVAILABLE,
        Intent.GLOSSARY,
        Intent.SURVEY_INFO,
    }
)


def claim_group(a: Asked) -> Claim:
    """ "Do women trust the police?": no such breakdown exists."""
    group = next((ident for kind, ident in a.f.unavailable if kind == "group"), None)
    if group is None:
        return None
    return Query(Intent.NOT_AVAILABLE, topic=a.topic_of(BODIES), lacking=Lacking("group", group))


def claim_unavailable(a: Asked) -> Claim:
    """Something the lexicon knows the survey lacks, with nothing it has beside it."""
    if not a.f.unavailable or a.f.institutions or a.f.regions:
        return None
    kind, ident = a.f.unavailable[0]
    topic = a.topic_of(KIND_ROLES.get(kind, BODIES))
    return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking(kind, ident))


def refuse(query: Query, catalog: Catalog) -> Query:
    """The query, or what says the store cannot answer it: a wave without its figures,
    a change with one wave, a measure a body's scale lacks."""
    if query.intent in UNCHECKED:
        return query
    topic = query.topic or ""
    available = catalog.topic_waves.get(topic, ())
    missing = [w for w in query.waves if w not in available]
    if missing and query.intent != Intent.CHANGE:
        return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("wave", missing[0]))
    if query.intent == Intent.CHANGE and len(available) < 2:
        return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("change", topic))
    measure = query.measure
    if catalog.questionnaire.role(topic) == BODIES and measure and measure not in catalog.derived:
        lacking = [s for s in query.subjects if measure not in catalog.measures_of(topic, s)]
        if lacking and query.intent != Intent.RANKING:
            return Query(
                Intent.NOT_AVAILABLE,
                topic=topic,
                subjects=tuple(lacking),
                measure=measure,
                lacking=Lacking("measure", measure),
            )
    return query


def refusal(query: Query, p: Phrases) -> str:
    """The sentence that says what is not there, and what is."""
    lacking = query.lacking or Lacking("wave")
    kind, missing = lacking.kind, lacking.what or ""
    what = missing
    if kind in ("institution", "region", "fact", "group"):  # named in the lexicon
        what = p.store.first_form(f"unavailable_{kind}/{missing}", p.lang) or missing
    catalog = p.catalog
    if kind == "institution":
        _topic, bodies = catalog.of_role(BODIES)
        text = p.gettext("The survey has no data on trust in “{what}”. It covers: {list}.").format(
            what=what, list=p.list_of(tuple(p.subject(s) for s in bodies))
        )
    elif kind == "region":
        _topic, places = catalog.of_role(PLACES)
        text = p.gettext("No crime figures for “{what}” were published. Available: {list}.").format(
            what=what, list=p.list_of(tuple(p.subject(s) for s in places))
        )
    elif kind == "fact":
        text = p.gettext(
            "The releases do not publish “{what}”; they give the sample, the ages "
            "covered, the fieldwork dates and the method."
        ).format(what=what)
    elif kind == "group":
        text = p.gettext(
            "The published figures are for the whole adult population, "
            "with no breakdown by “{what}”."
        ).format(what=what)
    elif kind == "by_region":
        text = p.gettext("Trust figures are published for the country as a whole, not by region.")
    elif kind == "measure":
        topic = query.topic or ""
        subject = query.subjects[0] if query.subjects else ""
        answers = tuple(p.measure(topic, subject, m) for m in catalog.measures_of(topic, subject))
        text = p.gettext(
            "For {name} there is no “{measure}” answer. The answers are: {list}."
        ).format(
            name=p.subject(subject), measure=p.neutral_measure(missing), list=p.list_of(answers)
        )
    elif kind == "change":
        text = p.gettext(
            "These figures were published for one period only, so there is no change to show."
        )
    elif len(catalog.topic_waves.get(query.topic or "", ())) == 1:
        # Published once, with one release: naming survey rounds would suggest the other
        # round has these figures somewhere.
        wave = catalog.wave(catalog.topic_waves[query.topic or ""][0])
        text = p.gettext("{topic}: published once, on {date}; there are none for “{what}”.").format(
            topic=p.topic(query.topic),
            date=p.date(wave.released) if wave else "",
            what=p.wave(missing) if catalog.wave(missing) else missing,
        )
    else:
        waves = catalog.topic_waves.get(query.topic or "", ()) or tuple(w.id for w in catalog.waves)
        text = p.gettext("There is no data for “{what}”. Available: {list}.").format(
            what=p.wave(missing) if catalog.wave(missing) else missing,
            list=p.list_of(tuple(p.wave(w) for w in waves)),
        )
    return sentence(text)


class NotAvailable(AnswerType):
    intents = (Intent.NOT_AVAILABLE,)

    def render(self, answer: Answer, p: Phrases) -> Message:
        return Message.of(refusal(answer.query, p))


ANSWER = NotAvailable()
