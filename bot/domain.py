"""The survey's reference records: its waves and the publications figures come from."""

from __future__ import annotations

from typing import NamedTuple


class Wave(NamedTuple):
    id: str
    fieldwork_start: str  # YYYY-MM
    fieldwork_end: str  # YYYY-MM
    released: str  # YYYY-MM-DD
    next_release: str | None
    source: str
    position: int


class Source(NamedTuple):
    id: str
    kind: str  # official_release | press_report
    published: str
    reports_release: str | None
    url: str
    title: str
