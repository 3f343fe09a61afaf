"""What a build changes: the store being replaced against the one just written.

`senim build` prints it (report) so a maintainer reads it before deploying: waves,
sources and figures added, changed and removed, and how other tables moved. Both stores
are opened read-only with sqlite3. The old one may be missing, of an older schema or
not a store at all: only what both stores have is compared, and comparing never raises
(a store that cannot be read is a one-line status, and the build goes on).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

# The tables compared row by row; every other one is compared as a multiset of rows.
WAVES, SOURCES, OBSERVATIONS, META = "waves", "sources", "observations", "meta"
FIGURE_KEY = ("topic", "subject", "measure", "wave")
# Meta entries that differ on every build (built_at), say where it was built from, or
# are derived from tables compared as such (the lexicon's snapshot).
META_IGNORED = frozenset({"built_at", "knowledge_dir", "lexicon_snapshot"})

Status = Literal["first", "unreadable", "not_compared", "compared"]


class FieldChange(NamedTuple):
    field: str
    old: object
    new: object


class RowChange(NamedTuple):
    """A wave or a source whose id is in both stores, and the fields that differ."""

    id: str
    fields: tuple[FieldChange, ...]


class Changes(NamedTuple):
    """Waves or sources, by id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[RowChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


class StoredFigure(NamedTuple):
    """An observation as a store holds it (value as published)."""

    topic: str
    subject: str
    measure: str
    wave: str
    value: str
    unit: str | None = None
    source: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.topic, self.subject, self.measure, self.wave)

    @property
    def label(self) -> str:
        return f"{self.topic}/{self.subject}/{self.measure} {self.wave}"

    @property
    def where(self) -> str | None:
        if not self.file:
            return None
        return f"{self.file}:{self.line}" if self.line else self.file


class FigureChange(NamedTuple):
    old: StoredFigure
    new: StoredFigure
    fields: tuple[str, ...]  # of value, unit, source


