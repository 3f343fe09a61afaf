"""Answer + language -> the reply, as Telegram HTML (plain text is derived from it).

Every phrase comes from the gettext catalogs, every name from the store, every
number through babel for the reply's locale. User text is escaped here and
nowhere else needs to think about it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from bot.answer import Answer, Figure, Row
from bot.catalog import CRIME, REASONS, SAFETY, SURVEY, TRUST, Catalog
from bot.domain import Wave
from bot.i18n import list_of, long_date, month_names, number, percent, translations
from bot.nlu import parse as p
from bot.store import Store

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")


def plain(html_text: str) -> str:
    """What Telegram shows for an HTML message: tags gone, entities decoded."""
    return html.unescape(_TAG.sub("", html_text))


def esc(text: str) -> str:
    return html.escape(text, quote=False)


_DOUBLE_STOP = re.compile(r"(?<=\w)\.\.(?!\.)")


def sentence(text: str) -> str:
    """Capitalised, and one full stop where an abbreviation ends it (… 2024 г..)."""
    text = _DOUBLE_STOP.sub(".", text)
    return text[:1].upper() + text[1:]


def bold(text: str) -> str:
    return f"<b>{esc(text)}</b>"


@dataclass(frozen=True, slots=True)
class Option:
    """A clarifying choice: the question it stands for, and its query."""

    text: str
    query: p.Query


class Renderer:
    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog

    # -- names and numbers --------------------------------------------------------------

    def name(self, kind: str, ident: str, lang: str, form: str = "name") -> str:
        return (
            self.store.name(kind, ident, lang, form) or self.store.name(kind, ident, lang) or ident
        )

    def subject_name(self, topic: str, subject: str, lang: str, form: str = "name") -> str:
        if topic == TRUST:
            return self.name("institution", subject, lang, form)
        if topic == CRIME:
            return self.name("region", subject, lang, form)
        return self.name("subject", subject, lang, form)

    def measure_label(self, topic: str, subject: str, measure: str, lang: str) -> str:
        if measure in self.catalog.derived:
            return self.name("derived", measure, lang)
        scale = self.store.scale_of(topic, subject) or ""
        label = self.store.name("measure_label", f"{scale}:{measure}", lang)
        return label or self._neutral_label(measure, lang)  # a measure its scale lacks

    def value(self, figure: Figure, lang: str) -> str:
        if figure.unit == "percent":
            return percent(figure.value, lang)
        if figure.unit == "pp":
            return number(abs(figure.value), lang, 1)
        return number(figure.value, lang)

    def wave_label(self, wave_id: str, lang: str, short: bool = False) -> str:
        wave = self.catalog.wave(wave_id)
        if wave is None:
            return wave_id
        t = translations(lang)
        start, end = (
            date.fromisoformat(wave.fieldwork_start + "-01"),
            date.fromisoformat(wave.fieldwork_end + "-01"),
        )
        names = month_names(lang, "stand-alone" if short else "format")
        months = names[start.month - 1]
        if end != start:
            months += "–" + names[end.month - 1]
        if short:
            return t.gettext("{months} {year}").format(months=months, year=end.year)
        return t.gettext("{months} {year} survey").format(months=months, year=end.year)

    def change_phrase(self, change: Figure, lang: str) -> str:
        t = translations(lang)
        pp = self.value(change, lang)
        if change.value > 0:
            return t.gettext("up {pp} pp").format(pp=pp)
        if change.value < 0:
            return t.gettext("down {pp} pp").format(pp=pp)
        return t.gettext("no change")

    def source_line(self, source_ids: tuple[str, ...], lang: str) -> str:
        t = translations(lang)
        sources = self.store.sources()
        parts = []
        for ident in source_ids:
            source = sources.get(ident)
            if source is None:
                continue
            publisher = self.name("source_short", ident, lang)
            published = long_date(source.published, lang)
            if source.kind == "press_report" and source.reports_release:
                bureau = next(
                    (
                        self.name("source_short", s.id, lang)
                        for s in sources.values()
                        if s.kind == "official_release"
                    ),
                    "",
                )
                parts.append(
                    t.gettext(
                        "{publisher}, {date}, reporting the {bureau} release of {release}"
                    ).format(
                        publisher=publisher,
                        date=published,
                        bureau=bureau,
                        release=long_date(source.reports_release, lang),
                    )
                )
            else:
                parts.append(
                    t.gettext("{publisher}, release of {date}").format(
                        publisher=publisher, date=published
                    )
                )
        if not parts:
            return ""
        return sentence(t.gettext("Source: {source}.").format(source="; ".join(parts)))

    # -- the reply -------------------------------------------------------------------------

    def render(self, answer: Answer, lang: str) -> tuple[str, tuple[Option, ...]]:
        """The reply as Telegram HTML, and clarifying options (if any)."""
        query = answer.query
        intent = query.intent
        if intent in p.SMALL_TALK:
            return self._small_talk(intent, lang), ()
        if intent == p.CLARIFY:
            return self._clarify(query, lang)
        if intent == p.NOT_AVAILABLE:
            return self._not_available(query, lang), ()
        if intent == p.SURVEY_INFO:
            return self._survey_info(answer, lang), ()
        if intent == p.GLOSSARY:
            return self._glossary(query, lang), ()
        if not answer.rows:
            return self._not_available(
                p.Query(p.NOT_AVAILABLE, topic=query.topic, detail="wave", missing=answer.wave),
                lang,
            ), ()
        if intent == p.CHANGE:
            body = self._change(answer, lang)
        elif intent in (p.RANKING, p.COMPARE):
            body = self._ranking(answer, lang)
        else:
            body = self._values(answer, lang)
        lines = [*body, "", esc(self.source_line(answer.sources, lang))]
        return _fit("\n".join(lines)), ()

    def _title(self, answer: Answer, lang: str) -> str:
        t = translations(lang)
        query = answer.query
        wave = self.wave_label(answer.wave or self.catalog.latest.id, lang)
        if query.topic == TRUST and len(query.subjects) == 1:
            name = self.subject_name(TRUST, query.subjects[0], lang)
        elif query.topic == CRIME:
            published = self.store.sources().get(answer.sources[0] if answer.sources else "")
            title = self.name("topic", CRIME, lang)
            if published is not None:
                return bold(
                    t.gettext("{topic}, as published on {date}").format(
                        topic=title, date=long_date(published.published, lang)
                    )
                )
            return bold(title)
        else:
            name = self.name("topic", query.topic or "", lang)
        return bold(t.gettext("{name} — {wave}").format(name=name, wave=wave))

    def _values(self, answer: Answer, lang: str) -> list[str]:
        t = translations(lang)
        lines = [self._title(answer, lang)]
        changes = [
            row.change for row in answer.rows if row.change is not None and row.previous is None
        ]
        if len(changes) > 1:
            since = self.wave_label(changes[0].from_wave or "", lang, short=True)
            lines.append(esc(t.gettext("In brackets: change since {wave}.").format(wave=since)))
        for row in answer.rows:
            lines.append(self._row_line(row, lang, brief=len(changes) > 1))
        return lines

    def _row_line(self, row: Row, lang: str, label: str | None = None, brief: bool = False) -> str:
        t = translations(lang)
        figure = row.figure
        if label is None:
            if figure.topic == CRIME:
                label = self.subject_name(CRIME, figure.subject, lang)
            else:
                label = self.measure_label(figure.topic, figure.subject, figure.measure, lang)
        value = self.value(figure, lang)
        if row.parts:
            value = t.gettext("{total} = {parts} (calculated by Senim)").format(
                total=value, parts=" + ".join(self.value(part, lang) for part in row.parts)
            )
        line = t.gettext("• {label}: {value}").format(
            label=esc(_upper_first(label)), value=bold(value)
        )
        if row.change is not None:
            before_wave = self.wave_label(row.change.from_wave or "", lang, short=True)
            change = self.change_phrase(row.change, lang)
            if row.previous is not None:
                context = t.gettext("({wave}: {value}; {change})").format(
                    wave=before_wave, value=self.value(row.previous, lang), change=change
                )
            elif brief:
                context = f"({change})"
            else:
                context = t.gettext("({change} since {wave})").format(
                    change=change, wave=before_wave
                )
            line += " " + esc(context)
        return line

    def _ranking(self, answer: Answer, lang: str) -> list[str]:
        t = translations(lang)
        query = answer.query
        wave = self.wave_label(answer.wave or "", lang)
        if query.topic == CRIME:
            lines = [self._title(answer, lang)]
        else:
            measure = query.measure or "trust"
            label = self._neutral_label(measure, lang)
            if query.intent == p.COMPARE:
                heading = t.gettext("Compared: “{measure}” — {wave}")
            elif query.order == "asc":
                heading = t.gettext("Ranking by “{measure}”, lowest first — {wave}")
            else:
                heading = t.gettext("Ranking by “{measure}” — {wave}")
            lines = [bold(heading.format(measure=label, wave=wave))]
        for place, row in enumerate(answer.rows, start=1):
            name = self.subject_name(query.topic or "", row.figure.subject, lang)
            value = self.value(row.figure, lang)
            if row.parts:
                value = t.gettext("{total} = {parts} (calculated by Senim)").format(
                    total=value, parts=" + ".join(self.value(x, lang) for x in row.parts)
                )
            lines.append(
                t.gettext("{place}. {name}: {value}").format(
                    place=place, name=esc(_upper_first(name)), value=bold(value)
                )
            )
        if query.topic == TRUST:
            lines += self._scale_note(answer, lang)
        if query.topic == CRIME and query.intent == p.RANKING:
            # The release names only the regions with the most crimes: without this,
            # the last of them reads as the country's safest region.
            lines += [
                "",
                esc(
                    t.gettext(
                        "The release names only the {count} regions with the most registered "
                        "crimes; figures for the other regions were not published."
                    ).format(count=len(self.catalog.regions))
                ),
            ]
        if answer.omitted:
            names = tuple(self.subject_name(TRUST, s, lang) for s in answer.omitted)
            lines.append(
                esc(
                    t.gettext("No “{measure}” answer in the questionnaire for: {names}.").format(
                        measure=self._neutral_label(query.measure or "trust", lang),
                        names=list_of(names, lang),
                    )
                )
            )
        return lines

    def _neutral_label(self, measure: str, lang: str) -> str:
        """A measure's name across scales: the first scale's wording, or the derived name."""
        if measure in self.catalog.derived:
            return self.name("derived", measure, lang)
        for scale in self.catalog.scale_measures:
            label = self.store.name("measure_label", f"{scale}:{measure}", lang)
            if label:
                return label
        return measure

    def _scale_note(self, answer: Answer, lang: str) -> list[str]:
        """Rankings mix two answer scales: say which figures are agreement shares."""
        t = translations(lang)
        measure = answer.query.measure or "trust"
        if measure not in ("trust", "distrust", "partial_trust", "partial_distrust"):
            return []  # a derived total names both of its parts already
        shown = {row.figure.subject for row in answer.rows}
        agreeing = [
            s
            for s in self.catalog.institutions
            if s in shown and self.catalog.scales.get(s) == "agreement"
        ]
        if not agreeing:
            return []
        names = list_of(
            tuple(self.subject_name(TRUST, s, lang, "genitive") for s in agreeing), lang
        )
        if len(agreeing) == 1:
            note = t.gettext(
                "For {names} the question was whether the body can be trusted: "
                "“{measure}” there means “{answer}”."
            )
        else:
            note = t.gettext(
                "For {names} the question was whether these bodies can be trusted: "
                "“{measure}” there means “{answer}”."
            )
        text = note.format(
            names=names,
            measure=_lower_first(self._neutral_label(measure, lang)),
            answer=_lower_first(self.measure_label(TRUST, agreeing[0], measure, lang)),
        )
        return ["", esc(sentence(text))]

    def _change(self, answer: Answer, lang: str) -> list[str]:
        t = translations(lang)
        query = answer.query
        before = self.wave_label(answer.base_wave or "", lang, short=True)
        after = self.wave_label(answer.wave or "", lang, short=True)
        many = len({row.figure.subject for row in answer.rows}) > 1
        if query.topic == TRUST and len(query.subjects) == 1:
            name = self.subject_name(TRUST, query.subjects[0], lang)
        else:
            name = self.name("topic", query.topic or "", lang)
        if query.topic == TRUST and many and len(answer.rows) == len(query.subjects):
            # bot.answer sorts bodies by their change; the heading says which way
            heading = (
                t.gettext("Change in “{measure}”, biggest fall first: {before} → {after}")
                if query.order == "asc"
                else t.gettext("Change in “{measure}”, biggest rise first: {before} → {after}")
            )
            measure = self._neutral_label(query.measure or "trust", lang)
            lines = [bold(heading.format(measure=measure, before=before, after=after))]
        else:
            lines = [
                bold(
                    t.gettext("{name}: {before} → {after}").format(
                        name=name, before=before, after=after
                    )
                )
            ]
        for row in answer.rows:
            figure = row.figure
            if many:
                label = self.subject_name(figure.topic, figure.subject, lang)
            else:
                label = self.measure_label(figure.topic, figure.subject, figure.measure, lang)
            change = self.change_phrase(row.change, lang) if row.change else ""
            lines.append(
                t.gettext("• {label}: {before} → {after} ({change})").format(
                    label=esc(label),
                    before=self.value(row.previous, lang) if row.previous else "",
                    after=bold(self.value(figure, lang)),
                    change=esc(change),
                )
            )
        if query.topic == TRUST and many:
            lines += self._scale_note(answer, lang)
        return lines

    # -- answers without figures ---------------------------------------------------------------

    def examples(self, lang: str) -> list[str]:
        t = translations(lang)
        return [
            t.gettext("How much do people trust the police?"),
            t.gettext("Which region has the most registered crimes?"),
            t.gettext("How did trust in the courts change?"),
        ]

    def _small_talk(self, intent: str, lang: str) -> str:
        t = translations(lang)
        examples = "\n".join("• " + esc(e) for e in self.examples(lang))
        if intent == p.THANKS:
            return esc(t.gettext("You're welcome! Ask me anything else about the survey."))
        if intent == p.GREETING:
            head = t.gettext(
                "Hello! I'm Senim. I answer questions about the Bureau of National Statistics "
                "survey of public trust in law enforcement and the courts, with the exact "
                "published figures and their source. Try:"
            )
            return esc(head) + "\n" + examples
        if intent == p.HELP:
            return self.help_text(lang)
        return (
            esc(
                t.gettext(
                    "I only answer questions about the survey of public trust in law enforcement "
                    "and the courts. For example:"
                )
            )
            + "\n"
            + examples
        )

    def help_text(self, lang: str) -> str:
        t = translations(lang)
        bodies = tuple(self.subject_name(TRUST, i, lang) for i in self.catalog.institutions)
        waves = tuple(self.wave_label(w.id, lang, short=True) for w in self.catalog.waves)
        regions = tuple(self.subject_name(CRIME, r, lang) for r in self.catalog.regions)
        text = t.gettext(
            "I know, from the published releases:\n"
            "• trust in: {bodies} (survey waves: {waves});\n"
            "• how safe people feel in their area, and why some feel unsafe;\n"
            "• registered crimes in: {regions};\n"
            "• the survey itself: sample, ages, dates, sources.\n"
            "Ask in Kazakh, Russian or English, in your own words. For example:"
        ).format(
            bodies=list_of(bodies, lang), waves=list_of(waves, lang), regions=list_of(regions, lang)
        )
        examples = "\n".join("• " + esc(e) for e in self.examples(lang))
        return esc(text) + "\n" + examples

    def option_text(self, option: p.Query, lang: str) -> str:
        return sentence(self._option_text(option, lang))

    def _option_text(self, option: p.Query, lang: str) -> str:
        t = translations(lang)
        if option.topic == CRIME and option.intent != p.RANKING:  # offered for a place
            return t.gettext("{measure} — {name}").format(
                measure=self.name("topic", CRIME, lang),
                name=list_of(
                    tuple(self.subject_name(CRIME, s, lang) for s in option.subjects), lang
                ),
            )
        if option.intent == p.RANKING and not option.waves:
            return t.gettext("Which body do people trust most?")
        period = self.wave_label(option.waves[0], lang, short=True) if option.waves else ""
        if option.intent == p.RANKING:
            return t.gettext("Which body was trusted most in {period}?").format(period=period)
        if option.topic == SAFETY:
            return t.gettext("How safe did people feel in {period}?").format(period=period)
        if option.topic == REASONS:
            return t.gettext("Why did people feel unsafe in {period}?").format(period=period)
        subject = option.subjects[0]
        if option.measure:
            return t.gettext("{measure} — {name}").format(
                measure=self.measure_label(TRUST, subject, option.measure, lang),
                name=self.subject_name(TRUST, subject, lang),
            )
        return t.gettext("How much do people trust {name}?").format(
            name=self.subject_name(TRUST, subject, lang, "dative")
        )

    def _clarify(self, query: p.Query, lang: str) -> tuple[str, tuple[Option, ...]]:
        t = translations(lang)
        options = query.options
        if query.detail == "topic":
            wave = query.waves[0] if query.waves else self.catalog.latest.id
            pinned = {"waves": (wave,), "waves_named": True}
            ranking = p.Query(
                p.RANKING, topic=TRUST, subjects=self.catalog.institutions, order="desc", **pinned
            )
            options = (
                ranking,
                *(
                    p.Query(
                        p.VALUE,
                        topic=topic,
                        subjects=(self.catalog.topic_subject[topic],),
                        **pinned,
                    )
                    for topic in (SAFETY, REASONS)
                ),
            )
            head = t.gettext("What should I show for the {wave}?").format(
                wave=self.wave_label(wave, lang)
            )
        elif query.detail == "crime":
            head = t.gettext("For regions I have only the registered crime figures. Show them?")
        else:
            head = t.gettext("Which body do you mean?")
        rendered = tuple(Option(self.option_text(o, lang), o) for o in options)
        lines = [esc(head), *("• " + esc(o.text) for o in rendered)]
        return "\n".join(lines), rendered

    def _not_available(self, query: p.Query, lang: str) -> str:
        t = translations(lang)
        detail, missing = query.detail, query.missing or ""
        what = missing
        if detail in ("institution", "region", "survey", "group"):  # named in the lexicon
            what = self.store.first_form(f"unavailable_{detail}/{missing}", lang) or missing
        if detail == "institution":
            bodies = tuple(self.subject_name(TRUST, i, lang) for i in self.catalog.institutions)
            text = t.gettext(
                "The survey has no data on trust in “{what}”. It covers: {list}."
            ).format(what=what, list=list_of(bodies, lang))
        elif detail == "region":
            regions = tuple(self.subject_name(CRIME, r, lang) for r in self.catalog.regions)
            text = t.gettext(
                "No crime figures for “{what}” were published. Available: {list}."
            ).format(what=what, list=list_of(regions, lang))
        elif detail == "survey":
            text = t.gettext(
                "The releases do not publish “{what}”; they give the sample, the ages "
                "covered, the fieldwork dates and the method."
            ).format(what=what)
        elif detail == "group":
            text = t.gettext(
                "The published figures are for the whole adult population, "
                "with no breakdown by “{what}”."
            ).format(what=what)
        elif detail == "trust_by_region":
            text = t.gettext(
                "Trust figures are published for the country as a whole, not by region."
            )
        elif detail == "measure":
            subject = query.subjects[0] if query.subjects else ""
            answers = tuple(
                self.measure_label(TRUST, subject, m, lang)
                for m in self.catalog.measures_of(subject)
            )
            text = t.gettext(
                "For {name} there is no “{measure}” answer. The answers are: {list}."
            ).format(
                name=self.subject_name(TRUST, subject, lang),
                measure=self._neutral_label(missing, lang),
                list=list_of(answers, lang),
            )
        elif detail == "change":
            text = t.gettext(
                "These figures were published for one period only, so there is no change to show."
            )
        elif (
            query.topic in (CRIME, SURVEY)
            and len(self.catalog.topic_waves.get(query.topic, ())) == 1
        ):
            # Published once, with one release: naming survey rounds would suggest
            # the other round has these figures somewhere.
            wave = self.catalog.wave(self.catalog.topic_waves[query.topic][0])
            text = t.gettext(
                "{topic}: published once, on {date}; there are none for “{what}”."
            ).format(
                topic=self.name("topic", query.topic, lang),
                date=long_date(wave.released, lang) if wave else "",
                what=self.wave_label(missing, lang) if self.catalog.wave(missing) else missing,
            )
        else:
            waves = self.catalog.topic_waves.get(query.topic or "", ()) or tuple(
                w.id for w in self.catalog.waves
            )
            labels = tuple(self.wave_label(w, lang) for w in waves)
            text = t.gettext("There is no data for “{what}”. Available: {list}.").format(
                what=self.wave_label(missing, lang) if self.catalog.wave(missing) else missing,
                list=list_of(labels, lang),
            )
        return esc(sentence(text))

    def _survey_info(self, answer: Answer, lang: str) -> str:
        t = translations(lang)
        detail = answer.query.detail
        waves = self.catalog.waves
        if detail == "sources":
            lines = [bold(t.gettext("Sources"))]
            for source in self.store.sources().values():
                lines.append(
                    esc(
                        t.gettext("• {publisher}: “{title}”, {date}. {url}")
                        .format(
                            publisher=self.name("source", source.id, lang),
                            title=source.title,
                            date=long_date(source.published, lang),
                            url=source.url,
                        )
                        .replace(".. ", ". ")  # a date that ends in an abbreviation (2024 г.)
                    )
                )
            return "\n".join(lines)
        if detail == "method":
            term = self.name("glossary", "survey_method", lang)
            lines = [bold(term), esc(self.name("glossary", "survey_method", lang, "definition"))]
            lines += [self._row_line(row, lang) for row in answer.rows]
            lines += ["", esc(self.source_line(answer.sources, lang))]
            return "\n".join(lines)
        if detail == "next_release":
            latest = self.catalog.latest
            if latest.next_release:
                text = t.gettext("The next release is scheduled for {date}.").format(
                    date=long_date(latest.next_release, lang)
                )
            else:
                text = t.gettext(
                    "No date for the next release has been published yet. The latest results "
                    "({wave}) came out on {date}."
                ).format(
                    wave=self.wave_label(latest.id, lang), date=long_date(latest.released, lang)
                )
            return esc(text)
        heading = t.gettext("Survey waves") if detail == "fieldwork" else t.gettext("Releases")
        lines = [bold(heading)]
        for wave in waves:
            lines.append(esc(self._wave_line(wave, lang)))
        return "\n".join(lines)

    def _wave_line(self, wave: Wave, lang: str) -> str:
        t = translations(lang)
        return t.gettext("• {wave}: fieldwork {months}, released on {date}").format(
            wave=self.wave_label(wave.id, lang),
            months=self.wave_label(wave.id, lang, short=True),
            date=long_date(wave.released, lang),
        )

    def _glossary(self, query: p.Query, lang: str) -> str:
        term = query.detail or ""
        source = next((s for ident, s in self.store.glossary_terms() if ident == term), "")
        lines = [
            bold(self.name("glossary", term, lang)),
            esc(self.name("glossary", term, lang, "definition")),
            "",
            esc(self.source_line((source,), lang)),
        ]
        return "\n".join(lines)


def _fit(text: str) -> str:
    """Telegram's 4096-character limit, cut at a line break (never inside a tag)."""
    if len(plain(text)) <= TELEGRAM_LIMIT:
        return text
    lines = text.split("\n")
    while lines and len(plain("\n".join(lines))) > TELEGRAM_LIMIT - 2:
        lines.pop()
    return "\n".join([*lines, "…"])


def _lower_first(label: str) -> str:
    """A label quoted inside a sentence: "Trust" -> "trust", but "KNB" stays."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _upper_first(name: str) -> str:
    """A name that opens a list item: "город Астана" -> "Город Астана"."""
    return name[:1].upper() + name[1:]
