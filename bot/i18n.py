"""gettext catalogs for the reply languages, and babel locale formatting.

Catalogs live in locales/<lang>/LC_MESSAGES/messages.mo (compiled from the
.po files with `pybabel compile`); a missing catalog is an error, not a silent
fall back to English.
"""

from __future__ import annotations

import gettext
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import PROJECT_ROOT

if TYPE_CHECKING:
    from babel import Locale

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
LANGUAGES = ("kk", "ru", "en")


class CatalogMissing(RuntimeError):
    pass


@cache
def translations(lang: str, localedir: Path = LOCALES_DIR) -> gettext.GNUTranslations:
    path = localedir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError as error:
        raise CatalogMissing(f"no compiled catalog for '{lang}' at {path}") from error


@cache  # one Locale per language: babel re-parses a locale given by name on every call
def _locale(lang: str) -> Locale:
    from babel import Locale  # locale data loads on first use, one language at a time

    return Locale.parse(lang)


@lru_cache(maxsize=4096)
def percent(value: Decimal, lang: str, decimals: int | None = None) -> str:
    """61.6 -> '61.6%' / '61,6 %' / '61,6%'.

    As many decimals as published, at least one (66 -> 66.0%, 0.35 -> 0.35%): a
    published figure is never restated rounded. Half-up when asked for fewer.
    """
    from babel.numbers import format_percent

    if decimals is None:
        exponent = value.as_tuple().exponent
        decimals = max(1, -exponent if isinstance(exponent, int) else 1)
    pattern = (
        _locale(lang).percent_formats[None].pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    )
    rounded = value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return format_percent(rounded / 100, pattern, locale=_locale(lang), decimal_quantization=False)


@lru_cache(maxsize=4096)
def number(value: Decimal, lang: str, decimals: int = 0) -> str:
    """27576 -> '27,576' / '27 576'; decimals=1 for percentage points."""
    from babel.numbers import format_decimal

    if decimals:
        value = value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
        return format_decimal(value, "#,##0." + "0" * decimals, locale=_locale(lang))
    return format_decimal(value, "#,##0", locale=_locale(lang))


@lru_cache(maxsize=1024)
def long_date(iso: str, lang: str) -> str:
    from babel.dates import format_date

    return format_date(date.fromisoformat(iso), "long", locale=_locale(lang))


@lru_cache(maxsize=256)
def month_names(lang: str, context: str) -> tuple[str, ...]:
    """Month names 1..12; context 'format' (ru genitive: октября) or 'stand-alone'."""
    months = _locale(lang).months[context]["wide"]
    names = tuple(months[m] for m in range(1, 13))
    return tuple(n.lower() for n in names) if lang != "en" else names


@lru_cache(maxsize=256)
def list_of(items: tuple[str, ...], lang: str) -> str:
    from babel.lists import format_list

    return format_list(list(items), locale=_locale(lang)) if items else ""
