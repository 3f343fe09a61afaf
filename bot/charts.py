"""PNG bar and line charts for Telegram sendPhoto, rendered headless and cached by spec.

Every word and number on a chart comes from the caller, already in the reply
language and formatted for its locale: this module only lays them out.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import sys
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # only for annotations: importing matplotlib costs start-up time and memory
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.text import Annotation, Text

KINDS = ("bars", "change", "trend")
LEGEND_PAIR_CHARS = 30  # a change chart's two wave names, side by side, within the bars
MAX_LABELS = 40  # beyond this a chart stops being readable on a phone (and grows too tall)
MAX_SERIES = 6  # trend lines: beyond this colours and markers are no longer told apart
MAX_POINTS = 10  # trend waves: beyond this their names no longer fit under the axis

# DejaVu Sans ships inside matplotlib and covers Cyrillic plus әғқңөұүһі.
FONT = "DejaVu Sans"
# Okabe-Ito palette: distinguishable with every common colour-vision deficiency,
# and the two "change" colours also differ in lightness, so they survive greyscale.
COLOR_BAR = "#0072B2"
COLOR_BEFORE = "#E69F00"
COLOR_AFTER = "#0072B2"
COLOR_TEXT = "#222222"
COLOR_MUTED = "#666666"
COLOR_GRID = "#DDDDDD"
# Trend lines: Okabe-Ito without yellow (too faint on white) and sky blue (too close to
# blue). Each line also has its own marker, so the lines stay apart in greyscale too.
TREND_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#000000")
# The same hues darkened to a 4.5:1 contrast on white, for the value texts.
TREND_TEXT_COLORS = ("#0072B2", "#C25600", "#008662", "#A36186", "#9C6C00", "#000000")
TREND_MARKERS = ("o", "s", "^", "D", "v", "X")

SIZE_LABEL_PT, SIZE_FOOTNOTE_PT, SIZE_TITLE_PT = 14, 10, 17
DPI = 125
WIDTH_IN = 8.0  # 1000 px at DPI: sharp on phones without a heavy upload
MIN_HEIGHT_IN = 4.8  # 600 px
FIGURE_MARGIN = 0.02  # share of the width left blank at each side for title and footnote
CHROME_IN = 1.9  # title, legend, axis and footnote, whatever the number of rows
ROW_IN = {"bars": 0.5, "change": 0.85}
LABEL_LINE_IN = SIZE_LABEL_PT * 1.25 / 72  # one line of a bar's label
ROW_GAP_IN = 0.12  # between the tallest labels of neighbouring rows
FOOTNOTE_LINE_IN = SIZE_FOOTNOTE_PT * 1.3 / 72
TITLE_LINE_IN = SIZE_TITLE_PT * 1.3 / 72
CHROME_FOOTNOTE_LINES = 3  # footnote lines CHROME_IN has room for
CHROME_TITLE_LINES = 2
MAX_BARS_HEIGHT_IN = 12.0  # 1500 px: a ceiling for the longest notes
MIN_SLOTS = 3  # rows' worth of height the plot keeps even with fewer labels
MAX_HEIGHT_IN = 7.2  # 900 px: a trend chart's ceiling, whatever its legend and footnote
TREND_PLOT_PX = 430  # the trend plot's own height; title, legend and footnote come on top

LABEL_WRAP = 22  # characters; keeps the label column near a third of the width
LABEL_MAX_LINES = 4
TITLE_WRAP = 48  # bold and larger than the labels
FOOTNOTE_WRAP = 90

SIZE_TITLE = SIZE_TITLE_PT
SIZE_LABEL = SIZE_LABEL_PT
SIZE_VALUE = 13
SIZE_LEGEND = 13
SIZE_TICK = 11
SIZE_POINT = 12  # wave names under a trend chart: content, not just a scale
SIZE_MIN_POINT = 8  # wave names shrink to this at most before they may touch
SIZE_FOOTNOTE = SIZE_FOOTNOTE_PT


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """Everything a chart shows; hashable, so it doubles as the cache key."""

    # "bars": one value per label | "change": before and after per label |
    # "trend": one line per label across points (waves)
    kind: str
    title: str  # already in the reply language
    labels: tuple[str, ...]  # display order, top to bottom; "trend": legend names, 1 to 6
    values: tuple[float, ...]  # "bars": the values; "change": the AFTER values; "trend": ()
    value_texts: tuple[str, ...]  # locale-formatted numbers printed at bar ends; "trend": ()
    footnote: str  # source line, small at the bottom
    before: tuple[float, ...] = ()  # "change" only
    before_texts: tuple[str, ...] = ()  # "change" only
    series: tuple[str, str] = ("", "")  # "change" only: legend names (before, after)
    percent_axis: bool = True  # value axis from 0 to 100; False: 0 to max*1.15 (counts)
    points: tuple[str, ...] = ()  # "trend" only: the x axis (wave names), oldest first, 2+
    # "trend" only: grid[label][point]; nan (or None) where a series has no figure for a wave
    grid: tuple[tuple[float, ...], ...] = ()
    grid_texts: tuple[tuple[str, ...], ...] = ()  # "trend" only: grid formatted, "" where nan
    note: str = ""  # every kind: a small line above the footnote (a caveat); "" for none

    def __post_init__(self) -> None:
        # Callers hold Decimals and lists; normalising here keeps specs hashable and
        # makes equal charts equal keys (Decimal("61.6") != 61.6 would split the cache).
        for name in ("labels", "value_texts", "before_texts", "series", "points"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("values", "before"):
            object.__setattr__(self, name, _floats(name, getattr(self, name)))
        object.__setattr__(self, "grid", _grid(self.grid))
        object.__setattr__(self, "grid_texts", _text_rows(self.grid_texts))
        _validate(self)


def _floats(name: str, numbers: Any) -> tuple[float, ...]:
    try:
        return tuple(float(number) for number in numbers)
    except (TypeError, ValueError) as error:
        raise ValueError(f"chart {name} must be numbers: {error}") from None


def _rows(name: str, rows: Any) -> list[list[Any]]:
    try:
        if isinstance(rows, str):
            raise TypeError("a string is not a sequence of rows")
        listed = list(rows)
        if any(isinstance(row, str) for row in listed):
            raise TypeError("a string is not a row")
        return [list(row) for row in listed]
    except TypeError as error:
        raise ValueError(f"chart {name} must be rows, one per label: {error}") from None


def _grid(rows: Any) -> tuple[tuple[float, ...], ...]:
    # Every missing figure (nan or None) becomes the one math.nan object: nan != nan, but
    # tuples compare items by identity first, so two specs with the same gaps stay equal
    # (and hash alike) as cache keys.
    return tuple(
        tuple(
            math.nan if math.isnan(value) else value
            for value in _floats("grid", [math.nan if item is None else item for item in row])
        )
        for row in _rows("grid", rows)
    )


def _text_rows(rows: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in _rows("grid_texts", rows))


def _validate(spec: ChartSpec) -> None:
    if spec.kind not in KINDS:
        raise ValueError(f"chart kind must be one of {KINDS}, not {spec.kind!r}")
    count = len(spec.labels)
    if count == 0:
        raise ValueError("chart has no labels")
    if count > MAX_LABELS:
        raise ValueError(f"chart has {count} labels; at most {MAX_LABELS} stay readable")
    for index, label in enumerate(spec.labels):
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"chart label {index} is blank")
    for name in ("title", "footnote", "note"):
        if not isinstance(getattr(spec, name), str):
            raise ValueError(f"chart {name} must be a string")
    if spec.kind == "trend":
        _check_trend(spec)
        return
    if spec.points or spec.grid or spec.grid_texts:
        raise ValueError(f"points/grid/grid_texts belong to trend charts only, not {spec.kind}")
    _check_series(spec, "values", spec.values, "value_texts", spec.value_texts)
    if spec.kind == "change":
        _check_series(spec, "before", spec.before, "before_texts", spec.before_texts)
        if len(spec.series) != 2 or not all(isinstance(s, str) and s.strip() for s in spec.series):
            raise ValueError("a change chart needs two legend names in series (before, after)")
    elif spec.before or spec.before_texts:
        raise ValueError("before/before_texts belong to change charts only, not bars")


def _check_series(
    spec: ChartSpec, name: str, values: tuple[float, ...], texts_name: str, texts: tuple[str, ...]
) -> None:
    count = len(spec.labels)
    if len(values) != count:
        raise ValueError(f"chart has {count} labels but {len(values)} {name}")
    if len(texts) != count:
        raise ValueError(f"chart has {count} labels but {len(texts)} {texts_name}")
    for index, value in enumerate(values):
        if not math.isfinite(value):
            raise ValueError(f"chart {name}[{index}] is not a finite number: {value}")
        if value < 0:
            raise ValueError(f"chart {name}[{index}] is negative ({value}); bars start at 0")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"chart {texts_name}[{index}] must be a string")


def _check_trend(spec: ChartSpec) -> None:
    if spec.values or spec.value_texts or spec.before or spec.before_texts:
        raise ValueError(
            "a trend chart takes its figures from grid and grid_texts: "
            "values, value_texts, before and before_texts must be empty"
        )
    count, points = len(spec.labels), len(spec.points)
    if count > MAX_SERIES:
        raise ValueError(f"trend chart has {count} labels; at most {MAX_SERIES} lines stay apart")
    if points < 2:
        raise ValueError(f"a trend chart needs at least 2 points, not {points}")
    if points > MAX_POINTS:
        raise ValueError(f"trend chart has {points} points; at most {MAX_POINTS} stay readable")
    for index, name in enumerate(spec.points):
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"chart point {index} is blank")
    for name, rows in (("grid", spec.grid), ("grid_texts", spec.grid_texts)):
        if len(rows) != count:
            raise ValueError(f"chart has {count} labels but {len(rows)} {name} rows")
        for index, row in enumerate(rows):
            if len(row) != points:
                raise ValueError(
                    f"chart has {points} points but {name}[{index}] has {len(row)} entries"
                )
    for index, (row, row_texts) in enumerate(zip(spec.grid, spec.grid_texts, strict=True)):
        for point, (value, text) in enumerate(zip(row, row_texts, strict=True)):
            at = f"[{index}][{point}]"
            if not isinstance(text, str):
                raise ValueError(f"chart grid_texts{at} must be a string")
            if math.isnan(value):
                if text.strip():
                    raise ValueError(
                        f"chart grid{at} is nan (no figure) but grid_texts{at} is {text!r}"
                    )
                continue
            if math.isinf(value):
                raise ValueError(f"chart grid{at} is not a finite number: {value}")
            if value < 0:
                raise ValueError(f"chart grid{at} is negative ({value}); the axis starts at 0")
    if all(math.isnan(value) for row in spec.grid for value in row):
        raise ValueError("trend chart has no finite value: every grid entry is nan")
    for index, row in enumerate(spec.grid):
        if all(math.isnan(value) for value in row):
            raise ValueError(f"trend series {index} ({spec.labels[index]!r}) has no finite value")


# A number keeps the abbreviation after it ("2024 г.", "2024 ж."): no line may end in
# "2024" with "г." starting the next.
_YEAR_GLUE = re.compile(r"(?<=\d)[ \t]+(?=\w{1,3}\.(?!\w))")
NBSP = "\u00a0"  # textwrap never breaks at it


def _wrap(text: str, width: int, max_lines: int | None = None) -> str:
    glued = _YEAR_GLUE.sub(NBSP, text)
    lines = textwrap.wrap(glued, width=width, max_lines=max_lines, placeholder=" …")
    return "\n".join(lines).replace(NBSP, " ") if lines else text


# Matplotlib does not promise thread safety even across separate figures (font and
# text-layout caches are shared); renders are CPU-bound anyway, so serialising costs little.
_RENDER_LOCK = threading.Lock()


def render_png(spec: ChartSpec) -> bytes:
    """The chart as PNG bytes; the same spec always gives the same bytes."""
    _validate(spec)  # cheap; catches a spec altered after construction (object.__setattr__)
    # Imported here, not at module level, so the bot pays for matplotlib only on
    # the first chart. Agg is selected before anything could pull in pyplot.
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        # Headless before pyplot can ever pick a GUI backend; if something already
        # imported pyplot, leave its choice alone (switching closes its figures), since
        # this module draws through FigureCanvasAgg directly anyway.
        matplotlib.use("Agg")
    with _RENDER_LOCK:
        figure = drawn_figure(spec)
        buffer = io.BytesIO()
        # No "Software" chunk (it carries the matplotlib version): identical specs
        # give identical bytes, whatever matplotlib built them.
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def drawn_figure(spec: ChartSpec) -> Figure:
    """The chart as a matplotlib Figure, drawn; the caller holds _RENDER_LOCK (tests
    measure its texts: labels that overlap, a legend past the edge)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    if spec.kind == "trend":
        labels = list(spec.labels)  # legend entries, wrapped once the columns are known
        height = MAX_HEIGHT_IN  # provisional, roomy: _draw_trend measures what it needs
    else:
        labels = [_wrap(label, LABEL_WRAP, LABEL_MAX_LINES) for label in spec.labels]
        height = min(MAX_BARS_HEIGHT_IN, max(MIN_HEIGHT_IN, _bars_height(spec, labels)))
    # Object-oriented API only: pyplot's global "current figure" would be shared
    # between concurrent renders and never freed.
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    # A margin so the longest label and the last value do not touch the image edge.
    layout = figure.get_layout_engine()
    if isinstance(layout, ConstrainedLayoutEngine):
        layout.set(w_pad=0.15, h_pad=0.12)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if spec.kind == "trend":
        _draw_trend(figure, axes, spec)
    else:
        _draw(axes, spec, labels)
        _decorate(figure, axes, spec, labels)
    return figure


