"""The survey's reference records: its waves and the publications figures come from."""

from __future__ import annotations

from typing import NamedTuple


class Wave(NamedTuple):
    id: str
    fieldwork_start: str  # YYYY-MM
    fieldwork_end: str  # YYYY-MM
    released: str | None  # YYYY-MM-DD; None: not known
    next_release: str | None
    source: str
    position: int


class Source(NamedTuple):
    id: str
    kind: str  # official_release | press_report
    published: str | None  # YYYY-MM-DD; None: the source does not show it
    reports_release: str | None
    url: str
    title: str


class Note(NamedTuple):
    """A caveat on published figures (knowledge/notes.yaml): one (topic, wave) it is about,
    narrowed to a subject and a measure when these are not ""."""

    id: str
    topic: str
    wave: str
    subject: str
    measure: str
    same_as: str | None  # a wave these figures repeat as published

    def covers(self, topic: str, subject: str, measure: str, wave: str) -> bool:
        return (
            (self.topic, self.wave) == (topic, wave)
            and self.subject in ("", subject)
            and self.measure in ("", measure)
        )
