"""PNG bar charts for Telegram sendPhoto, rendered headless and cached by spec.

Every word and number on a chart comes from the caller, already in the reply
language and formatted for its locale: this module only lays them out.
"""

from __future__ import annotations

import io
import math
import sys
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for annotations: importing matplotlib costs start-up time and memory
    from matplotlib.axes import Axes
    from matplotlib.text import Text

KINDS = ("bars", "change")
MAX_LABELS = 40  # beyond this a chart stops being readable on a phone (and grows too tall)

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

DPI = 125
WIDTH_IN = 8.0  # 1000 px at DPI: sharp on phones without a heavy upload
MIN_HEIGHT_IN = 4.8  # 600 px
FIGURE_MARGIN = 0.02  # share of the width left blank at each side for title and footnote
CHROME_IN = 1.9  # title, legend, axis and footnote, whatever the number of rows
ROW_IN = {"bars": 0.5, "change": 0.85}
EXTRA_LINE_IN = 0.2  # per wrapped label line beyond the first
MIN_SLOTS = 3  # rows' worth of height the plot keeps even with fewer labels

LABEL_WRAP = 22  # characters; keeps the label column near a third of the width
LABEL_MAX_LINES = 3
TITLE_WRAP = 48  # bold and larger than the labels
FOOTNOTE_WRAP = 90

SIZE_TITLE = 17
SIZE_LABEL = 14
SIZE_VALUE = 13
SIZE_LEGEND = 13
SIZE_TICK = 11
SIZE_FOOTNOTE = 10


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """Everything a chart shows; hashable, so it doubles as the cache key."""

    kind: str  # "bars": one value per label | "change": before and after per label
    title: str  # already in the reply language
    labels: tuple[str, ...]  # display order, top to bottom
    values: tuple[float, ...]  # "bars": the values; "change": the AFTER values
    value_texts: tuple[str, ...]  # locale-formatted numbers printed at bar ends
    footnote: str  # source line, small at the bottom
    before: tuple[float, ...] = ()  # "change" only
    before_texts: tuple[str, ...] = ()  # "change" only
    series: tuple[str, str] = ("", "")  # "change" only: legend names (before, after)
    percent_axis: bool = True  # x from 0 to 100; False: 0 to max*1.15 (counts)

    def __post_init__(self) -> None:
        # Callers hold Decimals and lists; normalising here keeps specs hashable and
        # makes equal charts equal keys (Decimal("61.6") != 61.6 would split the cache).
        for name in ("labels", "value_texts", "before_texts", "series"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("values", "before"):
            object.__setattr__(self, name, _floats(name, getattr(self, name)))
        _validate(self)


def _floats(name: str, numbers: Any) -> tuple[float, ...]:
    try:
        return tuple(float(number) for number in numbers)
    except (TypeError, ValueError) as error:
        raise ValueError(f"chart {name} must be numbers: {error}") from None


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
    for name in ("title", "footnote"):
        if not isinstance(getattr(spec, name), str):
            raise ValueError(f"chart {name} must be a string")
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


def _wrap(text: str, width: int, max_lines: int | None = None) -> str:
    lines = textwrap.wrap(text, width=width, max_lines=max_lines, placeholder=" …")
    return "\n".join(lines) if lines else text


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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    labels = [_wrap(label, LABEL_WRAP, LABEL_MAX_LINES) for label in spec.labels]
    extra_lines = sum(label.count("\n") for label in labels)
    height = max(
        MIN_HEIGHT_IN,
        CHROME_IN + ROW_IN[spec.kind] * len(labels) + EXTRA_LINE_IN * extra_lines,
    )

    with _RENDER_LOCK:
        # Object-oriented API only: pyplot's global "current figure" would be shared
        # between concurrent renders and never freed.
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
        # A margin so the longest label and the last value do not touch the image edge.
        layout = figure.get_layout_engine()
        if isinstance(layout, ConstrainedLayoutEngine):
            layout.set(w_pad=0.15, h_pad=0.12)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        _draw(axes, spec, labels)
        _decorate(figure, axes, spec, labels)
        buffer = io.BytesIO()
        # No "Software" chunk (it carries the matplotlib version): identical specs
        # give identical bytes, whatever matplotlib built them.
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


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
    legend = axes.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=2,
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


def _decorate(figure: Any, axes: Axes, spec: ChartSpec, labels: list[str]) -> None:
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

    if spec.percent_axis:
        axes.set_xlim(0, max(100.0, highest))
        ticks = [0, 25, 50, 75, 100]
        # Plain integers read the same in every locale, unlike "61,6%" vs "61.6%".
        axes.set_xticks(ticks, [str(tick) for tick in ticks], fontfamily=FONT)
        axes.tick_params(axis="x", length=0, labelsize=SIZE_TICK, labelcolor=COLOR_MUTED)
        axes.grid(axis="x", color=COLOR_GRID, linewidth=0.8)
        axes.set_axisbelow(True)
    else:
        # Counts carry their own formatted text at the bar ends; raw tick numbers
        # ("25000") would contradict the locale's "25 000".
        axes.set_xlim(0, highest * 1.15 if highest > 0 else 1.0)
        axes.set_xticks([])

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
    if spec.footnote.strip():
        # supxlabel rather than figure.text: constrained layout reserves room for it.
        footnote = figure.supxlabel(
            _wrap(spec.footnote, FOOTNOTE_WRAP),
            x=FIGURE_MARGIN,
            ha="left",
            fontsize=SIZE_FOOTNOTE,
            color=COLOR_MUTED,
            **font,
        )
        _fit_width(figure, footnote)


def _fit_width(figure: Any, text: Text) -> None:
    """Shrink a left-aligned figure text that would run off the right edge.

    Wrapping counts characters, but glyph widths vary (bold capitals like ӘҰҮ are
    wide), so a line can still overflow; measuring is the only reliable check.
    """
    renderer = figure.canvas.get_renderer()
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