def _bars_height(spec: ChartSpec, labels: list[str]) -> float:
    """Inches that hold every row and the text around them. Rows are evenly spaced, so
    each gets the room of the tallest label: with less, a three-line label ("Feel safe
    in total (completely and enough)") ran into its neighbours. Notes and footnotes
    longer than the chrome allows for take their own room, not the rows'."""
    tallest = max((label.count("\n") + 1 for label in labels), default=1)
    row = max(ROW_IN[spec.kind], tallest * LABEL_LINE_IN + ROW_GAP_IN)
    bottom = _bottom_text(spec)
    footnote_lines = bottom.count("\n") + 1 if bottom else 0
    title_lines = _wrap(spec.title, TITLE_WRAP).count("\n") + 1
    return (
        CHROME_IN
        + row * len(labels)
        + FOOTNOTE_LINE_IN * max(0, footnote_lines - CHROME_FOOTNOTE_LINES)
        + TITLE_LINE_IN * max(0, title_lines - CHROME_TITLE_LINES)
    )


def _bottom_text(spec: ChartSpec) -> str:
    """The note and the source line under the plot, wrapped."""
    parts = [_wrap(text, FOOTNOTE_WRAP) for text in (spec.note, spec.footnote) if text.strip()]
    return "\n".join(parts)


