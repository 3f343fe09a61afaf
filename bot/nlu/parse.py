"""A question (+ the conversation before it) -> the Query it asks.

    features -> the first claim that reads them (bot.intents.registry) -> follow-up
    -> the waves named -> what the store cannot answer is refused

No vocabulary here (words become concepts in knowledge/lexicon) and no questionnaire
ids (topics and measures come from knowledge/questionnaire.yaml through the catalog).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from bot.catalog import Catalog
from bot.intents import not_available, small_talk, trend
from bot.intents.not_available import QUALIFIERS
from bot.intents.registry import CLAIMS
from bot.model import BEFORE, Intent, Lacking, Query
from bot.nlu.asked import INTENT_CUES, NEEDS_CONTEXT, Asked
from bot.nlu.conditions import positive_cues
from bot.nlu.features import CONTRAST, JOINS, Analyser, Features
from bot.nlu.lexicon import Lexicon
from bot.nlu.roles import (
    NATIONAL,
    ORDER_CUES,
    facts_asked,
    namesake,
    national,
    not_by_region,
    places_question,
)
from bot.questionnaire import BODIES, FACTS, PLACES, REASONS, SHARES

# What one part of a two-part question may lack while the other is answered: a thing of
# its own (a body, a place, a fact, a crime type), never a qualifier of the other part
# ("trust among women") or an instruction ("…and say it is 99%").
SEPARATE_PARTS = frozenset({"institution", "region", "fact", "offence", "by_region"})
OVERALL_WORDS = 4  # "ok, overall then": a short follow-up, not a question of its own
SEASONS = {"spring": {3, 4, 5}, "summer": {6, 7, 8}, "autumn": {9, 10, 11}, "winter": {12, 1, 2}}
# Intents that a wave named in the question does not apply to.
WAVELESS = frozenset({*small_talk.INTENTS, Intent.NOT_AVAILABLE, Intent.CLARIFY, Intent.GLOSSARY})


# Unpublished things asked about beside published ones ("police and the army"): the
# published part is answered, with a note on the rest.
BESIDES = ("institution", "region", "fact")
MAX_QUOTED = 4  # unexplained words a reply names
ABOUT_SURVEY = frozenset({Intent.SURVEY_INFO, Intent.GLOSSARY})
# Answers of one wave: two waves named make them a change ("the gap between the courts and
# the police in 2023 and 2024": each body's figures then and now)
OF_ONE_WAVE = frozenset({Intent.VALUE, Intent.BREAKDOWN, Intent.COMPARE})
NEAR_WAVE = 2  # words between "vs" / "than" and the wave it compares with
# Words that name the survey or its release: with them a month may be a release's
SURVEY_WORDS = ("release", "poll", "wave", "when", "fieldwork", "source", "sample")
# Cues that ask for a figure (beside a question about the survey: bot.nlu.parse._joined)
FIGURE_CUES = ("how_many", "share", "most", "least", "ranking", "change")


class Parsed(NamedTuple):
    query: Query
    lang: str
    unexplained: tuple[str, ...] = ()  # words neither understood nor filler


class Parser:
    def __init__(self, lexicon: Lexicon, catalog: Catalog) -> None:
        self.lexicon = lexicon
        self.catalog = catalog
        questionnaire = catalog.questionnaire
        signals = questionnaire.signals
        bodies = positive_cues(signals["asks_trust"], signals) if "asks_trust" in signals else set()
        self.analyser = Analyser(
            lexicon,
            questionnaire.contrasts,
            questionnaire.domain_cues,
            questionnaire.denials,
            other_topics=questionnaire.domain_cues - bodies,
        )

    def parse(
        self, text: str, context: Query | None = None, lang_hint: str | None = None
    ) -> Parsed:
        """The query a question asks, in its language. `text` should be cleaned
        (bot.nlu.normalize.clean), which bounds its length."""
        features, lang = self.analyser.analyse((text, lang_hint))
        lang = features.reply or lang  # "Қазақша жауап беріңізші: what share ...?"
        if (
            context is not None
            and context.intent == Intent.NOT_AVAILABLE
            and len(context.options) == 1
            and context.options[0].states_figures
        ):
            # "trust among pensioners?" got "not by age; the nearest figure: the courts'":
            # a follow-up ("and fully and partly together?") goes on from that figure;
            # "ладно, а в целом?" (overall, for everyone) is that figure itself
            offered = context.options[0]
            said = len(features.words) - len(features.wave_words)
            # (after "not by age group": "overall" is for everyone, unless it adds answers)
            everyone = context.lacking is not None and context.lacking.kind in QUALIFIERS
            answers = features.has(*self.catalog.questionnaire.contrasts)
            if features.has("total") and (said <= OVERALL_WORDS or (everyone and not answers)):
                # ("ok then overall, autumn 2023": that figure, in that wave)
                waves, problem = self._waves(Asked(features, offered, self.catalog))
                if waves and problem is None:
                    offered = replace(offered, waves=tuple(waves), waves_named=True)
                return Parsed(offered, lang, unexplained_words(features))
            context = offered
        elif (
            context is not None
            and context.intent == Intent.NOT_AVAILABLE
            and context.lacking is not None
            and context.lacking.kind == "measure"
        ):
            # "difficult to answer, the police?" (no such answer for the police) then "and
            # the courts?": that answer for the courts
            context = replace(context, intent=Intent.VALUE, lacking=None)
        query = self.query(features, context)
        if (
            features.reply
            and context is not None
            and query.intent.small_talk
            and context.states_figures
            and not features.unexplained
        ):
            # "in Kazakh please", "по-английски please" after an answer: that answer, in
            # the language asked for
            return Parsed(context, lang, ())
        # "X or Y" of one question's categories is their total (the query has it); only
        # a question on two topics is split ("police trust and crimes in Karaganda").
        if (JOINS in features.cues or CONTRAST in features.cues) and (
            query.measure not in self.catalog.derived or _two_questions(features)
        ):
            joined = self._joined(features, query, context, lang_hint)
            # (a group of survey facts is one answer: "sample size and age range"; a part
            # on another topic is not: "% who trust the police and how many households")
            if joined is not None and (query.group is None or joined.topic != query.topic):
                query = joined
        return Parsed(query, lang, unexplained_words(features, _listed(context, self.catalog)))

    def _joined(
        self, f: Features, query: Query, context: Query | None, lang_hint: str | None
    ) -> Query | None:
        """A question on two topics joined by "and" ("police trust and crimes in Karaganda",
        "сколько доверяют пожарным и сколько домохозяйств в выборке"): each part is read
        on its own, and both are answered, when each names figures of its own topic."""
        # (the last "and" first: "how many trust the police, fully or partially, and how
        # many never encountered it?" is split at the "and", not inside the total)
        for at in sorted({*f.cues.get(JOINS, ()), *f.cues.get(CONTRAST, ())}, reverse=True):
            parts = [" ".join(f.words[:at]), " ".join(f.words[at + 1 :])]
            if not all(parts):
                continue
            head, tail = (self.analyser.analyse((part, lang_hint))[0] for part in parts)
            first = self.query(head, context)
            # the second part may lean on the first ("... and how many never dealt with it")
            second = self.query(tail, first if first.states_figures else context)
            # two topics ("police trust and crimes in Karaganda"), or two measures of one
            # subject ("how many trust the EIS and how many never dealt with it")
            # (a part that asks every category of a question already holds the other's)
            other = first.topic != second.topic or (
                first.subjects == second.subjects
                and first.measure != second.measure
                and not (self._every_category(first) or self._every_category(second))
            )
            joined = at in f.cues.get(JOINS, ())  # (not "not X but Y": one question)
            both = first.states_figures and second.states_figures and not first.also
            if both and (first.intent in ABOUT_SURVEY) != (second.intent in ABOUT_SURVEY):
                # "who compiled the crime figures: the Bureau or the prosecutor's office?":
                # a name beside a question about the survey asks no figure of its own
                figures = tail if first.intent in ABOUT_SURVEY else head
                questionnaire = self.catalog.questionnaire
                both = (
                    figures.has(*FIGURE_CUES)
                    or questionnaire.asks(SHARES, figures)
                    or questionnaire.holds(questionnaire.signals.get("asks_trust"), figures)
                )
            if joined and both and other:
                return replace(first, also=(second,))
            same = (first.topic, first.subjects) == (second.topic, second.subjects)
            if (
                same
                and first.intent == second.intent == Intent.VALUE
                and first.measure == second.measure
                and first.waves_named
                and second.waves_named
                and first.waves != second.waves
            ):
                # "2024 көктемде қанша болды, ал 2023 жылы ше?": the two waves, the change
                waves = tuple(sorted({*first.waves, *second.waves}))
                return replace(first, intent=Intent.CHANGE, waves=waves)
            if joined and both and same and Intent.CHANGE in (first.intent, second.intent):
                # "the spring 2024 figure, and how much higher than last time?": the change
                # (which states both), up to the wave the question named
                change = first if first.intent == Intent.CHANGE else second
                value = second if change is first else first
                if value.waves_named and not change.waves_named:
                    change = replace(change, waves=value.waves, waves_named=True)
                elif value.waves_named and set(value.waves) - set(change.waves):
                    # "change between autumn 2023 and spring 2024": between the two named
                    waves = tuple(sorted({*change.waves, *value.waves}))
                    change = replace(change, waves=waves)
                return replace(change, measure=change.measure or value.measure)
            # one part published, the other not ("сотқа сенім қанша, ал әскерге ше?",
            # "crimes in Astana and how many of them thefts"): the figure, then the refusal
            # (a part that only lacks a word of its own is not a part: "trust among women")
            for found, lacking in ((first, second), (second, first)):
                if (
                    found.states_figures
                    and found.lacking is None
                    and lacking.intent == Intent.NOT_AVAILABLE
                    and lacking.lacking is not None
                    and lacking.lacking.kind in SEPARATE_PARTS
                    and not unexplained_words(f)
                ):
                    return replace(found, lacking=lacking.lacking)
        return None

    def _every_category(self, query: Query) -> bool:
        """A query for every category of a shares question ("each one, separately")."""
        role = self.catalog.questionnaire.role(query.topic)
        return query.measure is None and query.group is None and role == SHARES

    def query(self, f: Features, context: Query | None) -> Query:
        a = Asked(f, context, self.catalog)
        waves, wave_problem = self._waves(a)
        query = self._claimed(a)
        if query is not None and context is not None and a.elliptical:
            query = _inherit(query, context, now=f.has("latest") and not query.waves_named)
        elif (
            query is not None
            and context is not None
            and context.waves_named
            and f.has("that_time")
            and not query.waves_named
            and query.states_figures
        ):
            # "and the least trusted back then?": the wave just talked about
            query = replace(query, waves=context.waves, waves_named=True)
        if query is None:
            query = self._follow_up(a, waves)
        if query is None:
            query = small_talk.fallback(a, waves)
        if wave_problem is not None and not query.intent.small_talk:
            # "police in 2020": not surveyed; the same question for the waves there are
            figures = query.states_figures and query.intent not in WAVELESS | ABOUT_SURVEY
            latest = query if figures else None
            return Query(
                Intent.NOT_AVAILABLE,
                topic=query.topic,
                lacking=Lacking("wave", wave_problem),
                options=(latest,) if latest else (),
            )
        if waves and query.intent not in WAVELESS:
            query = replace(query, waves=tuple(waves), waves_named=True)
            if len(query.waves) > 1 and query.intent in OF_ONE_WAVE:
                query = replace(query, intent=Intent.CHANGE)
            elif (
                query.intent in (Intent.VALUE, Intent.COMPARE)
                and _against_a_wave(f)
                and query.subjects
                and len(query.waves) == 1
                and query.waves[0] != self._latest(query.topic)
            ):
                # "is trust in the police lower than in 2023?", "police vs 2023",
                # "полицию с 2023 сравни", "is the gap between the courts and the police
                # wider than in 2023?": now against that wave
                newest = self._latest(query.topic) or ""
                query = replace(query, intent=Intent.CHANGE, waves=(*query.waves, newest))
        query = trend.asked_over_time(f, query, self.catalog)
        return self._accounted(a, not_available.refuse(query, self.catalog))

    def _latest(self, topic: str | None) -> str | None:
        """The latest wave with the topic's figures."""
        waves = self.catalog.topic_waves.get(topic or "", ())
        return max(waves) if waves else None

    def _accounted(self, a: Asked, query: Query) -> Query:
        """The query, unless a word of the question changes what it asks: then what is not
        published is said, with the nearest published figure offered (every word of a
        question is accounted for; see Features.unexplained)."""
        f = a.f
        if query.intent == Intent.NOT_AVAILABLE:
            return query
        # Answers about the survey itself (sources, dates, terms) do not change with the
        # words around them; answers with figures do.
        offered = (query,) if query.states_figures and query.intent not in ABOUT_SURVEY else ()
        topic = query.topic or a.topic_of(BODIES)
        # "Do women trust the police?", "robberies in Shymkent": the figures would not
        # answer it, so they are held back.
        qualifier = next(
            (
                u
                for u in f.unavailable
                if u[0] in QUALIFIERS
                and not self.catalog.questionnaire.reads(
                    query.topic, f"unavailable_{u[0]}/{u[1]}", a.holds
                )
            ),
            None,
        )
        if qualifier is not None and offered and JOINS in f.cues and f.has("total"):
            # "trust among women and overall": the overall figure (for everyone: "overall"
            # is not the total of two answers here), and that the part about women was
            # not published
            measure = None if query.measure in self.catalog.derived else query.measure
            return replace(query, measure=measure, lacking=Lacking(*qualifier))
        if qualifier is not None:
            context = a.context
            if (
                not offered
                and context is not None
                and context.states_figures
                and context.intent not in ABOUT_SURVEY
            ):
                # "by age group?" after an answer: that answer stays on offer, and the
                # next follow-up ("and how did it change?") goes on from it
                offered = (national(context),)
            return Query(
                Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking(*qualifier), options=offered
            )
        unexplained = unexplained_words(f, _listed(a.context, self.catalog))
        words = " ".join(dict.fromkeys(unexplained[:MAX_QUOTED]))
        if query.intent == Intent.CLARIFY and query.asked == "institution" and words:
            # "сколько доверяют адвокатам": trust in something the survey does not name
            return Query(Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking("unexplained", words))
        if not offered:
            return query
        if unexplained:
            return Query(
                Intent.NOT_AVAILABLE,
                topic=topic,
                lacking=Lacking("unexplained", words),
                options=offered,
            )
        besides = next((u for u in f.unavailable if u[0] in BESIDES), None)
        if besides is not None and query.lacking is None:
            if JOINS in f.cues:  # "sample size and margin of error", "police and the army"
                return replace(query, lacking=Lacking(*besides))
            # "the confidence interval of the police trust figure": the figure itself was
            # not asked for, what it lacks was
            return Query(
                Intent.NOT_AVAILABLE, topic=topic, lacking=Lacking(*besides), options=offered
            )
        return query

    @staticmethod
    def _claimed(a: Asked) -> Query | None:
        for claim in CLAIMS:
            found = claim(a)
            if found is NEEDS_CONTEXT:
                return None
            if isinstance(found, Query):
                return found
        return None

    def _waves(self, a: Asked) -> tuple[list[str], str | None]:
        """Waves the question names, or ([], what was asked) when none matches."""
        f, catalog, context = a.f, self.catalog, a.context
        months = set(f.months)
        for season in f.seasons:
            months |= SEASONS[season]
        years = set(f.years)
        if years and _year_before(f):
            # "a material on the spring 2024 poll. And last year, how many...?": the year
            # before the one named
            years, months = {year - 1 for year in years}, set()
        if f.months and a.q.asks(PLACES, f) and not f.has(*SURVEY_WORDS):
            # "crimes in Almaty in October": the counts are for the year, never by month
            # (October names the survey's fieldwork, not the crime figures' period)
            return [], period_asked(years, f.months, f.seasons)
        if years or months:
            by_release = f.has("release") and not f.has("fieldwork")
            paired = _periods_by_year(f) if len(years) > 1 else []
            found = [
                wave
                for year, named in paired
                for wave in catalog.waves_matching({year}, named, by_release)
            ]
            if paired and found:
                # "between autumn 2023 and spring 2024": each season in its own year
                return sorted({w.id for w in found}), None
            found = catalog.waves_matching(years, months, by_release)
            crimes = a.q.asks(PLACES, f)  # (counts by month were not published)
            if not found and (not f.months or f.has(*SURVEY_WORDS) or not crimes):
                # "the October survey" is fieldwork, "the July release" a release; when
                # the reading the words suggest matches nothing, try the other one
                # ("when was the April-May survey released", "2023 ... data out", "and
                # the July one?"); for crimes a month alone is no release ("crimes in
                # Shymkent in January")
                found = catalog.waves_matching(years, months, by_release=not by_release)
            if not found:
                return [], period_asked(years, f.months, f.seasons)
            return [w.id for w in found], None
        if f.has("previous") and f.has("compare", "change", "difference"):
            # "the latest wave versus the previous one", "any different from the previous
            # survey?": both
            previous = catalog.previous(catalog.latest.id)
            if previous is not None and not (context and context.waves_named):
                return [previous.id, catalog.latest.id], None
        if f.has("previous") and f.has("latest") and not f.has("wave", "poll", "release"):
            return [], None  # "before, nobody trusted the courts; how is it now?": now
        if f.has("previous"):
            reference = context.waves[-1] if context and context.waves else catalog.latest.id
            previous = catalog.previous(reference)
            if previous is None and context is not None and context.waves_named:
                # "and the survey before that?" after the first wave: there is none
                return [], f"{BEFORE}{reference}"
            previous = previous or catalog.previous(catalog.latest.id)
            return ([previous.id] if previous else []), None
        if f.has("latest") and f.has("wave", "release", "poll"):
            return [catalog.latest.id], None
        return [], None

    def _follow_up(self, a: Asked, waves: list[str]) -> Query | None:
        """Reuse the previous question's slots for "and in 2023?", "а прокуратуре?"."""
        f, context, q = a.f, a.context, a.q
        bodies, places = q.topic(BODIES), q.topic(PLACES)
        if context is None or context.intent.small_talk or not context.states_figures:
            if context is not None and context.intent == Intent.CLARIFY and f.institutions:
                # "which body?" then "the courts": the option asked back with, its measure
                named = set(f.institutions)
                for option in context.options:
                    if set(option.subjects) == named:
                        return option
                return Query(Intent.VALUE, topic=bodies, subjects=tuple(f.institutions))
            if (
                context is not None
                and context.intent == Intent.NOT_AVAILABLE
                and context.topic == places
                and f.has("most", "least", "ranking")
            ):
                # "crimes in Pavlodar?" (not published) then "which one is lowest?"
                return places_question(a, q.by_role[PLACES])
            return None
        if context.topic is None:
            return None
        reading = q.by_topic.get(context.topic)
        if reading is not None and reading.role == FACTS:
            # "in percent?" after the households sampled: the share; "and in the spring
            # 2024 survey?": those facts then (not published: the reply says so)
            if waves:
                return replace(context, waves=tuple(waves), waves_named=True)
            return facts_asked(a, reading)
        if reading is not None and reading.role in NATIONAL and (f.regions or f.has("region")):
            # "and by city?" after a national figure: not here by region (the country's is
            # what was shown)
            return not_by_region(a, context.topic, (national(context),))
        if context.topic == places and not f.regions and len(context.subjects) == 1:
            other = namesake(a, q.by_role[PLACES], context.subjects)
            if other:  # "а в области?" after Almaty city: Almaty region
                return replace(context, subjects=other)
        query = context
        if f.excluded and set(f.excluded) & set(context.subjects) and len(context.subjects) > 2:
            # "а если без пожарных?" after a ranking: the same, without them
            kept = tuple(s for s in context.subjects if s not in f.excluded)
            return replace(context, subjects=kept)
        if f.has("both") and not (f.institutions or f.regions) and len(context.subjects) == 1:
            # "екеуінің өзгерісі қанша?" after "антикор?" then "экономикалық тергеу ше?":
            # the body before and this one, side by side (or the change of both)
            both = tuple(dict.fromkeys((*context.earlier, *context.subjects)))
            if len(both) >= 2:
                query = replace(
                    context, intent=Intent.COMPARE, subjects=both, earlier=(), order="desc"
                )
        measure = None
        if context.topic == bodies:
            measure = q.measure(q.by_role[BODIES], f)
            moves = ("followup", "completely", "both", "reverse")
            if not (measure or waves or f.has(*INTENT_CUES, *moves)):
                return None
        elif context.topic == q.topic(SHARES):
            # "how safe do people feel?" then "and unsafe?", "and difficult to answer?":
            # that category of the question
            measure = q.measure(q.by_role[SHARES], f)
        # (the measure shown: the one asked, or the topic's default)
        shown = context.measure or (reading.default if reading is not None else None)
        if f.has("total") and not f.has(*self.catalog.questionnaire.contrasts) and shown:
            # "в сумме?" after "не доверяют": the total of the category shown (the words
            # name no category, so the total's default reading does not apply)
            measure = next((t for t, parts in self.catalog.derived.items() if shown in parts), None)
            measure = measure or (shown if shown in self.catalog.derived else None)
        elif f.has("total", "along") and shown and measure != shown:
            # "not safe?" then "total?", "fully?" then "together with the partly?": the
            # derived total the last answer's category is part of, with the one named
            # ("ал сенбейтіндер ше, олар да бірге?" after a total: the other side's total)
            derived = self.catalog.derived
            adding = {m for m in (shown, measure) if m}
            if measure and measure not in derived.get(shown, (measure,)):
                adding = {measure}
            total = next((t for t, parts in derived.items() if adding <= set(parts)), None)
            measure = total or measure
        if measure:
            intent = Intent.VALUE if query.intent == Intent.BREAKDOWN else query.intent
            query = replace(query, measure=measure, intent=intent)
        if f.has("difference", "compare") and len(context.subjects) == 2 and not f.institutions:
            # "the gap between the two?", "екеуінің арасы қанша?": the two side by side
            return replace(context, intent=Intent.COMPARE, order=context.order or "desc")
        if (
            f.has("compare", "total", "difference")
            and context.earlier
            and not (waves or f.institutions)
        ):
            # "ал сотқа ше?" then "салыстыр", "а в южной столице?" then "а вместе?": the
            # subject before and this one, side by side
            return replace(
                context,
                intent=Intent.COMPARE,
                subjects=(*context.earlier, *context.subjects),
                earlier=(),
            )
        if f.has("compare") and (waves or f.has("previous")) and not f.institutions:
            # "vs the previous survey?", "2023 пен салыстыр": the same figures, then and now
            return replace(query, intent=Intent.CHANGE, waves=(), waves_named=False)
        if f.has("ordinal") and _listed(context, self.catalog) and not f.has(*ORDER_CUES):
            # "and the second one?" after a ranking or the main reason: the whole list,
            # in its order (the second is there, in its place)
            if context.intent != Intent.RANKING:
                return replace(context, measure=None, intent=Intent.VALUE)
            return context
        if f.has("reverse") and query.order and not f.has("most", "least"):
            # "а наоборот?", "the other way round" after a ranking: the other end first
            query = replace(query, order="asc" if query.order == "desc" else "desc")
        if f.has("change"):
            # "and which fell most?" after "which rose most?": the biggest fall first now
            order = query.order
            if f.has("fall") != f.has("rise"):
                order = "asc" if f.has("fall") else "desc"
            query = replace(query, intent=Intent.CHANGE, order=order)
        elif f.has("breakdown") and context.topic == bodies:
            query = replace(query, intent=Intent.BREAKDOWN, measure=None)
        elif f.has("most", "least", "ranking") and context.topic in (bodies, places):
            query = replace(
                query,
                intent=Intent.RANKING,
                subjects=self.catalog.subjects[context.topic],
                order="asc" if f.has("least") else "desc",
            )
        moving: tuple[str, ...] = ("followup", "total", "difference", "both", "reverse")
        if not (waves or measure or f.has(*INTENT_CUES, *moving)):
            return None
        if not waves and (not query.waves_named or f.has("latest")):
            # "and now?" after an answer about 2023: the latest wave again
            query = replace(query, waves=(), waves_named=False)
        return query


