"""The survey's vocabulary as values: waves, sources, published facts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Wave:
    id: str
    fieldwork_start: str  # YYYY-MM
    fieldwork_end: str  # YYYY-MM
    released: str  # YYYY-MM-DD
    next_release: str | None
    source: str
    position: int


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    kind: str  # official_release | press_report
    published: str
    reports_release: str | None
    url: str
    title: str


@dataclass(frozen=True, slots=True)
class Fact:
    """One published observation, exactly as the store holds it."""

    topic: str
    subject: str
    measure: str
    wave: str
    value: Decimal
    unit: str
    source: str