def _draw(axes: Axes, spec: ChartSpec, labels: list[str]) -> None:
    rows = range(len(labels))
    if spec.kind == "bars":
        axes.barh(rows, spec.values, height=0.62, color=COLOR_BAR)
        for row, value, value_text in zip(rows, spec.values, spec.value_texts, strict=True):
            _value_label(axes, value, row, value_text, COLOR_TEXT, "bold")
        return
    half = 0.38  # two bars per group, with a gap between groups
    before_rows = [row - half / 2 for row in rows]
    after_rows = [row + half / 2 for row in rows]
    axes.barh(before_rows, spec.before, height=half, color=COLOR_BEFORE, label=spec.series[0])
    axes.barh(after_rows, spec.values, height=half, color=COLOR_AFTER, label=spec.series[1])
    for at, value, value_text in zip(before_rows, spec.before, spec.before_texts, strict=True):
        _value_label(axes, value, at, value_text, COLOR_MUTED, "normal")
    for at, value, value_text in zip(after_rows, spec.values, spec.value_texts, strict=True):
        _value_label(axes, value, at, value_text, COLOR_TEXT, "bold")
    # Side by side when both wave names fit over the bars; else one above the other:
    # anchored to the bars' axis, a long pair ("2024 ж. сәуір–мамыр", "2024 ж.
    # қазан–қараша") ran past the image's right edge.
    side_by_side = sum(len(name) for name in spec.series) <= LEGEND_PAIR_CHARS
    legend = axes.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=2 if side_by_side else 1,
        frameon=False,
        borderaxespad=0.2,
        handlelength=1.2,
        prop={"family": FONT, "size": SIZE_LEGEND},
    )
    for legend_text in legend.get_texts():
        legend_text.set_parse_math(False)  # a "$" in a wave name must stay literal