class FigureChanges(NamedTuple):
    added: tuple[StoredFigure, ...] = ()
    removed: tuple[StoredFigure, ...] = ()
    changed: tuple[FigureChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


NO_CHANGES, NO_FIGURE_CHANGES = Changes(), FigureChanges()  # immutable: safe as defaults


class TableChange(NamedTuple):
    """Any other table: rows added and removed (a changed row is one of each); a table
    only in the new store is all added, one only in the old store all removed."""

    table: str
    added: int
    removed: int
    state: Literal["changed", "new", "gone"] = "changed"


@dataclass(frozen=True)
class StoreDiff:
    """The store at `path` (before the build) against the new one.

    status: "first" (no store there), "unreadable" (a file that is not a readable
    store; `reason` says why), "not_compared" (the comparison itself failed; `reason`),
    or "compared". `notes` name what an older schema kept from being compared.
    """

    path: Path
    status: Status
    reason: str = ""
    built_at: str | None = None
    waves: Changes = NO_CHANGES
    sources: Changes = NO_CHANGES
    figures: FigureChanges = NO_FIGURE_CHANGES
    tables: tuple[TableChange, ...] = ()
    meta: tuple[str, ...] = ()  # meta keys whose value differs (e.g. questionnaire)
    notes: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return self.status == "compared" and not (
            self.waves or self.sources or self.figures or self.tables or self.meta
        )


# -- comparing ----------------------------------------------------------------------------


class _Unreadable(Exception):
    pass


class _Db:
    """A store opened read-only, with its tables and their columns."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise _Unreadable("it is not a file")
        if path.stat().st_size == 0:
            raise _Unreadable("it is empty")
        uri = f"{path.resolve().as_uri()}?mode=ro"
        self.conn = sqlite3.connect(uri, uri=True)
        try:
            names = self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
            self.columns: dict[str, tuple[str, ...]] = {
                name: tuple(
                    row[1] for row in self.conn.execute(f"PRAGMA table_info({_quote(name)})")
                )
                for (name,) in names
            }
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def rows(self, table: str, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
        select = f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(table)}"
        try:
            return self.conn.execute(f"{select} ORDER BY rowid").fetchall()
        except sqlite3.OperationalError:  # a WITHOUT ROWID table: in key order
            return self.conn.execute(select).fetchall()

    def meta(self) -> dict[str, Any]:
        if not {"key", "value"} <= set(self.columns.get(META, ())):
            return {}
        return dict(self.rows(META, ("key", "value")))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def compare_stores(old_path: Path, new_path: Path) -> StoreDiff:
    """The store at old_path (about to be replaced) against the one at new_path; never
    raises: what cannot be compared is the diff's status and reason."""
    path = old_path
    if not old_path.exists():
        return StoreDiff(path, "first")
    try:
        old = _Db(old_path)
    except _Unreadable as error:
        return StoreDiff(path, "unreadable", str(error))
    except sqlite3.Error as error:
        return StoreDiff(path, "unreadable", _sqlite_reason(error))
    except OSError as error:
        return StoreDiff(path, "unreadable", f"it cannot be opened ({error.strerror or error})")
    try:
        with closing(old):
            if not {WAVES, SOURCES, OBSERVATIONS} & set(old.columns):
                return StoreDiff(path, "unreadable", "it is not a Senim store")
            with closing(_Db(new_path)) as new:
                return _compare(path, old, new)
    except sqlite3.Error as error:
        return StoreDiff(path, "unreadable", _sqlite_reason(error))
    except Exception as error:  # a bug here must not fail a build that succeeded
        first = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return StoreDiff(path, "not_compared", f"the comparison failed ({first})")


def _sqlite_reason(error: sqlite3.Error) -> str:
    text = str(error)
    if "not a database" in text:
        return "it is not an SQLite database"
    if "malformed" in text:
        return "it is damaged (the database disk image is malformed)"
    return f"SQLite could not read it ({text.splitlines()[0][:200] if text else 'error'})"


def _compare(path: Path, old: _Db, new: _Db) -> StoreDiff:
    notes: list[str] = []
    old_meta, new_meta = old.meta(), new.meta()
    old_version, new_version = old_meta.get("schema_version"), new_meta.get("schema_version")
    if old_version != new_version:
        notes.append(
            f"the old store has schema version {old_version or 'unknown'}, this one "
            f"{new_version or 'unknown'}: only what both have is compared"
        )
    meta = tuple(
        sorted(
            key
            for key in (set(old_meta) | set(new_meta)) - META_IGNORED - {"schema_version"}
            if old_meta.get(key) != new_meta.get(key)
        )
    )
    built_at = old_meta.get("built_at")
    return StoreDiff(
        path,
        "compared",
        built_at=str(built_at) if built_at is not None else None,
        waves=_compare_by_id(old, new, WAVES, notes),
        sources=_compare_by_id(old, new, SOURCES, notes),
        figures=_compare_figures(old, new, notes),
        tables=_compare_other_tables(old, new),
        meta=meta,
        notes=tuple(notes),
    )


def _common(old: _Db, new: _Db, table: str, notes: list[str]) -> tuple[str, ...] | None:
    """The columns both stores' table has (in the new store's order), or None (noted)."""
    if table not in old.columns or table not in new.columns:
        which = "old" if table not in old.columns else "new"
        notes.append(f"{table} not compared: the {which} store has no {table} table")
        return None
    old_columns = set(old.columns[table])
    common = tuple(c for c in new.columns[table] if c in old_columns)
    only = sorted(set(new.columns[table]) ^ old_columns)
    if only:
        notes.append(f"{table}: column(s) {', '.join(only)} in one store only, not compared")
    return common


def _compare_by_id(old: _Db, new: _Db, table: str, notes: list[str]) -> Changes:
    common = _common(old, new, table, notes)
    if common is None:
        return Changes()
    if "id" not in common:
        notes.append(f"{table} not compared: no id column in both stores")
        return Changes()
    fields = tuple(c for c in common if c != "id")
    columns = ("id", *fields)
    before = {row[0]: row[1:] for row in old.rows(table, columns)}
    after = {row[0]: row[1:] for row in new.rows(table, columns)}
    changed = []
    for ident, values in after.items():
        if ident in before and before[ident] != values:
            differing = tuple(
                FieldChange(field, was, now)
                for field, was, now in zip(fields, before[ident], values, strict=True)
                if was != now
            )
            changed.append(RowChange(str(ident), differing))
    return Changes(
        added=tuple(str(i) for i in after if i not in before),
        removed=tuple(str(i) for i in before if i not in after),
        changed=tuple(changed),
    )


def _compare_figures(old: _Db, new: _Db, notes: list[str]) -> FigureChanges:
    common = _common(old, new, OBSERVATIONS, notes)
    if common is None:
        return FigureChanges()
    if not set(FIGURE_KEY) <= set(common):
        notes.append("observations not compared: their key columns differ between the stores")
        return FigureChanges()
    # The value as published; a store without value_text can still be compared by value.
    value = "value_text" if "value_text" in common else "value" if "value" in common else None
    optional = ("unit", "source", "file", "line")
    before = _figures(old, value, common, optional)
    after = _figures(new, value, common, optional)
    compared = (*(("value",) if value else ()), *(f for f in ("unit", "source") if f in common))
    changed = []
    for key, figure in after.items():
        was = before.get(key)
        if was is None:
            continue
        differing = tuple(f for f in compared if getattr(was, f) != getattr(figure, f))
        if differing:
            changed.append(FigureChange(was, figure, differing))
    return FigureChanges(
        added=tuple(f for k, f in after.items() if k not in before),
        removed=tuple(f for k, f in before.items() if k not in after),
        changed=tuple(changed),
    )


def _figures(
    db: _Db, value: str | None, common: tuple[str, ...], optional: tuple[str, ...]
) -> dict[tuple[str, str, str, str], StoredFigure]:
    present = tuple(c for c in optional if c in common)
    columns = (*FIGURE_KEY, *((value,) if value else ()), *present)
    figures = {}
    for row in db.rows(OBSERVATIONS, columns):
        named = dict(zip(columns, row, strict=True))
        topic, subject, measure, wave = (str(named[c]) for c in FIGURE_KEY)
        figure = StoredFigure(
            topic,
            subject,
            measure,
            wave,
            value=_text(named[value]) if value else "",
            unit=named.get("unit"),
            source=named.get("source"),
            file=named.get("file"),
            line=named.get("line"),
        )
        figures[figure.key] = figure
    return figures


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare_other_tables(old: _Db, new: _Db) -> tuple[TableChange, ...]:
    handled = {WAVES, SOURCES, OBSERVATIONS, META}
    changes = []
    for table in [*new.columns, *(t for t in old.columns if t not in new.columns)]:
        if table in handled:
            continue
        if table not in old.columns:
            count = new.conn.execute(f"SELECT COUNT(*) FROM {_quote(table)}").fetchone()[0]
            changes.append(TableChange(table, int(count), 0, "new"))
            continue
        if table not in new.columns:
            count = old.conn.execute(f"SELECT COUNT(*) FROM {_quote(table)}").fetchone()[0]
            changes.append(TableChange(table, 0, int(count), "gone"))
            continue
        columns = tuple(c for c in new.columns[table] if c in set(old.columns[table]))
        if not columns:
            continue
        before, after = Counter(old.rows(table, columns)), Counter(new.rows(table, columns))
        added, removed = sum((after - before).values()), sum((before - after).values())
        if added or removed:
            changes.append(TableChange(table, added, removed))
    return tuple(changes)


# -- the report ---------------------------------------------------------------------------

MINUS, ARROW = "−", "→"


def report(diff: StoreDiff, *, verbose: bool = False, check: bool = False) -> list[str]:
    """The lines `senim build` prints: one line when there is nothing to compare with;
    else a heading, a line for waves, sources and figures, and every changed and removed
    figure on its own line (added ones too, when verbose)."""
    if diff.status == "first":
        return ["No store to compare with (first build)."]
    if diff.status == "unreadable":
        return [
            f"The store {'a build would replace' if check else 'it replaces'} ({diff.path}) "
            f"could not be read ({diff.reason}): nothing to compare with."
        ]
    if diff.status == "not_compared":
        return [f"Not compared with the store at {diff.path}: {diff.reason}."]
    built = f", built {diff.built_at}" if diff.built_at else ""
    verb = "a build would replace" if check else "it replaces"
    lines = [f"Against the store {verb} ({diff.path}{built}):"]
    lines += [f"  ({note})" for note in diff.notes]
    if diff.unchanged:
        return [*lines, "  No changes."]
    lines.append(f"  waves: {_ids(diff.waves)}")
    lines += _field_lines(diff.waves)
    lines.append(f"  sources: {_ids(diff.sources)}")
    lines += _field_lines(diff.sources)
    figures = diff.figures
    lines.append(
        f"  figures: + {len(figures.added)}{_by_topic_and_wave(figures.added)}, "
        f"~ {len(figures.changed)}, {MINUS} {len(figures.removed)}"
    )
    for change in figures.changed:
        lines.append(f"    ~ {change.old.label}: {_changed(change)}{_at(change.new)}")
    for figure in figures.removed:
        where = f" (was {figure.where})" if figure.where else ""
        lines.append(f"    {MINUS} {figure.label}: {_value(figure)}{where}")
    if verbose:
        for figure in figures.added:
            lines.append(f"    + {figure.label}: {_value(figure)}{_at(figure)}")
    other = [_table(change) for change in diff.tables]
    other += [f"{key} (meta) changed" for key in diff.meta]
    if other:
        lines.append(f"  other: {', '.join(other)}")
    return lines


def _ids(changes: Changes) -> str:
    parts = []
    if changes.added:
        parts.append("+ " + ", ".join(changes.added))
    if changes.changed:
        parts.append(
            "~ "
            + ", ".join(f"{c.id} ({', '.join(f.field for f in c.fields)})" for c in changes.changed)
        )
    if changes.removed:
        parts.append(f"{MINUS} " + ", ".join(changes.removed))
    return "; ".join(parts) or "no changes"


def _field_lines(changes: Changes) -> list[str]:
    return [
        f"    ~ {change.id} {field.field}: {_shown(field.old)} {ARROW} {_shown(field.new)}"
        for change in changes.changed
        for field in change.fields
    ]


def _shown(value: object) -> str:
    return "(none)" if value is None or value == "" else str(value)


def _by_topic_and_wave(figures: tuple[StoredFigure, ...]) -> str:
    if not figures:
        return ""
    groups = Counter(f"{f.topic} {f.wave}" for f in figures)
    return " (" + ", ".join(f"{group}: {n}" for group, n in groups.items()) + ")"


def _value(figure: StoredFigure) -> str:
    return f"{figure.value} {figure.unit}" if figure.unit else figure.value


def _changed(change: FigureChange) -> str:
    old, new = change.old, change.new
    if "unit" in change.fields:
        text = f"{_value(old)} {ARROW} {_value(new)}"
    elif "value" in change.fields:
        text = f"{old.value} {ARROW} {_value(new)}"
    else:
        text = _value(new)
    if "source" in change.fields:
        text += f"; source {_shown(old.source)} {ARROW} {_shown(new.source)}"
    return text


def _at(figure: StoredFigure) -> str:
    return f" ({figure.where})" if figure.where else ""


def _table(change: TableChange) -> str:
    if change.state == "new":
        return f"{change.table} new ({_rows(change.added)})"
    if change.state == "gone":
        return f"{change.table} gone (had {_rows(change.removed)})"
    parts = [f"+{change.added}"] if change.added else []
    parts += [f"{MINUS}{change.removed}"] if change.removed else []
    return f"{change.table} {' '.join(parts)}"


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