def _against_a_wave(f: Features) -> bool:
    """ "police vs 2023", "полицию с 2023 сравни", "lower than in 2023?": a comparison
    word beside the wave (not "fully agree vs completely disagree, 2023-10")."""
    named = set(f.wave_words)
    spots = [i for i, word in enumerate(f.words) if word in named]
    return any(abs(i - c) <= NEAR_WAVE for c in f.cues.get("compare", ()) for i in spots)


def unexplained_words(f: Features, listed: bool = False) -> tuple[str, ...]:
    """The words of the question not accounted for (Features.unexplained), with "after"
    unless a ranking or a change is asked: it places one subject behind another ("second
    after the fire service"), or a wave before a change ("fell after the 2023 survey");
    alone ("trust after 2023", "после реформы") it asks about a time or an event there is
    no figure for; and ordinals unless an order is asked or was just shown (`listed`)."""
    words = tuple(f.unexplained)
    if f.has("after") and not f.has(*ORDER_CUES, "position", "which", "change"):
        words += tuple(f.words[i] for i in f.cues["after"])
    if f.has("ordinal") and not (f.has(*ORDER_CUES, "position") or listed):
        # "second", "третья": a place in an order, and none is asked or shown
        words += tuple(f.words[i] for i in f.cues["ordinal"])
    return words