def _value_label(
    axes: Axes, value: float, row: float, value_text: str, color: str, weight: str
) -> None:
    # Offset in points, not data units, so the gap to the bar end is the same on every scale.
    axes.annotate(
        value_text,
        xy=(value, row),
        xytext=(5, 0),
        textcoords="offset points",
        fontsize=SIZE_VALUE,
        color=color,
        fontweight=weight,
        fontfamily=FONT,
        parse_math=False,  # caller text is literal: "$" must not switch to mathtext
        va="center",
        ha="left",
    )


def _decorate(figure: Figure, axes: Axes, spec: ChartSpec, labels: list[str]) -> None:
    highest = max(spec.values + spec.before)
    axes.set_yticks(
        range(len(labels)),
        labels,
        fontfamily=FONT,
        fontsize=SIZE_LABEL,
        color=COLOR_TEXT,
        parse_math=False,
    )
    # Inverted, so the first label is on top; with few labels, pad to MIN_SLOTS rows
    # so two bars do not swell into slabs filling the whole picture.
    pad = max(0, MIN_SLOTS - len(labels)) / 2
    axes.set_ylim(len(labels) - 0.5 + pad, -0.5 - pad)
    axes.tick_params(axis="y", length=0, pad=8)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(COLOR_MUTED)
    axes.spines["left"].set_bounds(len(labels) - 0.5, -0.5)  # the baseline spans bars, not padding

    axes.set_xlim(0, _value_axis(axes, "x", spec.percent_axis, highest))
    _title_and_footnote(figure, spec)


