"""Charts: phone-sized PNGs, every script drawn, deterministic, cached, lazy."""

from __future__ import annotations

import logging
import re
import struct
import subprocess
import sys
import threading
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.charts import ChartCache, ChartSpec, render_png

REPO = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KAZAKH_LETTERS = "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"

# Illustrative texts only: the module under test receives every word from its caller.
LABELS = {
    "kk": (
        "Өрт сөндіру қызметі",
        "Прокуратура",
        "Полиция",
        "Сыбайлас жемқорлыққа қарсы қызмет",
        "Экономикалық тергеп-тексеру қызметі",
    ),
    "ru": (
        "Противопожарная служба",
        "Прокуратура",
        "Полиция",
        "Антикоррупционная служба",
        "Служба экономических расследований",
    ),
    "en": (
        "Fire Service",
        "Prosecutor's Office",
        "Police",
        "Anti-Corruption Service",
        "Economic Investigation Service",
    ),
}
AFTER = (77.2, 63.8, 63.1, 51.1, 46.3)
BEFORE = (74.0, 60.5, 58.9, 49.0, 41.7)


def texts(values: tuple[float, ...], decimal_mark: str) -> tuple[str, ...]:
    return tuple(f"{value:.1f}%".replace(".", decimal_mark) for value in values)


def bars_spec(lang: str = "en", **overrides: Any) -> ChartSpec:
    fields: dict[str, Any] = {
        "kind": "bars",
        "title": f"Trust ({lang})",
        "labels": LABELS[lang],
        "values": AFTER,
        "value_texts": texts(AFTER, "." if lang == "en" else ","),
        "footnote": "Source: survey release, 2023",
    }
    fields.update(overrides)
    return ChartSpec(**fields)


def change_spec(lang: str = "en", **overrides: Any) -> ChartSpec:
    mark = "." if lang == "en" else ","
    fields: dict[str, Any] = {
        "kind": "change",
        "title": f"Change ({lang})",
        "labels": LABELS[lang],
        "values": AFTER,
        "value_texts": texts(AFTER, mark),
        "footnote": "Source: survey releases, 2023",
        "before": BEFORE,
        "before_texts": texts(BEFORE, mark),
        "series": ("Wave A", "Wave B"),
    }
    fields.update(overrides)
    return ChartSpec(**fields)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def assert_phone_png(png: bytes) -> tuple[int, int]:
    width, height = png_size(png)
    assert 600 <= width <= 2000
    assert 400 <= height <= 3000
    assert 5_000 <= len(png) <= 500_000
    return width, height


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_bars_chart_is_a_phone_sized_png(lang: str) -> None:
    width, height = assert_phone_png(render_png(bars_spec(lang)))
    assert width >= height  # landscape: fills the chat bubble's width


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_change_chart_is_a_phone_sized_png(lang: str) -> None:
    assert_phone_png(render_png(change_spec(lang)))


def test_count_axis_chart_renders() -> None:
    spec = bars_spec(
        labels=("2023-04", "2023-10"),
        values=(27576, 31020),
        value_texts=("27 576", "31 020"),
        percent_axis=False,
    )
    assert_phone_png(render_png(spec))


def test_all_zero_counts_still_render() -> None:
    spec = bars_spec(labels=("a",), values=(0,), value_texts=("0",), percent_axis=False)
    assert_phone_png(render_png(spec))


def test_height_grows_with_the_number_of_labels() -> None:
    few = change_spec(
        labels=LABELS["en"][:2],
        values=AFTER[:2],
        value_texts=texts(AFTER[:2], "."),
        before=BEFORE[:2],
        before_texts=texts(BEFORE[:2], "."),
    )
    many_labels = tuple(f"{label} {n}" for n in range(3) for label in LABELS["en"])
    many = change_spec(
        labels=many_labels,
        values=AFTER * 3,
        value_texts=texts(AFTER, ".") * 3,
        before=BEFORE * 3,
        before_texts=texts(BEFORE, ".") * 3,
    )
    few_width, few_height = png_size(render_png(few))
    many_width, many_height = assert_phone_png(render_png(many))
    assert few_width == many_width
    assert many_height > few_height * 1.5


def test_kazakh_letters_render_without_missing_glyphs(caplog: pytest.LogCaptureFixture) -> None:
    spec = change_spec(
        "kk",
        title=KAZAKH_LETTERS,
        labels=(KAZAKH_LETTERS, *LABELS["kk"][1:]),
        footnote=KAZAKH_LETTERS,
        series=("әғқңө", "ұүһі ӘҒҚҢӨҰҮҺІ"),
    )
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        render_png(spec)
    assert [str(w.message) for w in caught] == []
    assert [r for r in caplog.records if r.name.startswith("matplotlib")] == []


