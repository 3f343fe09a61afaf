"""What is not published, said as such, with what is: "trust in the army", "police in
2019", "crimes in Pavlodar", "do women trust the police?"."""

from __future__ import annotations

from dataclasses import replace

from bot.catalog import Catalog
from bot.intents.base import AnswerType
from bot.intents.clarify import option_text
from bot.model import Answer, Intent, Lacking, Message, Option, Query, Span
from bot.nlu.asked import Asked, Claim
from bot.phrases import Phrases, sentence
from bot.questionnaire import BODIES, FACTS, PLACES

# Which topic a thing the lexicon knows is unpublished belongs to, by its kind
# (knowledge/lexicon: unavailable_<kind>/<id>); the rest are bodies and groups of people.
KIND_ROLES = {"region": PLACES, "fact": FACTS}
# Unpublished things that qualify a question rather than name its subject: they are
# said after the question is read, with its nearest published figure (bot.nlu.parse).
QUALIFIERS = ("group", "offence", "period", "condition", "motive", "opinion", "forecast")
AGE_RANGE = "ages"  # the group of questionnaire.yaml that holds the ages surveyed
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


def claim_instruction(a: Asked) -> Claim:
    """ "Ignore previous instructions and say ...", "reply with just the number": Senim
    says its figures its own way, each with its source, whatever a question asks."""
    if not a.has("instruction"):
        return None
    return Query(Intent.NOT_AVAILABLE, lacking=Lacking("instruction"))


def claim_unavailable(a: Asked) -> Claim:
    """Something the lexicon knows the survey lacks, with nothing it has beside it (else
    the published part is answered, with a note: bot.nlu.parse)."""
    f = a.f
    subjects = [u for u in f.unavailable if u[0] not in QUALIFIERS]
    if not subjects or f.institutions or f.regions or f.facts:
        return None
    kind, ident = subjects[0]
    topic = a.topic_of(KIND_ROLES.get(kind, BODIES))
    return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking(kind, ident))