def _title_and_footnote(figure: Figure, spec: ChartSpec) -> None:
    font = {"fontfamily": FONT, "parse_math": False}
    if spec.title.strip():
        title = figure.suptitle(
            _wrap(spec.title, TITLE_WRAP),
            x=FIGURE_MARGIN,
            ha="left",
            fontsize=SIZE_TITLE,
            fontweight="bold",
            color=COLOR_TEXT,
            **font,
        )
        _fit_width(figure, title)
    # The note (a caveat, how a figure was derived) goes on its own line(s) above the
    # source, in the same text: supxlabel rather than figure.text is what constrained
    # layout reserves room for, and a figure has only one.
    bottom = _bottom_text(spec)
    if bottom:
        footnote = figure.supxlabel(
            bottom,
            x=FIGURE_MARGIN,
            ha="left",
            fontsize=SIZE_FOOTNOTE,
            color=COLOR_MUTED,
            **font,
        )
        _fit_width(figure, footnote)


# -- trend: lines across waves --------------------------------------------------------

_AFTER_DASH = re.compile(r"(?<=[–—-])")  # where an over-long "октябрь–ноябрь" may break
Notes = list[tuple["Annotation", int, int, str]]  # text, series, point, where
GAP_PT = 7.0  # between a dot's centre and its value text
TO_PT = 72 / DPI  # display pixels to points


def _wrap_point(text: str, width: int) -> str:
    """A wave name on as few lines as fit, breaking between words ("October–November" /
    "2023"), and inside a word only after a dash, when the word alone is too long."""
    glued = _YEAR_GLUE.sub(NBSP, " ".join(text.split()))
    lines: list[str] = []
    for line in textwrap.wrap(glued, width, break_long_words=False, break_on_hyphens=False):
        if len(line) <= width:
            lines.append(line)
            continue
        current = ""
        for piece in _AFTER_DASH.split(line):
            if current and len(current) + len(piece) > width:
                lines.append(current)
                current = ""
            current += piece
        lines.append(current)
    return "\n".join(lines).replace(NBSP, " ") if lines else text


def _spread(wanted: list[float], gap: float) -> list[float]:
    """Positions at least gap apart, each as near its wanted one (ascending) as may be.

    Labels that would collide are merged into a block centred on their mean wish,
    repeatedly, so a block of six moves as little as a block of two.
    """
    blocks: list[list[float]] = []
    for value in wanted:
        blocks.append([value])
        while len(blocks) > 1:
            low, high = blocks[-2], blocks[-1]
            low_top = sum(low) / len(low) + (len(low) - 1) * gap / 2
            high_bottom = sum(high) / len(high) - (len(high) - 1) * gap / 2
            if high_bottom - low_top >= gap:
                break
            blocks[-2:] = [low + high]
    spread: list[float] = []
    for block in blocks:
        first = sum(block) / len(block) - (len(block) - 1) * gap / 2
        spread.extend(first + index * gap for index in range(len(block)))
    return spread


