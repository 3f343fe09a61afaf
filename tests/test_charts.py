"""Charts: phone-sized PNGs, every script drawn, deterministic, cached, lazy."""

from __future__ import annotations

import itertools
import logging
import math
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


# -- trend charts -------------------------------------------------------------------------

NAN = math.nan
WAVES = {
    "kk": ("қазан–қараша 2023", "сәуір–мамыр 2024", "қазан–қараша 2024"),
    "ru": ("октябрь–ноябрь 2023", "апрель–май 2024", "октябрь–ноябрь 2024"),
    "en": ("October–November 2023", "April–May 2024", "October–November 2024"),
}
BODIES = {
    "kk": (
        "Прокуратура",
        "Полиция",
        "Сыбайлас жемқорлыққа қарсы қызмет",
        "Экономикалық тергеу қызметі",
        "Соттар",
        "Өрт сөндіру қызметі",
    ),
    "ru": (
        "Прокуратура",
        "Полиция",
        "Антикоррупционная служба",
        "Служба экономических расследований",
        "Суды",
        "Противопожарная служба",
    ),
    "en": (
        "Prosecutor's Office",
        "Police",
        "Anti-Corruption Service",
        "Economic Investigation Service",
        "Courts",
        "Fire Service",
    ),
}
POLICE = (63.1, 61.6, 64.3)
# Six bodies across three waves; the anti-corruption service lacks the middle wave.
SIX_BODIES = (
    (63.8, 66.0, 66.1),
    POLICE,
    (51.1, NAN, 52.2),
    (46.3, 47.8, 48.3),
    (61.0, 61.8, 62.0),
    (79.8, 80.5, 80.4),
)
TREND_TITLES = {
    "kk": ("Полицияға сенім: 2023 ж. қазан–қараша — 2024 ж. қазан–қараша"),
    "ru": "Доверие полиции: октябрь–ноябрь 2023 — октябрь–ноябрь 2024",
    "en": "Trust in the police — October–November 2023 to October–November 2024",
}
SIX_TITLES = {
    "kk": "Құқық қорғау органдарына сенім: 2023 ж. қазан–қараша — 2024 ж. қазан–қараша",
    "ru": "Доверие правоохранительным органам: октябрь–ноябрь 2023 — октябрь–ноябрь 2024",
    "en": "Trust in law enforcement bodies — October–November 2023 to October–November 2024",
}
TREND_FOOTNOTES = {
    "kk": (
        "Дереккөз: Ұлттық статистика бюросы, 2024 ж. 24 қаңтардағы жарияланым; "
        "The Astana Times, 2024 ж. 19 шілде, Ұлттық статистика бюросының 2024 ж. "
        "17 шілдедегі жарияланымы бойынша; Ұлттық статистика бюросы, 2024 ж. "
        "қазан–қараша сауалнамасының жарияланымы (күні белгісіз)"
    ),
    "ru": (
        "Источник: Бюро национальной статистики, публикация от 24 января 2024 г.; "
        "The Astana Times, 19 июля 2024 г., со ссылкой на публикацию Бюро национальной "
        "статистики от 17 июля 2024 г.; Бюро национальной статистики, публикация опроса "
        "октября–ноября 2024 г. (дата неизвестна)"
    ),
    "en": (
        "Source: Bureau of National Statistics, release of 24 January 2024; The Astana "
        "Times, 19 July 2024, reporting the Bureau of National Statistics release of "
        "17 July 2024; Bureau of National Statistics, release of the October–November "
        "2024 survey (date not known)"
    ),
}
TREND_NOTES = {
    "kk": "Senim есебі: сенеді + ішінара сенеді",
    "ru": "Расчёт Senim: доверяют + скорее доверяют",
    "en": "Calculated by Senim: trust + partial trust",
}


def grid_texts(grid: Any, decimal_mark: str) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(
            "" if math.isnan(value) else f"{value:.1f}%".replace(".", decimal_mark) for value in row
        )
        for row in grid
    )


