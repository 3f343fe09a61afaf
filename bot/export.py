"""An answer's figures as CSV, for a journalist to paste into a story without retyping:
`senim ask --csv` and the CSV button under an answer in Telegram.

One row per figure the reply states, in its order: the ids of docs/CONTRACT.md, the
names as the reply language gives them, the value as published (a change in percentage
points; a derived figure marked), and the source with its link. The header is English
(column names are for software); the names are in the reply's language.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.engine import Engine, Reply

COLUMNS = (
    "topic", "subject", "subject_name", "measure", "measure_name", "wave", "wave_name",
    "value", "unit", "derived", "from_wave", "source", "source_name", "source_url", "note",
)  # fmt: skip


def figures_csv(engine: Engine, reply: Reply) -> str:
    """The reply's figures as CSV text (a header and no rows when it states none)."""
    p = engine.phrases[reply.lang]
    sources = engine.store.sources()
    notes = {note.id: note for note in engine.catalog.notes}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for figure in reply.figures:
        source = sources.get(figure.source)
        noted = [
            p.name("note", ident, "text")
            for ident in engine.catalog.notes_on((figure,))
            if ident in notes
        ]
        writer.writerow(
            (
                figure.topic,
                figure.subject,
                p.subject(figure.subject),
                figure.measure,
                p.measure(figure.topic, figure.subject, figure.measure),
                figure.wave,
                p.wave(figure.wave, short=True),
                str(figure.value),  # as published ("66", "3.0"); a change signed
                figure.unit,
                "true" if figure.derived else "false",
                figure.from_wave or "",
                figure.source,
                p.name("source_short", figure.source),
                source.url if source else "",
                " ".join(noted),
            )
        )
    return out.getvalue()