def _listed(context: Query | None, catalog: Catalog) -> bool:
    """An answer in order, where "and the second one?" points: a ranking, or every
    reason for feeling unsafe (the reasons are listed most cited first)."""
    if context is None:
        return False
    role = catalog.questionnaire.role(context.topic)
    return context.intent == Intent.RANKING or role == REASONS


def _two_questions(f: Features) -> bool:
    """ "сотқа сенім қанша және сенбейтіндер жалпы қанша": a question word on each side
    of the "and" (a total of two categories has one: "fully or partly, how many?")."""
    asking = sorted(p for cue in ("how_many", "share", "which") for p in f.cues.get(cue, ()))
    return any(asking[0] < at < asking[-1] for at in f.cues.get(JOINS, ())) if asking else False


def period_asked(years: set[int], months: set[int], seasons: set[str]) -> str:
    """The period a question named, in canonical words ("2024 autumn", "2019", "2024 10
    11"), for a reply to say in its own language (bot.phrases.Phrases.period): the
    user's words, cut from a longer form, would not read right ("2024 күзіндегі")."""
    parts = [str(y) for y in sorted(years)]
    parts += sorted(seasons, key=list(SEASONS).index)
    if not seasons:
        parts += [str(m) for m in sorted(months)]
    return " ".join(parts)


