"""The values every stage hands on: what was asked (Query), the figures (Figure, Row,
Answer) and the reply as any transport shows it (Message).

    text -> Features -> Query -> Answer -> Message -> Telegram HTML | terminal text

Query, Figure, Answer and Message are frozen dataclasses; the small records are
NamedTuples, which Python makes in a fifth of the time (~0.7 M instructions against
~3.8 M for a dataclass, measured with callgrind): a one-shot `senim ask` creates every
class it imports, and two dozen dataclasses were a tenth of its start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, NamedTuple

from bot.intents.names import NO_FIGURES, Intent

__all__ = [
    "Answer",
    "Figure",
    "Intent",
    "Lacking",
    "Line",
    "Message",
    "Option",
    "Query",
    "Row",
    "Span",
]

# A period asked before a wave ("the survey before that?" after the first one), as a
# wave problem: "before:<wave id>" (bot.nlu.parse, bot.phrases.Phrases.period)
BEFORE = "before:"


class Lacking(NamedTuple):
    """What is not published: what a not_available reply is about, or (on a query that
    states figures) the part of a two-part question it cannot answer.

    kind: the lexicon's unavailable_<kind> (institution, region, fact; group, offence,
    period), with the entry's id; wave (a period the question named, in canonical words:
    bot.nlu.parse.period_asked); unexplained (the words); instruction; by_region; measure
    and change (these name what the question combined, in Query.subjects and .measure).
    """

    kind: str
    what: str | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """What was asked, in canonical ids; the same value drives answers, buttons and links.

    Each of the last fields belongs to one intent: `info` to survey_info (sources,
    method, next_release, release, fieldwork), `term` to glossary, `group` to
    survey_facts (a fact group of knowledge/questionnaire.yaml), `lacking` to
    not_available (or, on a figure query, the part not published), `asked` to clarify
    (what is asked back about), `options` to clarify and not_available (what is offered).
    """

    intent: Intent
    topic: str | None = None
    subjects: tuple[str, ...] = ()
    measure: str | None = None  # None: the intent's default (the topic's, or every category)
    waves: tuple[str, ...] = ()  # () = the latest wave that has the figures
    waves_named: bool = False  # the question itself named its wave(s)
    order: str | None = None  # "desc" | "asc" for rankings
    info: str | None = None
    term: str | None = None
    group: str | None = None
    lacking: Lacking | None = None
    asked: str | None = None
    options: tuple[Query, ...] = ()
    also: tuple[Query, ...] = ()  # the other part of a question on two topics, answered after
    # The subjects of the answer before, when a follow-up moved on from them ("ал сотқа
    # ше?" after the prosecutor's office): what a bare "compare" then compares with.
    earlier: tuple[str, ...] = ()
    # Queries key the engine's memos, so their hash is asked for on every question:
    # computed once (a dataclass recomputes it from all fields every time).
    _hash: int | None = field(default=None, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        cached = self._hash
        if cached is None:
            cached = hash(tuple(getattr(self, name) for name in QUERY_FIELDS))
            object.__setattr__(self, "_hash", cached)
        return cached

    @property
    def states_figures(self) -> bool:
        return self.intent not in NO_FIGURES


QUERY_FIELDS = tuple(f.name for f in fields(Query) if f.compare)


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure with its provenance: as published (from knowledge/, with the file and
    line that state it) or derived here (a total, a change; never stored)."""

    topic: str
    subject: str
    measure: str
    wave: str
    value: Decimal
    unit: str  # percent | count | years | pp (a change)
    source: str
    derived: bool = False
    from_wave: str | None = None  # a change: the wave it is measured from
    file: str = ""
    line: int = 0

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        # (a change's own wave too: over time, 2023-10 → 2024-10 is not 2024-04 → 2024-10)
        return (self.topic, self.subject, self.measure, self.wave, self.unit, self.from_wave or "")


class Row(NamedTuple):
    """One line of an answer: a figure, with what explains it."""

    figure: Figure
    parts: tuple[Figure, ...] = ()  # a derived total: the published figures it adds
    previous: Figure | None = None  # the same figure in the previous wave
    change: Figure | None = None  # figure minus previous, in percentage points


@dataclass(frozen=True, slots=True)
class Answer:
    query: Query
    rows: tuple[Row, ...] = ()
    wave: str | None = None  # the wave answered (the later one for changes)
    base_wave: str | None = None  # a change: the earlier wave
    sources: tuple[str, ...] = ()
    omitted: tuple[str, ...] = field(default=())  # subjects without the measure (rankings)
    # (subject, measure) asked for whose share the source did not show: said as not known
    unknown: tuple[tuple[str, str], ...] = ()
    # Changes over a whole span (an answer over time: first wave to last, per subject)
    spans: tuple[Figure, ...] = ()
    series: tuple[str, ...] = ()  # an answer over time: its waves, oldest first

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Every figure the reply states, each once, in reading order."""
        seen: set[tuple[str, ...]] = set()
        ordered = []
        for row in self.rows:
            for figure in (row.figure, *row.parts, row.previous, row.change):
                if figure is not None and figure.key not in seen:
                    seen.add(figure.key)
                    ordered.append(figure)
        for figure in self.spans:
            if figure.key not in seen:
                seen.add(figure.key)
                ordered.append(figure)
        return tuple(ordered)

    @property
    def answered_waves(self) -> tuple[str, ...]:
        """The waves the figures are from: what a share link pins."""
        if self.series:
            return self.series
        if self.base_wave and self.wave:
            return (self.base_wave, self.wave)
        return (self.wave,) if self.wave else ()


# -- the reply, for any transport ------------------------------------------------------------


class Span(NamedTuple):
    """A run of text; bold for headings and the figures themselves."""

    text: str
    bold: bool = False


Line = tuple[Span, ...]


class Option(NamedTuple):
    """A choice offered with a reply: a clarifying option or a next step."""

    text: str
    query: Query


@dataclass(frozen=True, slots=True)
class Message:
    """A reply as lines of spans (an empty line separates paragraphs), with what a
    transport may offer under it: options when asking back, next steps, a chart."""

    lines: tuple[Line, ...]
    options: tuple[Option, ...] = ()
    steps: tuple[Option, ...] = ()
    chart: bool = False
    # A transport's renderings of this message (bot.telegram.html), made once: messages
    # are memoised by the engine and shown many times. Not part of its value.
    shown: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, *paragraphs: str | Line, options: tuple[Option, ...] = ()) -> Message:
        """A message of plain lines (strings) and spanned lines."""
        lines = tuple((Span(p),) if isinstance(p, str) else p for p in paragraphs)
        return cls(lines, options=options)

    @property
    def text(self) -> str:
        return "\n".join("".join(span.text for span in line) for line in self.lines)