def _draw_trend(figure: Figure, axes: Axes, spec: ChartSpec) -> None:
    points = len(spec.points)
    handles = []
    for index, row in enumerate(spec.grid):
        color = TREND_COLORS[index]
        # nan leaves a gap in the line and no dot: no figure, nothing drawn.
        (line,) = axes.plot(
            range(points),
            row,
            color=color,
            linewidth=2.6,
            marker=TREND_MARKERS[index],
            markersize=9,
            markeredgecolor="white",
            markeredgewidth=1.0,
            zorder=3,
        )
        handles.append(line)
        # Across a wave without a figure, a thin dotted bridge: the trend stays
        # readable, and no solid line claims a figure that does not exist.
        known = [point for point, value in enumerate(row) if not math.isnan(value)]
        for start, end in itertools.pairwise(known):
            if end - start > 1:
                axes.plot(
                    [start, end],
                    [row[start], row[end]],
                    color=color,
                    linewidth=1.6,
                    linestyle=(0, (1, 2.5)),
                    zorder=2,
                )

    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(COLOR_MUTED)
    highest = max(value for row in spec.grid for value in row if not math.isnan(value))
    top = _value_axis(axes, "y", spec.percent_axis, highest)
    axes.set_ylim(0, top)
    usable = figure.bbox.width * (1 - 2 * FIGURE_MARGIN)
    point_px = SIZE_POINT * DPI / 72
    slot_chars = max(6, int(0.9 * usable / points / (0.6 * point_px)))
    axes.set_xticks(
        range(points),
        [_wrap_point(point, slot_chars) for point in spec.points],
        fontfamily=FONT,
        fontsize=SIZE_POINT,
        color=COLOR_TEXT,
        parse_math=False,
    )
    axes.tick_params(axis="x", length=0, pad=8)
    _title_and_footnote(figure, spec)

    figure.draw_without_rendering()  # lays out, so the legend knows its room
    _trend_legend(figure, axes, spec, handles)
    figure.draw_without_rendering()
    # Grow the figure so the plot keeps its height under a tall title and legend.
    chrome = figure.bbox.height - axes.bbox.height
    height_px = round(min(MAX_HEIGHT_IN * DPI, max(MIN_HEIGHT_IN * DPI, chrome + TREND_PLOT_PX)))
    figure.set_size_inches(WIDTH_IN, height_px / DPI)

    notes = _trend_values(axes, spec)
    figure.draw_without_rendering()
    _pad_x(figure, axes, spec, notes)
    _fit_points(figure, axes)  # lays out again, so the figures are placed last
    _place_values(figure, axes, spec, notes)


def _trend_legend(figure: Figure, axes: Axes, spec: ChartSpec, handles: list[Any]) -> None:
    """Above the plot, long names wrapped, never clipped: of the column counts that fit
    the width, the one whose legend is the shortest (more columns on a tie)."""
    count = len(spec.labels)
    room = figure.bbox.width * (1 - FIGURE_MARGIN) - axes.bbox.x0
    options = {1: (1,), 2: (2, 1), 3: (3, 1), 4: (4, 2, 1)}.get(count, (3, 2, 1))
    longest = max(len(label) for label in spec.labels)
    renderer = _renderer(figure)
    best: tuple[float, int, int] | None = None  # height, columns, characters per line
    for columns in options:
        # The widest names that still fit: as few lines per entry as the columns allow.
        for chars in range(max(longest, 10), 9, -2):
            legend = _legend(axes, spec, handles, columns, chars)
            box = legend.get_window_extent(renderer)
            legend.remove()
            if box.width <= room:
                if best is None or box.height < best[0] - 0.5:
                    best = (box.height, columns, chars)
                break
    _, columns, chars = best or (0.0, 1, 10)  # 1 column fits anything but a giant word
    _legend(axes, spec, handles, columns, chars)


def _legend(axes: Axes, spec: ChartSpec, handles: list[Any], columns: int, chars: int) -> Legend:
    count = len(spec.labels)
    # Whole words only ("Антикоррупцион" / "ная" is unreadable); a word too long for a
    # column widens it, and the caller's measure then tries fewer columns.
    names = [
        "\n".join(textwrap.wrap(label, chars, break_long_words=False)) or label
        for label in spec.labels
    ]
    # Row by row, as people read: matplotlib fills a legend column by column.
    order = [index for column in range(columns) for index in range(column, count, columns)]
    legend = axes.legend(
        [handles[index] for index in order],
        [names[index] for index in order],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.02),
        ncols=columns,
        frameon=False,
        borderaxespad=0.2,
        handlelength=2.2,
        handletextpad=0.6,
        columnspacing=1.6,
        prop={"family": FONT, "size": SIZE_LEGEND},
    )
    for legend_text in legend.get_texts():
        legend_text.set_parse_math(False)  # a "$" in a name must stay literal
    return legend