def trend_spec(lang: str = "en", six: bool = False, **overrides: Any) -> ChartSpec:
    grid = SIX_BODIES if six else (POLICE,)
    fields: dict[str, Any] = {
        "kind": "trend",
        "title": (SIX_TITLES if six else TREND_TITLES)[lang],
        "labels": BODIES[lang] if six else (BODIES[lang][1],),
        "values": (),
        "value_texts": (),
        "footnote": TREND_FOOTNOTES[lang],
        "points": WAVES[lang],
        "grid": grid,
        "grid_texts": grid_texts(grid, "." if lang == "en" else ","),
        "note": TREND_NOTES[lang] if six else "",
    }
    fields.update(overrides)
    return ChartSpec(**fields)


def assert_trend_png(png: bytes) -> tuple[int, int]:
    width, height = assert_phone_png(png)
    assert width == 1000
    assert 600 <= height <= 900  # landscape-ish: fits a phone screen without scrolling
    return width, height


@pytest.mark.parametrize("six", [False, True], ids=["one", "six"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_trend_chart_is_a_phone_sized_png(lang: str, six: bool) -> None:
    assert_trend_png(render_png(trend_spec(lang, six)))


def test_trend_same_spec_gives_identical_bytes() -> None:
    first = render_png(trend_spec("kk", six=True))
    assert render_png(trend_spec("kk", six=True)) == first
    assert b"Software" not in first


def test_trend_with_many_waves_and_long_names_stays_phone_sized() -> None:
    waves = tuple(
        f"{season} {year} г."
        for year in (2021, 2022, 2023, 2024, 2025)
        for season in ("апрель–май", "октябрь–ноябрь")
    )
    grid = tuple(tuple(base + step % 3 for step in range(10)) for base in (20, 35, 50, 60, 62, 90))
    spec = trend_spec(
        "ru",
        six=True,
        labels=tuple(f"{name} (вся страна, все респонденты)" for name in BODIES["ru"]),
        points=waves,
        grid=grid,
        grid_texts=grid_texts(grid, ","),
        title=SIX_TITLES["ru"] * 2,
        note=TREND_NOTES["ru"] * 3,
    )
    assert_trend_png(render_png(spec))


def test_trend_on_a_count_axis_renders() -> None:
    grid = ((27576.0, 31020.0, 29000.0),)
    spec = trend_spec(grid=grid, grid_texts=(("27 576", "31 020", "29 000"),), percent_axis=False)
    assert_trend_png(render_png(spec))


def test_trend_with_gaps_at_the_ends_renders() -> None:
    grid = ((NAN, 60.0, 61.0), (50.0, 51.0, NAN), (NAN, 40.0, NAN), (70.0, NAN, 72.0))
    spec = trend_spec(
        six=True, labels=BODIES["en"][:4], grid=grid, grid_texts=grid_texts(grid, ".")
    )
    assert_trend_png(render_png(spec))


def test_trend_kazakh_letters_render_without_missing_glyphs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spec = trend_spec(
        "kk",
        six=True,
        title=KAZAKH_LETTERS,
        labels=(KAZAKH_LETTERS, *BODIES["kk"][1:]),
        points=(KAZAKH_LETTERS, *WAVES["kk"][1:]),
        note=KAZAKH_LETTERS,
    )
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        render_png(spec)
    assert [str(w.message) for w in caught] == []
    assert [r for r in caplog.records if r.name.startswith("matplotlib")] == []


def test_trend_caller_text_is_literal_not_mathtext() -> None:
    odd = r"Cost $\notacommand$ and $5"
    spec = trend_spec(
        six=True,
        title=odd,
        note=odd,
        labels=(odd, *BODIES["en"][1:]),
        points=(odd, *WAVES["en"][1:]),
        grid_texts=(("$1", "$2", "$3"), *grid_texts(SIX_BODIES[1:], ".")),
    )
    assert_trend_png(render_png(spec))


def test_every_trend_text_reaches_the_picture() -> None:
    base = render_png(trend_spec(six=True))
    assert render_png(trend_spec(six=True, note="Another note")) != base
    assert render_png(trend_spec(six=True, points=("A", "B", "C"))) != base
    assert render_png(trend_spec(six=True, labels=("a", "b", "c", "d", "e", "f"))) != base
    texts_changed = (("1", "2", "3"), *grid_texts(SIX_BODIES[1:], "."))
    assert render_png(trend_spec(six=True, grid_texts=texts_changed)) != base


def test_a_note_shows_on_every_kind_and_changes_nothing_when_empty() -> None:
    assert render_png(bars_spec(note="Calculated by Senim")) != render_png(bars_spec())
    assert render_png(change_spec(note="Calculated by Senim")) != render_png(change_spec())
    assert bars_spec(note="") == bars_spec()
    assert_phone_png(render_png(change_spec(note=TREND_NOTES["kk"], footnote="")))


def test_trend_specs_with_gaps_stay_equal_cache_keys() -> None:
    # nan != nan: each spec must still equal (and hash like) another spec with the same gaps.
    rows = [[Decimal("63.8"), float("nan"), 66.1], [63.1, None, 64.3]]
    texts_ = [["63.8%", "", "66.1%"], ["63.1%", "", "64.3%"]]
    common = {"labels": ("A", "B"), "grid_texts": texts_}
    first = trend_spec(grid=rows, **common)
    second = trend_spec(grid=((63.8, math.nan, 66.1), (63.1, float("nan"), 64.3)), **common)
    assert first == second
    assert hash(first) == hash(second)
    assert isinstance(first.grid[0], tuple) and isinstance(first.grid_texts[0], tuple)
    cache = ChartCache()
    png = cache.get_or_render(first)
    assert cache.get_or_render(second) is png
    assert cache.renders == 1


def test_a_trend_spec_survives_pickling_for_the_worker_process() -> None:
    import pickle

    spec = trend_spec("ru", six=True)
    assert render_png(pickle.loads(pickle.dumps(spec))) == render_png(spec)


def shape(rows: int, columns: int, text: str = "1") -> tuple[tuple[str, ...], ...]:
    return tuple((text,) * columns for _ in range(rows))


INVALID_TREND: dict[str, tuple[dict[str, Any], str]] = {
    "fewer grid rows": ({"grid": SIX_BODIES[:5]}, "6 labels but 5 grid rows"),
    "short grid row": (
        {"grid": ((1.0, 2.0), *SIX_BODIES[1:])},
        "3 points but grid[0] has 2 entries",
    ),
    "fewer text rows": ({"grid_texts": shape(5, 3)}, "6 labels but 5 grid_texts rows"),
    "short text row": (
        {"grid_texts": (("1",), *shape(5, 3))},
        "3 points but grid_texts[0] has 1 entries",
    ),
    "one point": (
        {"points": ("2024",), "grid": ((1.0,),) * 6, "grid_texts": shape(6, 1)},
        "at least 2 points, not 1",
    ),
    "no points": ({"points": (), "grid": ((),) * 6, "grid_texts": ((),) * 6}, "not 0"),
    "blank point": ({"points": ("2023", " ", "2024")}, "point 1 is blank"),
    "all nan": (
        {"grid": ((NAN,) * 3,) * 6, "grid_texts": shape(6, 3, "")},
        "no finite value: every grid entry is nan",
    ),
    "a series without figures": (
        {
            "grid": (*SIX_BODIES[:5], (NAN,) * 3),
            "grid_texts": (*grid_texts(SIX_BODIES[:5], "."), ("",) * 3),
        },
        "series 5",
    ),
    "text where nan": ({"grid_texts": shape(6, 3)}, "grid[2][1] is nan (no figure)"),
    "negative": ({"grid": ((1.0, -2.0, 3.0), *SIX_BODIES[1:])}, "grid[0][1] is negative"),
    "infinity": ({"grid": ((1.0, 2.0, math.inf), *SIX_BODIES[1:])}, "grid[0][2] is not a finite"),
    "not a number": ({"grid": (("a", 2, 3), *SIX_BODIES[1:])}, "grid must be numbers"),
    "a string for grid": ({"grid": "123"}, "grid must be rows"),
    "values given": ({"values": (1.0,) * 6, "value_texts": ("1",) * 6}, "must be empty"),
    "before given": ({"before": (1.0,) * 6, "before_texts": ("1",) * 6}, "must be empty"),
    "seven series": (
        {"labels": tuple("abcdefg"), "grid": (POLICE,) * 7, "grid_texts": shape(7, 3)},
        "at most 6 lines",
    ),
    "eleven points": (
        {
            "points": tuple(map(str, range(11))),
            "grid": ((1.0,) * 11,) * 6,
            "grid_texts": shape(6, 11),
        },
        "at most 10",
    ),
    "blank series name": ({"labels": ("a", "", "c", "d", "e", "f")}, "label 1 is blank"),
    "note not a string": ({"note": 5}, "note must be a string"),
}


@pytest.mark.parametrize("case", INVALID_TREND)
def test_invalid_trend_specs_raise(case: str) -> None:
    overrides, message = INVALID_TREND[case]
    with pytest.raises(ValueError, match=re.escape(message)):
        trend_spec(six=True, **overrides)


@pytest.mark.parametrize(
    "overrides",
    [
        {"points": WAVES["en"]},
        {"grid": ((1.0,),)},
        {"grid_texts": (("1",),)},
    ],
)
def test_bars_and_change_reject_trend_fields(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="trend charts only, not bars"):
        bars_spec(**overrides)
    with pytest.raises(ValueError, match="trend charts only, not change"):
        change_spec(**overrides)


@pytest.mark.parametrize(
    ("name", "width", "wrapped"),
    [
        ("October–November 2023", 30, "October–November 2023"),
        ("October–November 2023", 18, "October–November\n2023"),
        ("октябрь–ноябрь 2024 г.", 15, "октябрь–ноябрь\n2024 г."),
        ("октябрь–ноябрь 2024 г.", 8, "октябрь–\nноябрь\n2024 г."),
        ("2023 ж. қазан–қараша", 14, "2023 ж.\nқазан–қараша"),
        ("  апрель–май   2024 ", 12, "апрель–май\n2024"),
    ],
)
def test_wave_names_break_between_words_and_keep_the_year_whole(
    name: str, width: int, wrapped: str
) -> None:
    from bot.charts import _wrap_point

    assert _wrap_point(name, width) == wrapped


def test_titles_keep_a_year_with_its_abbreviation() -> None:
    from bot.charts import _wrap

    for width in range(8, 40):
        for line in _wrap(TREND_TITLES["kk"], width).splitlines():
            assert not line.startswith("ж.")
        for line in _wrap(TREND_FOOTNOTES["ru"], width).splitlines():
            assert not line.startswith("г.")


def test_value_texts_spread_apart_only_as_far_as_needed() -> None:
    from bot.charts import _spread

    assert _spread([0.0, 100.0], 20.0) == [0.0, 100.0]  # apart already: untouched
    assert _spread([50.0, 50.0], 20.0) == [40.0, 60.0]  # a tie: split around it
    spread = _spread([10.0, 12.0, 14.0, 80.0], 10.0)
    assert spread[:3] == [2.0, 12.0, 22.0] and spread[3] == 80.0
    assert all(b - a >= 10.0 - 1e-9 for a, b in itertools.pairwise(spread))


def _label_boxes(spec: ChartSpec) -> list[Any]:
    """The drawn bar labels' boxes on the image, top to bottom."""
    from bot import charts

    with charts._RENDER_LOCK:
        figure = charts.drawn_figure(spec)
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        labels = [t for t in figure.axes[0].get_yticklabels() if t.get_text()]
        return [label.get_window_extent(renderer) for label in labels]


def test_three_line_labels_do_not_run_into_each_other_under_a_long_note() -> None:
    # The safety breakdown: totals with long names, and a note of several lines that
    # constrained layout took out of the rows' room (the labels overlapped).
    labels = (
        "Feel safe in total (completely and enough)",
        "Feel completely safe",
        "Feel safe enough",
        "Do not feel safe in total (including not at all)",
        "Do not feel safe",
        "Do not feel safe at all",
    )
    values = (93.9, 64.9, 29.0, 5.9, 5.2, 0.7)
    spec = bars_spec(
        labels=labels, values=values, value_texts=texts(values, "."), note="A caveat. " * 60
    )
    boxes = _label_boxes(spec)
    assert len(boxes) == len(labels)
    for upper, lower in itertools.pairwise(boxes):
        assert not upper.overlaps(lower), (upper, lower)
    assert_phone_png(render_png(spec))