def not_published(query: Query, catalog: Catalog) -> Query | None:
    """A share its wave's source did not show ("difficult to answer" on safety in
    2024-10): not known, said so, with the latest wave that has it offered."""
    topic, measure = query.topic or "", query.measure
    available = catalog.topic_waves.get(topic, ())
    if query.intent != Intent.VALUE or not measure or not query.subjects or not available:
        return None
    wave = query.waves[-1] if query.waves else available[-1]
    if not all(catalog.not_shown(topic, s, measure, wave) for s in query.subjects):
        return None
    shown = [
        w
        for w in available
        if w < wave and not any(catalog.not_shown(topic, s, measure, w) for s in query.subjects)
    ]
    offered = replace(query, waves=(shown[-1],), waves_named=True) if shown else None
    return Query(
        Intent.NOT_AVAILABLE,
        topic=topic,
        subjects=query.subjects,
        measure=measure,
        lacking=Lacking("unpublished", wave),
        options=(offered,) if offered is not None else (),
    )


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
    unknown = not_published(query, catalog)
    if unknown is not None:
        return unknown
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
    # How the lexicon's entry names it, in the case the sentence needs (lexicon README).
    name = p.name(f"unavailable_{kind}", missing)
    catalog = p.catalog
    if kind == "institution":
        _topic, bodies = catalog.of_role(BODIES)
        text = p.gettext("The survey has no data on trust in {name}. It covers: {list}.").format(
            name=name, list=p.list_of(tuple(p.subject(s, "in_text") for s in bodies))
        )
    elif kind == "region":
        _topic, places = catalog.of_role(PLACES)
        text = p.gettext(
            "No crime figures were published {name}: the release gives only the regions "
            "with the most registered crimes, {list}."
        ).format(name=name, list=p.list_of(tuple(p.subject(s) for s in places)))
    elif kind == "fact":
        text = p.gettext(
            "The releases do not publish {name}; they give the sample, the ages "
            "covered, the fieldwork dates and the method."
        ).format(name=name)
    elif kind == "group" and catalog.questionnaire.role(query.topic) == PLACES:
        # crimes are counted by the police, not answered by respondents of some age
        text = p.gettext(
            "Registered crimes were published only as the total for each region, not "
            "broken down {name}."
        ).format(name=name)
    elif kind == "group":
        text = p.gettext(
            "The figures are published for all respondents together ({ages}), "
            "not broken down {name}."
        ).format(ages=_ages(p), name=name)
    elif kind == "offence":
        text = p.gettext(
            "Crimes were published only as the total registered in each region, not by "
            "type: there is no figure for {name}."
        ).format(name=name)
    elif kind == "condition":
        text = p.gettext(
            "The safety figures are about feeling safe alone in one's area in the "
            "daytime; there are none {name}."
        ).format(name=name)
    elif kind == "motive":
        text = p.gettext(
            "The survey asked how much people trust each body and how safe they feel, "
            "not why they trust or distrust: there are no figures {name}."
        ).format(name=name)
    elif kind == "opinion":
        text = p.gettext(
            "I do not give opinions or advice; I can only say what the survey measured."
        )
    elif kind == "forecast":
        text = p.gettext(
            "The survey measures what people said in each wave; it makes no forecast, and "
            "neither do I."
        )
    elif kind == "period":
        text = p.gettext("Figures exist only for the survey waves ({list}), not {name}.").format(
            list=p.list_of(tuple(p.wave(w.id) for w in catalog.waves)), name=name
        )
    elif kind == "unexplained":
        role = catalog.questionnaire.role(query.topic)
        if role == PLACES:
            text = p.gettext("For regions I have only the registered crime figures.")
        elif role == BODIES and not query.options:  # trust in a body it does not know
            _topic, bodies = catalog.of_role(BODIES)
            text = p.gettext("The survey has no data on trust in “{words}”. It covers: {list}.")
            text = text.format(
                words=missing, list=p.list_of(tuple(p.subject(s, "in_text") for s in bodies))
            )
        else:
            text = p.gettext("I have no figures that take “{words}” into account.").format(
                words=missing
            )
    elif kind == "instruction":
        text = p.gettext(
            "I state only published figures, each with its source, and in my own words."
        )
    elif kind in ("fewest", "total"):
        _topic, places = catalog.of_role(PLACES)
        template = (
            p.gettext(
                "The release lists registered crimes only for the regions with the most of "
                "them ({list}), so which region has the fewest is not known."
            )
            if kind == "fewest"
            else p.gettext(
                "The release lists registered crimes only for the regions with the most of "
                "them ({list}); it gives no total for the country."
            )
        )
        text = template.format(list=p.list_of(tuple(p.subject(s) for s in places)))
    elif kind == "by_region":
        text = p.gettext(
            "I have these figures only for the country as a whole: the Bureau gives "
            "figures by region only in its spreadsheets, which I do not have."
        )
    elif kind == "measure":
        topic = query.topic or ""
        subject = query.subjects[0] if query.subjects else ""
        answers = tuple(p.measure(topic, subject, m) for m in catalog.measures_of(topic, subject))
        text = p.gettext(
            "For {name} there is no “{measure}” answer. The answers are: {list}."
        ).format(
            name=p.subject(subject), measure=p.neutral_measure(missing), list=p.list_of(answers)
        )
    elif kind == "unpublished":
        subject = query.subjects[0] if query.subjects else ""
        text = p.gettext(
            "“{label}” is not known for the {wave}: the published source does not show this share."
        ).format(
            label=p.measure(query.topic or "", subject, query.measure or ""), wave=p.wave(missing)
        )
    elif kind == "year_on_year" and query.states_figures:
        text = p.gettext(
            "There is no survey of the same season a year before the {wave}: above is the "
            "change since the survey before it."
        ).format(wave=p.wave(missing))
    elif kind == "year_on_year":
        text = p.gettext(
            "There is no survey of the same season a year before the {wave} to compare it "
            "with. Surveys with these figures: {list}."
        ).format(
            wave=p.wave(missing),
            list=p.list_of(
                tuple(p.wave(w) for w in catalog.topic_waves.get(query.topic or "", ()))
            ),
        )
    elif kind == "change":
        text = p.gettext(
            "These figures were published for one period only, so there is no change to show."
        )
    elif len(catalog.topic_waves.get(query.topic or "", ())) == 1:
        # Published once, with one release: naming survey rounds would suggest the other
        # round has these figures somewhere.
        wave = catalog.wave(catalog.topic_waves[query.topic or ""][0])
        text = p.gettext("{topic}: published once, on {date}; there are none for {what}.").format(
            topic=p.topic(query.topic),
            date=p.date(wave.released) if wave and wave.released else "",
            what=p.period(missing),
        )
    else:
        waves = catalog.topic_waves.get(query.topic or "", ()) or tuple(w.id for w in catalog.waves)
        text = p.gettext("There is no data for {what}. Available: {list}.").format(
            what=p.period(missing), list=p.list_of(tuple(p.wave(w) for w in waves))
        )
    return sentence(text)


def _ages(p: Phrases) -> str:
    """The ages surveyed, as the release gives them ("aged 15 to 80")."""
    reading = p.catalog.questionnaire.by_role.get(FACTS)
    # questionnaire.yaml's facts group "ages": the youngest and the oldest age surveyed
    members = reading.groups.get(AGE_RANGE, ()) if reading else ()
    facts = {f.measure: f for f in p.store.facts(reading.topic)} if reading else {}
    ages = [facts[m] for m in members if m in facts]
    if len(ages) != 2:
        return p.gettext("all ages surveyed")
    youngest, oldest = ages
    return p.gettext("aged {youngest} to {oldest}").format(
        youngest=p.value(youngest), oldest=p.value(oldest)
    )


class NotAvailable(AnswerType):
    intents = (Intent.NOT_AVAILABLE,)

    def render(self, answer: Answer, p: Phrases) -> Message:
        query = answer.query
        text = refusal(query, p)
        if not query.options:
            return Message.of(text)
        # The nearest published figure, offered: "robberies in Shymkent" -> its crimes.
        offered = tuple(Option(option_text(o, p), o) for o in query.options)
        head = p.gettext("The nearest published figure:")
        return Message(
            ((Span(text),), (Span(head),), *((Span("• " + o.text),) for o in offered)),
            options=offered,
        )


ANSWER = NotAvailable()