def _periods_by_year(f: Features) -> list[tuple[int, set[int]]]:
    """Each year with the month or season named next to it ("autumn 2023", "2024 жылғы
    көктем"), when every year has one; else [] (the months then apply to every year)."""
    pairs = []
    for year, at in zip(f.years, f.year_at, strict=False):
        near = [(abs(p - at), named) for p, named in f.period_at if abs(p - at) <= 2]
        if not near:
            return []
        named = min(near, key=lambda item: item[0])[1]
        pairs.append((year, {named} if isinstance(named, int) else set(SEASONS[named])))
    return pairs


def _year_before(f: Features) -> bool:
    """ "в прошлом году", "last year" next to each other, and no year number beside them
    ("в прошлом, 2023 году" names the year itself)."""
    words = set(f.cues.get("year", ()))
    for at in f.cues.get("previous", ()):
        if {at - 1, at, at + 1} & words:  # "в прошлом году", "last year" (one phrase)
            near = f.words[max(0, at - 2) : at + 3]
            return not any(word.isdecimal() for word in near)
    return False


def _inherit(query: Query, context: Query, *, now: bool = False) -> Query:
    """An elliptical question ("а прокуратуре?") keeps the previous one's kind and wave."""
    if context.intent == Intent.CLARIFY:
        # "how many completely distrust?" - "which body?" - "the courts": that option
        chosen = [o for o in context.options if set(o.subjects) == set(query.subjects)]
        return chosen[0] if chosen and query.subjects else query
    if query.topic != context.topic or query.intent in (Intent.NOT_AVAILABLE, Intent.CLARIFY):
        return query
    if query.intent == Intent.VALUE and context.intent in (Intent.CHANGE, Intent.BREAKDOWN):
        query = replace(query, intent=context.intent)
    if query.measure is None and context.intent in (Intent.VALUE, Intent.CHANGE):
        query = replace(query, measure=context.measure)
    if context.waves_named and not now:  # "and the courts, now?" is the latest wave
        query = replace(query, waves=context.waves, waves_named=True)
    if (
        len(context.subjects) == 1
        and len(query.subjects) == 1
        and query.subjects != context.subjects
    ):
        query = replace(query, earlier=context.subjects)
    return query
