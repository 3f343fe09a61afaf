"""What the store holds, loaded once: waves, topics and their subjects, scales, measures,
and the questionnaire that reads questions onto them."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from bot.domain import Note, Wave
from bot.model import Figure
from bot.questionnaire import Questionnaire
from bot.store import Store


class Catalog(NamedTuple):
    waves: tuple[Wave, ...]  # oldest first
    topics: tuple[str, ...]
    subjects: dict[str, tuple[str, ...]]  # topic -> its subjects, in knowledge order
    subject_kinds: dict[str, str]  # subject -> institution | region | subject
    scales: dict[tuple[str, str], str]  # (topic, subject) -> answer scale
    scale_measures: dict[str, tuple[str, ...]]  # scale -> measures, in questionnaire order
    derived: dict[str, tuple[str, ...]]  # derived measure -> the published ones it sums
    topic_waves: dict[str, tuple[str, ...]]  # topic -> waves that have its figures
    questionnaire: Questionnaire
    # (topic, subject, measure) -> its published value in the latest wave that has it:
    # to tell which figure a value the user quotes is about
    latest_values: dict[tuple[str, str, str], float]
    notes: tuple[Note, ...]  # caveats on figures (knowledge/notes.yaml)
    # (topic, subject, measure, wave) shares a source did not show: not known
    unpublished: frozenset[tuple[str, str, str, str]]

    @classmethod
    def from_store(cls, store: Store) -> Catalog:
        topics = store.topics()
        subjects = {topic: store.subjects(topic) for topic in topics}
        return cls(
            waves=store.waves(),
            topics=topics,
            subjects=subjects,
            subject_kinds=store.subject_kinds(),
            scales={
                (topic, subject): store.scale_of(topic, subject) or ""
                for topic in topics
                for subject in subjects[topic]
            },
            scale_measures={s: store.scale_measures(s) for s in store.scales()},
            derived={k: parts for k, (_t, parts) in store.derived_measures().items()},
            topic_waves={t: store.topic_waves(t) for t in topics},
            questionnaire=Questionnaire.from_json(store.meta("questionnaire") or "{}"),
            latest_values=_latest_values(store, topics),
            notes=store.notes(),
            unpublished=store.unpublished(),
        )

    # -- waves ---------------------------------------------------------------------------

    @property
    def latest(self) -> Wave:
        return self.waves[-1]

    def wave(self, wave_id: str | None) -> Wave | None:
        return next((w for w in self.waves if w.id == wave_id), None)

    def previous(self, wave_id: str) -> Wave | None:
        ids = [w.id for w in self.waves]
        index = ids.index(wave_id) if wave_id in ids else -1
        return self.waves[index - 1] if index > 0 else None

    def waves_matching(self, years: set[int], months: set[int], by_release: bool) -> list[Wave]:
        """Waves whose fieldwork (or release) falls in the given years and months."""
        found = []
        for wave in self.waves:
            if by_release:
                if wave.released is None:  # a release whose date is not known
                    continue
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

    def not_shown(self, topic: str, subject: str, measure: str, wave: str) -> bool:
        """A share the wave's source did not show, or a total of which it is a part."""
        parts = self.derived.get(measure) or (measure,)
        return any((topic, subject, part, wave) in self.unpublished for part in parts)

    # -- notes -----------------------------------------------------------------------------

    def notes_on(self, figures: tuple[Figure, ...]) -> tuple[str, ...]:
        """The notes on the published figures a reply states (a change is the figures it
        is between, which the reply states too), each once, in knowledge order."""
        found: list[str] = []
        for note in self.notes:
            if note.id in found:
                continue
            if any(
                f.unit != "pp" and note.covers(f.topic, f.subject, f.measure, f.wave)
                for f in figures
            ):
                found.append(note.id)
        return tuple(found)

    def repeats(self, change: Figure) -> str | None:
        """A change between two waves whose figures a note says are repeated as published:
        the note's id (such a change is not a finding)."""
        waves = {change.wave, change.from_wave}
        for note in self.notes:
            if note.same_as and {note.wave, note.same_as} == waves:
                for wave in (change.wave, change.from_wave or ""):
                    if note.covers(change.topic, change.subject, change.measure, wave):
                        return note.id
        return None

    # -- topics and subjects ---------------------------------------------------------------

    def of_role(self, role: str) -> tuple[str | None, tuple[str, ...]]:
        """The topic read in a role (questionnaire.yaml) and its subjects."""
        topic = self.questionnaire.topic(role)
        return topic, self.subjects.get(topic or "", ())

    def sole_subject(self, topic: str | None) -> tuple[str, ...]:
        """A topic's one subject (safety, reasons, survey facts), as a subjects tuple."""
        subjects = self.subjects.get(topic or "", ())
        return subjects[:1] if len(subjects) == 1 else ()

    def measures_of(self, topic: str, subject: str) -> tuple[str, ...]:
        """The answer categories a subject's scale has, in questionnaire order."""
        return self.scale_measures.get(self.scales.get((topic, subject), ""), ())

    def topic_measures(self, topic: str) -> tuple[str, ...]:
        """The categories of a topic whose subjects share one scale."""
        scales = {self.scales[(topic, s)] for s in self.subjects.get(topic, ())}
        return self.scale_measures.get(scales.pop(), ()) if len(scales) == 1 else ()


def _latest_values(store: Store, topics: tuple[str, ...]) -> dict[tuple[str, str, str], float]:
    # (oldest wave first: the latest one stays)
    figures = (f for topic in topics for f in store.facts(topic))
    return {(f.topic, f.subject, f.measure): float(f.value) for f in figures}


def _months_between(start: str, end: str) -> list[tuple[int, int]]:
    year, month = map(int, start.split("-"))
    last = tuple(map(int, end.split("-")))
    spans: list[tuple[int, int]] = []
    while (year, month) <= last and len(spans) < 24:
        spans.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return spans