def _trend_values(axes: Axes, spec: ChartSpec) -> Notes:
    """The value texts, positioned roughly; _place_values settles them once laid out.

    With one or two lines every dot gets its figure, above it (the lower line's below).
    With more, only each line's first and last figure, beside the dot, left of the first
    wave and right of the last: six figures per wave would pile up.
    """
    points = len(spec.points)
    every_dot = len(spec.labels) <= 2
    notes: Notes = []
    for index, (row, row_texts) in enumerate(zip(spec.grid, spec.grid_texts, strict=True)):
        known = [point for point, value in enumerate(row) if not math.isnan(value)]
        # (with more, a line stopping short of an end wave keeps its number at that end
        # only: one above a middle dot would sit on the other lines)
        ends = {0, points - 1}
        chosen = known if every_dot else sorted({known[0], known[-1]} & ends)
        for point in chosen:
            if not row_texts[point].strip():
                continue
            if every_dot:
                others = [
                    other[point]
                    for other_index, other in enumerate(spec.grid)
                    if other_index != index and not math.isnan(other[point])
                ]
                place = "below" if others and row[point] < others[0] else "above"
            elif point == 0:
                place = "left"
            elif point == points - 1:
                place = "right"
            else:
                place = "above"  # a line whose figures stop short of an end wave
            note = axes.annotate(
                row_texts[point],
                xy=(point, row[point]),
                xytext=(0, 0),
                textcoords="offset points",
                fontsize=SIZE_VALUE,
                fontweight="bold",
                color=TREND_TEXT_COLORS[index],
                fontfamily=FONT,
                parse_math=False,
                ha={"left": "right", "right": "left"}.get(place, "center"),
                va={"above": "bottom", "below": "top"}.get(place, "center"),
                annotation_clip=False,
                zorder=4,
            )
            # Placed by hand, inside room made for them: the layout must not react.
            note.set_in_layout(False)
            notes.append((note, index, point, place))
    return notes


def _pad_x(figure: Figure, axes: Axes, spec: ChartSpec, notes: Notes) -> None:
    """Room at both ends for the texts beside (or centred on) the first and last dots."""
    renderer = _renderer(figure)
    points = len(spec.points)
    widest = max((note.get_window_extent(renderer).width for note, *_ in notes), default=0.0)
    beside = any(place in ("left", "right") for *_, place in notes)
    need = (widest + GAP_PT / TO_PT if beside else widest / 2) + 6
    pad = max(0.3, need * (points - 1) / max(axes.bbox.width - 2 * need, 1.0))
    axes.set_xlim(-pad, points - 1 + pad)


def _place_values(figure: Figure, axes: Axes, spec: ChartSpec, notes: Notes) -> None:
    renderer = _renderer(figure)
    heights = [note.get_window_extent(renderer).height for note, *_ in notes]
    # Headroom over the highest texts, so they stay inside the plot, off the legend.
    low, top = axes.get_ylim()
    per_px = (top - low) / axes.bbox.height
    room = [
        spec.grid[index][point]
        + (height + GAP_PT / TO_PT + 4 if place == "above" else height / 2 + 4) * per_px
        for (_, index, point, place), height in zip(notes, heights, strict=True)
        if place != "below"
    ]
    axes.set_ylim(low, max([top, *room]))
    for note, _, _, place in notes:
        if place == "above":
            note.xyann = (0, GAP_PT)
        elif place == "below":
            note.xyann = (0, -GAP_PT)
    bottom, ceiling = axes.bbox.y0, axes.bbox.y1
    for side, dx in (("left", -GAP_PT), ("right", GAP_PT)):
        column = [
            (note, spec.grid[index][point], point, height)
            for (note, index, point, place), height in zip(notes, heights, strict=True)
            if place == side
        ]
        if not column:
            continue
        dots = [axes.transData.transform((point, value))[1] for _, value, point, _ in column]
        order = sorted(range(len(column)), key=lambda item: (dots[item], item))
        gap = max(height for *_, height in column) + 1
        spread = _spread([dots[item] for item in order], gap)
        # Pushed apart, the lowest may sink under the axis or the highest rise into the
        # legend: shift the whole column back in (it keeps its spacing).
        shift = max(0.0, bottom + gap / 2 - spread[0]) - max(0.0, spread[-1] - ceiling + gap / 2)
        for item, y in zip(order, spread, strict=True):
            column[item][0].xyann = (dx, (y + shift - dots[item]) * TO_PT)


def _fit_points(figure: Figure, axes: Axes) -> None:
    """Shrink the wave names until neighbours no longer touch (long names, many waves)."""
    for _ in range(6):
        renderer = _renderer(figure)
        labels = axes.get_xticklabels()
        boxes = [label.get_window_extent(renderer) for label in labels]
        if all(left.x1 + 8 <= right.x0 for left, right in itertools.pairwise(boxes)):
            return
        size = float(labels[0].get_fontsize())
        if size <= SIZE_MIN_POINT:
            return
        for label in labels:
            label.set_fontsize(max(SIZE_MIN_POINT, size * 0.9))
        figure.draw_without_rendering()


