"""The shared pieces of every reply, in one language: names, figures, waves, sources.

Every phrase comes from the gettext catalogs (through bot.i18n.Translator), every name
from the store, every number through babel. Intent renderers (bot/intents) compose
these into a Message; nothing here knows a transport.
"""

from __future__ import annotations

import re
import string
from datetime import date
from functools import cached_property, lru_cache

from bot.catalog import Catalog
from bot.i18n import N_, Translator, translator
from bot.model import BEFORE, Figure, Line, Row, Span
from bot.questionnaire import PLACES
from bot.store import Store

SEASONS = {"spring": N_("spring"), "summer": N_("summer"), "autumn": N_("autumn"),
           "winter": N_("winter")}  # fmt: skip
# Month names as they stand in a date that names a noun ("the release of 17 July"),
# in calendar order: one catalog entry, so a language changes the form, not the code.
_QUALIFYING_MONTHS = N_(
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_DOUBLE_STOP = re.compile(r"(?<=\w)\.\.(?!\.)")


def spans(template: str, bold: set[str], **values: object) -> Line:
    """A translated template filled in, the fields named in `bold` as bold spans."""
    line: list[Span] = []
    for literal, field in _pieces(template):
        if literal:
            line.append(Span(literal))
        if field is not None:
            line.append(Span(str(values[field]), bold=field in bold))
    return tuple(line)


@lru_cache(maxsize=256)  # a few dozen templates, filled in for every list item
def _pieces(template: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((literal, field) for literal, field, _, _ in string.Formatter().parse(template))


def sentence(text: str) -> str:
    """Capitalised, and one full stop where an abbreviation ends it (… 2024 г..)."""
    text = _DOUBLE_STOP.sub(".", text)
    return text[:1].upper() + text[1:]


_QUOTE_PAIRS = (("«", "»"), ("“", "”"), ("„", "“"), ('"', '"'))
_OPENING_QUOTES = "".join(opening for opening, _closing in _QUOTE_PAIRS)


def unquoted_field(template: str, field: str, value: str) -> str:
    """The template without its quotation marks around {field} when the value opens
    with its own («"Сенуге болады" деген…» is not quoted twice)."""
    if not value or value[0] not in _OPENING_QUOTES:
        return template
    for opening, closing in _QUOTE_PAIRS:
        template = template.replace(f"{opening}{{{field}}}{closing}", f"{{{field}}}")
    return template


def upper_first(name: str) -> str:
    """A name that opens a list item: "город Астана" -> "Город Астана"."""
    return name[:1].upper() + name[1:]


def lower_first(label: str) -> str:
    """A label quoted inside a sentence: "Distrust in total" -> "distrust in total", but
    "KNB" stays."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


class Phrases:
    """Names, figures, waves and sources in one language (one instance per language)."""

    def __init__(self, store: Store, catalog: Catalog, lang: str) -> None:
        self.store = store
        self.catalog = catalog
        self.lang = lang

    @cached_property
    def t(self) -> Translator:
        # Loaded on first use: a one-shot `senim ask` reads one language's catalog only.
        return translator(self.lang)

    def gettext(self, message: str) -> str:
        return self.t.gettext(message)

    # -- names ---------------------------------------------------------------------------

    def name(self, kind: str, ident: str, form: str = "name") -> str:
        store, lang = self.store, self.lang
        return store.name(kind, ident, lang, form) or store.name(kind, ident, lang) or ident

    def subject(self, subject: str, form: str = "name") -> str:
        """A body, a place or another subject, by the name table its kind uses."""
        return self.name(self.catalog.subject_kinds.get(subject, "subject"), subject, form)

    def topic(self, topic: str | None) -> str:
        return self.name("topic", topic or "")

    def measure(self, topic: str, subject: str, measure: str, form: str = "name") -> str:
        """A measure as the subject's own answer scale words it; form "in_list": as an
        item under the question (scale_question), where the label need not repeat it."""
        if measure in self.catalog.derived:
            return self.name("derived", measure)
        scale = self.catalog.scales.get((topic, subject), "")
        key = f"{scale}:{measure}"
        label = self.store.name("measure_label", key, self.lang, form) if form != "name" else None
        label = label or self.store.name("measure_label", key, self.lang)
        return label or self.neutral_measure(measure)  # a measure its scale lacks

    def range_label(self, figure: Figure) -> str | None:
        """The name of a range that a measure opens ("Respondents' ages" for the youngest
        age), when knowledge/topics.yaml gives it one: its pair is stated as "15–80"."""
        scale = self.catalog.scales.get((figure.topic, figure.subject or ""), figure.topic)
        return self.store.name("measure_label", f"{scale}:{figure.measure}", self.lang, "range")

    def scale_question(self, topic: str, subject: str) -> str | None:
        """The question a subject's answer scale answers, as a breakdown states it once."""
        scale = self.catalog.scales.get((topic, subject), "")
        return self.store.name("scale_question", scale, self.lang, "text")

    def neutral_measure(self, measure: str) -> str:
        """A measure's name across scales: the first scale's wording, or the derived name."""
        if measure in self.catalog.derived:
            return self.name("derived", measure)
        for scale in self.catalog.scale_measures:
            label = self.store.name("measure_label", f"{scale}:{measure}", self.lang)
            if label:
                return label
        return measure

    def row_label(self, figure: Figure) -> str:
        """What a list item names: the place for counts by place, else the measure."""
        if self.catalog.questionnaire.role(figure.topic) == PLACES:
            return self.subject(figure.subject)
        return self.measure(figure.topic, figure.subject, figure.measure)

    def list_of(self, items: tuple[str, ...]) -> str:
        return self.t.list_of(items)

    # -- figures ---------------------------------------------------------------------------

    def value(self, figure: Figure) -> str:
        if figure.unit == "percent":
            return self.t.percent(figure.value)
        if figure.unit == "pp":
            return self.t.number(abs(figure.value), 1)
        return self.t.number(figure.value)

    def total(self, row: Row) -> str:
        """A figure, and for a derived total the sum that makes it."""
        value = self.value(row.figure)
        if not row.parts:
            return value
        return self.gettext("{total} = {parts} (calculated by Senim)").format(
            total=value, parts=" + ".join(self.value(part) for part in row.parts)
        )

    def change(self, change: Figure) -> str:
        if change.value == 0 and self.catalog.repeats(change):
            # Figures a note says were carried over: equal as published, not a finding
            return self.gettext("the same figure as published for {wave}; see the note").format(
                wave=self.wave(change.from_wave or "", short=True)
            )
        pp = self.value(change)
        if change.value > 0:
            return self.gettext("up {pp} pp").format(pp=pp)
        if change.value < 0:
            return self.gettext("down {pp} pp").format(pp=pp)
        return self.gettext("no change")

    def signed(self, change: Figure) -> str:
        """A change in brief, "+0,8" / "−1,5" / "±0": inside a line of several waves."""
        if change.value == 0 and self.catalog.repeats(change):
            return self.gettext("the same, see the note")
        sign = "+" if change.value > 0 else "−" if change.value < 0 else "±"
        return sign + self.value(change)

    def item(self, label: str, value: str) -> Line:
        """ "• Label: **value**"."""
        return spans(
            self.gettext("• {label}: {value}"), {"value"}, label=upper_first(label), value=value
        )

    # -- waves and sources -------------------------------------------------------------------

    def wave(self, wave_id: str, short: bool = False) -> str:
        """ "April–May 2024 survey", or short, "April–May 2024"."""
        wave = self.catalog.wave(wave_id)
        if wave is None:
            return wave_id
        start = date.fromisoformat(wave.fieldwork_start + "-01")
        end = date.fromisoformat(wave.fieldwork_end + "-01")
        names = self.t.months("stand-alone" if short else "format")
        months = names[start.month - 1]
        if end != start:
            months += "–" + names[end.month - 1]
        if short:
            return self.gettext("{months} {year}").format(months=months, year=end.year)
        return self.gettext("{months} {year} survey").format(months=months, year=end.year)

    def date(self, iso: str, *, qualifies: bool = False) -> str:
        """A date in words: "July 17, 2024", «17 июля 2024 г.», «2024 жылғы 17 шілде».

        `qualifies` for a date that names a noun, "the release of 17 July 2024": Kazakh
        puts the month in the locative-attributive form there («2024 жылғы 17
        шілдедегі релизі»), which babel does not have, so the catalog gives the months.
        """
        day = date.fromisoformat(iso)
        if qualifies:
            months = tuple(self.gettext(_QUALIFYING_MONTHS).split("|"))
            pattern = self.gettext("{month} {day}, {year}: a date that names a noun")
        else:
            months = self.t.months("format")
            pattern = self.gettext("{month} {day}, {year}: a date")
        if len(months) != 12:  # a broken catalog entry: babel's own long date
            return self.t.date(iso)
        return pattern.format(month=months[day.month - 1], day=day.day, year=day.year)

    def period(self, asked: str) -> str:
        """A period a question named (bot.nlu.parse.period_asked) or a wave id, in words:
        "autumn 2024", "осень 2024 г.", "2024 жылғы күз"."""
        if self.catalog.wave(asked):
            return self.gettext("the {wave}").format(wave=self.wave(asked))
        if asked.startswith(BEFORE) and self.catalog.wave(asked.removeprefix(BEFORE)):
            return self.gettext("the time before the {wave}").format(
                wave=self.wave(asked.removeprefix(BEFORE))
            )
        years = [w for w in asked.split() if w.isdecimal() and len(w) == 4]
        seasons = [w for w in asked.split() if w in SEASONS]
        months = [int(w) for w in asked.split() if w.isdecimal() and len(w) <= 2]
        year = self.list_of(tuple(years))
        if seasons:
            season = self.list_of(tuple(self.gettext(SEASONS[s]) for s in seasons))
            if not years:
                return season
            return self.gettext("{season} {year}").format(season=season, year=year)
        if months:
            names = self.t.months("stand-alone")
            span = names[months[0] - 1]
            if len(months) > 1:
                span += "–" + names[months[-1] - 1]
            if not years:
                return span
            return self.gettext("{months} {year}").format(months=span, year=year)
        if len(years) > 1:  # "No data for 2019 or 2020", not "the year 2019 and 2020"
            return self.t.either_of(tuple(years))
        return self.gettext("the year {year}").format(year=year) if year else asked

    def source_line(self, source_ids: tuple[str, ...], topic: str | None = None) -> str:
        """ "Source: ...": the publications, and whose data they give when the topic's
        figures are another body's (crimes: the prosecutor's office's statistics)."""
        line = self._source_line(source_ids)
        data_of = self.store.name("topic", topic, self.lang, "data_of") if topic else None
        if not line or not data_of:
            return line
        return sentence(
            self.gettext("Source: {data}, as given in {source}.").format(
                data=data_of, source=self._source_line(source_ids, bare=True)
            )
        )

    def _source_line(self, source_ids: tuple[str, ...], bare: bool = False) -> str:
        sources = self.store.sources()
        parts = []
        for ident in source_ids:
            source = sources.get(ident)
            if source is None:
                continue
            publisher = self.name("source_short", ident)
            if source.published is None:
                # The copy of the release shows no date: the survey it is of, and the link
                wave = next((w for w in self.catalog.waves if w.source == ident), None)
                parts.append(
                    self.gettext(
                        "{publisher}, release of the {wave} (date not known here), {url}"
                    ).format(
                        publisher=publisher,
                        wave=self.wave(wave.id) if wave else source.title,
                        url=source.url,
                    )
                )
                continue
            if source.kind == "press_report" and source.reports_release:
                bureau = next(
                    (
                        self.name("source_short", s.id)
                        for s in sources.values()
                        if s.kind == "official_release"
                    ),
                    "",
                )
                parts.append(
                    self.gettext(
                        "{publisher}, {date}, reporting the {bureau} release of {release}"
                    ).format(
                        publisher=publisher,
                        date=self.date(source.published),
                        bureau=bureau,
                        release=self.date(source.reports_release, qualifies=True),
                    )
                )
            else:
                parts.append(
                    self.gettext("{publisher}, release of {date}").format(
                        publisher=publisher, date=self.date(source.published, qualifies=True)
                    )
                )
        if not parts:
            return ""
        if bare:
            return "; ".join(parts)
        return sentence(self.gettext("Source: {source}.").format(source="; ".join(parts)))

    def examples(self) -> list[str]:
        """Three questions that show what Senim answers (the /start buttons)."""
        return [
            self.gettext("How much do people trust the police?"),
            self.gettext("Which region has the most registered crimes?"),
            self.gettext("How did trust in the courts change?"),
        ]