def test_missing_glyphs_would_be_caught() -> None:
    """The check above is only worth something if a real missing glyph trips it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_png(bars_spec(title="信任"))  # CJK: not in DejaVu Sans
    assert any("missing from font" in str(w.message) for w in caught)


def test_caller_text_is_literal_not_mathtext() -> None:
    # With mathtext on, "$\notacommand$" is a parse error; it must print as typed.
    odd = r"Cost $\notacommand$ and $5"
    spec = change_spec(title=odd, footnote=odd, series=(odd, "B"), labels=(odd, *LABELS["en"][1:]))
    assert_phone_png(render_png(spec))


def test_same_spec_gives_identical_bytes_without_software_metadata() -> None:
    first = render_png(change_spec("kk"))
    second = render_png(change_spec("kk"))
    assert first == second
    assert b"Software" not in first
    assert b"matplotlib" not in first.lower()


def test_every_text_reaches_the_picture() -> None:
    base = render_png(bars_spec())
    assert render_png(bars_spec(value_texts=("1", "2", "3", "4", "5"))) != base
    assert render_png(bars_spec(footnote="Another source")) != base
    assert render_png(bars_spec(title="Another title")) != base


def test_specs_from_decimals_and_lists_equal_float_tuples() -> None:
    from_decimals = bars_spec(labels=list(LABELS["en"]), values=[Decimal(str(v)) for v in AFTER])
    assert from_decimals == bars_spec()
    assert hash(from_decimals) == hash(bars_spec())
    assert isinstance(from_decimals.labels, tuple)


INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "no labels": ({"labels": (), "values": (), "value_texts": ()}, "no labels"),
    "blank label": ({"labels": ("a", " ", "c", "d", "e")}, "label 1 is blank"),
    "fewer values": ({"values": AFTER[:4]}, "5 labels but 4 values"),
    "fewer texts": ({"value_texts": ("1",)}, "5 labels but 1 value_texts"),
    "nan": ({"values": (1.0, float("nan"), 3.0, 4.0, 5.0)}, "values[1] is not a finite"),
    "infinity": ({"values": (float("inf"), 2.0, 3.0, 4.0, 5.0)}, "values[0] is not a finite"),
    "negative": ({"values": (1.0, 2.0, -3.0, 4.0, 5.0)}, "values[2] is negative"),
    "not a number": ({"values": ("a", 2, 3, 4, 5)}, "values must be numbers"),
    "unknown kind": ({"kind": "pie"}, "kind must be one of"),
    "bars with before": ({"before": AFTER, "before_texts": texts(AFTER, ".")}, "change charts"),
    "too many labels": (
        {"labels": tuple(map(str, range(41))), "values": (1,) * 41, "value_texts": ("1",) * 41},
        "at most 40",
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_bars_specs_raise(case: str) -> None:
    overrides, message = INVALID[case]
    with pytest.raises(ValueError, match=re.escape(message)):
        bars_spec(**overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"before": (), "before_texts": ()}, "5 labels but 0 before"),
        ({"before_texts": ("1",) * 4}, "5 labels but 4 before_texts"),
        ({"before": (1.0, 2.0, 3.0, 4.0, float("nan"))}, "before[4] is not a finite"),
        ({"series": ("", "")}, "two legend names"),
    ],
)
def test_invalid_change_specs_raise(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        change_spec(**overrides)


def test_render_rechecks_a_spec_altered_after_construction() -> None:
    spec = bars_spec()
    object.__setattr__(spec, "values", AFTER[:2])
    with pytest.raises(ValueError, match="5 labels but 2 values"):
        render_png(spec)


def test_cache_returns_the_same_object_without_rendering_again() -> None:
    cache = ChartCache()
    first = cache.get_or_render(bars_spec("ru"))
    again = cache.get_or_render(bars_spec("ru"))  # an equal spec, not the same object
    assert again is first
    assert cache.renders == 1
    assert first == render_png(bars_spec("ru"))


def test_cache_evicts_the_least_recently_used() -> None:
    cache = ChartCache(max_entries=2)
    a, b, c = bars_spec("kk"), bars_spec("ru"), bars_spec("en")
    png_a = cache.get_or_render(a)
    cache.get_or_render(b)
    assert cache.get_or_render(a) is png_a  # a is now more recent than b
    cache.get_or_render(c)  # evicts b
    assert len(cache) == 2
    assert cache.renders == 3
    assert cache.get_or_render(a) is png_a
    assert cache.renders == 3
    cache.get_or_render(b)
    assert cache.renders == 4


def test_cache_from_threads_hands_everyone_the_same_bytes() -> None:
    cache = ChartCache()
    spec = change_spec("kk")
    results: list[bytes] = []
    lock = threading.Lock()

    def worker() -> None:
        png = cache.get_or_render(spec)
        with lock:
            results.append(png)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    assert all(png is results[0] for png in results)
    assert cache.renders == 1  # the others waited for the first render
    assert len(cache) == 1


def test_cache_does_not_keep_failures() -> None:
    cache = ChartCache()
    spec = bars_spec()
    object.__setattr__(spec, "values", AFTER[:2])
    for _ in range(2):  # the second call must not hang on the first one's pending entry
        with pytest.raises(ValueError):
            cache.get_or_render(spec)
    assert len(cache) == 0
    assert cache.renders == 0


def test_cache_needs_room() -> None:
    with pytest.raises(ValueError):
        ChartCache(max_entries=0)


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_importing_charts_does_not_import_matplotlib() -> None:
    code = "import bot.charts, sys; print('matplotlib' in sys.modules)"
    assert run_python(code) == "False"


def test_rendering_uses_agg_without_pyplot() -> None:
    code = (
        "import sys\n"
        "from bot.charts import ChartSpec, render_png\n"
        "render_png(ChartSpec('bars', 't', ('a',), (1.0,), ('1',), 'f'))\n"
        "import matplotlib\n"
        "print('matplotlib.pyplot' in sys.modules, matplotlib.get_backend().lower())\n"
    )
    assert run_python(code) == "False agg"


def test_the_process_renderer_draws_in_another_process() -> None:
    import os

    from bot.charts import ChartCache, ProcessRenderer

    renderer = ProcessRenderer(charts_per_worker=2)
    cache = ChartCache(render=renderer)
    try:
        spec = ChartSpec(
            kind="bars",
            title="Trust",
            labels=("Police", "Courts"),
            values=(61.6, 61.8),
            value_texts=("61.6%", "61.8%"),
            footnote="Source: test",
        )
        png = cache.get_or_render(spec)
        assert png == render_png(spec)  # the same bytes as drawn in-process
        assert cache.get_or_render(spec) is png and cache.renders == 1
        worker = next(iter(renderer._pool._processes.values()))
        assert worker.pid != os.getpid()
    finally:
        renderer.close()