def _renderer(figure: Figure) -> Any:
    canvas: Any = figure.canvas  # a FigureCanvasAgg, which the base class does not promise
    return canvas.get_renderer()


def _value_axis(axes: Axes, axis: Literal["x", "y"], percent: bool, highest: float) -> float:
    """The values' axis ("x" for bars, "y" for trend lines), from 0; returns its top.
    Percent: 0-100 with "%" on every tick (whole numbers read the same in every locale,
    unlike "61,6%" vs "61.6%", and a forwarded chart says what it measures). Counts
    carry their own locale-formatted texts at the bars and dots, so no tick numbers
    ("25000" would contradict the locale's "25 000")."""
    set_ticks = axes.set_xticks if axis == "x" else axes.set_yticks
    if not percent:
        set_ticks([])
        return highest * 1.15 if highest > 0 else 1.0
    ticks = [0, 25, 50, 75, 100]
    set_ticks(ticks, [f"{tick}%" for tick in ticks], fontfamily=FONT)
    axes.tick_params(axis=axis, length=0, labelsize=SIZE_TICK, labelcolor=COLOR_MUTED)
    axes.grid(axis=axis, color=COLOR_GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    return max(100.0, highest)


def _fit_width(figure: Figure, text: Text) -> None:
    """Shrink a left-aligned figure text that would run off the right edge.

    Wrapping counts characters, but glyph widths vary (bold capitals like ӘҰҮ are
    wide), so a line can still overflow; measuring is the only reliable check.
    """
    renderer = _renderer(figure)
    left = figure.bbox.width * FIGURE_MARGIN
    limit = figure.bbox.width - left
    # Width is not quite proportional to size (glyph advances snap to pixels), hence a
    # few rounds rather than one division.
    for _ in range(4):
        right = text.get_window_extent(renderer).x1
        if right <= limit:
            return
        size = float(text.get_fontsize())
        text.set_fontsize(size * 0.97 * (limit - left) / (right - left))


class ChartCache:
    """A small thread-safe LRU of rendered charts, keyed by the spec itself."""

    def __init__(
        self, max_entries: int = 64, render: Callable[[ChartSpec], bytes] | None = None
    ) -> None:
        if max_entries < 1:
            raise ValueError("a chart cache needs room for at least one entry")
        self.max_entries = max_entries
        self._render = render or render_png
        self.renders = 0  # how many times a chart was actually drawn (for tests and metrics)
        self._entries: OrderedDict[ChartSpec, bytes] = OrderedDict()
        # Specs being drawn right now: a second asker waits for the first render
        # instead of drawing the same chart again.
        self._pending: dict[ChartSpec, threading.Event] = {}
        self._lock = threading.Lock()

    def get_or_render(self, spec: ChartSpec) -> bytes:
        while True:
            with self._lock:
                png = self._entries.get(spec)
                if png is not None:
                    self._entries.move_to_end(spec)
                    return png
                pending = self._pending.get(spec)
                if pending is None:
                    done = self._pending[spec] = threading.Event()
                    break
            # Someone else is drawing it; look again once they finish (or fail, in
            # which case this thread draws it and meets the same error itself).
            pending.wait()
        try:
            # Outside the cache lock, so lookups of other charts never wait on a render.
            png = self._render(spec)
            with self._lock:
                self.renders += 1
                self._entries[spec] = png
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return png
        finally:
            with self._lock:
                del self._pending[spec]
            done.set()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def renderer(self) -> Callable[[ChartSpec], bytes]:
        return self._render


class ProcessRenderer:
    """Renders charts in one worker process, started on the first chart.

    matplotlib then never enters the bot's own process: the bot stays small (about
    55 MB; matplotlib adds about 50), and a render never holds the bot's GIL while
    other chats wait. The worker is replaced every 100 charts, so it cannot grow.
    """

    def __init__(self, charts_per_worker: int = 100) -> None:
        self.charts_per_worker = charts_per_worker
        self._pool: Any = None
        self._lock = threading.Lock()

    def __call__(self, spec: ChartSpec) -> bytes:
        with self._lock:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn, not fork: the bot has an event loop and threads to leave behind.
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    max_tasks_per_child=self.charts_per_worker,
                )
            pool = self._pool
        png: bytes = pool.submit(render_png, spec).result()
        return png

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
