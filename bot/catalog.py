"""What the store has, loaded once: waves, subjects, scales, measures per topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain import Wave
from bot.store import Store

TRUST = "trust"
SAFETY = "safety"
REASONS = "insecurity_reason"
CRIME = "crime"
SURVEY = "survey"


@dataclass(frozen=True, slots=True)
class Catalog:
    waves: tuple[Wave, ...]  # oldest first
    institutions: tuple[str, ...]
    regions: tuple[str, ...]
    scales: dict[str, str]  # institution -> scale
    scale_measures: dict[str, tuple[str, ...]]  # in knowledge order
    derived: dict[str, tuple[str, ...]]  # derived measure -> published parts
    topic_waves: dict[str, tuple[str, ...]]
    topic_subject: dict[str, str]  # the single subject of safety/reasons/survey

    @classmethod
    def from_store(cls, store: Store) -> Catalog:
        scales = {i: store.scale_of(TRUST, i) or "" for i in store.subjects(TRUST)}
        return cls(
            waves=store.waves(),
            institutions=store.subjects(TRUST),
            regions=store.subjects(CRIME),
            scales=scales,
            scale_measures={s: store.scale_measures(s) for s in store.scales()},
            derived={k: parts for k, (_t, parts) in store.derived_measures().items()},
            topic_waves={t: store.topic_waves(t) for t in store.topics()},
            topic_subject={t: store.subjects(t)[0] for t in (SAFETY, REASONS, SURVEY)},
        )

    @property
    def latest(self) -> Wave:
        return self.waves[-1]

    def wave(self, wave_id: str) -> Wave | None:
        return next((w for w in self.waves if w.id == wave_id), None)

    def previous(self, wave_id: str) -> Wave | None:
        ids = [w.id for w in self.waves]
        index = ids.index(wave_id) if wave_id in ids else -1
        return self.waves[index - 1] if index > 0 else None

    def measures_of(self, institution: str) -> tuple[str, ...]:
        return self.scale_measures.get(self.scales.get(institution, ""), ())

    def waves_matching(self, years: set[int], months: set[int], by_release: bool) -> list[Wave]:
        """Waves whose fieldwork (or release) falls in the given years and months."""
        found = []
        for wave in self.waves:
            if by_release:
                released = date.fromisoformat(wave.released)
                spans = [(released.year, released.month)]
            else:
                spans = _months_between(wave.fieldwork_start, wave.fieldwork_end)
            if any(
                (not years or year in years) and (not months or month in months)
                for year, month in spans
            ):
                found.append(wave)
        return found


def _months_between(start: str, end: str) -> list[tuple[int, int]]:
    year, month = map(int, start.split("-"))
    last = tuple(map(int, end.split("-")))
    spans = []
    while (year, month) <= last and len(spans) < 24:
        spans.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return spans
