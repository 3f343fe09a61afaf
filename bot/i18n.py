"""The reply languages: one Translator each, for words (gettext catalogs) and for numbers,
dates and lists (babel, in that language's locale).

The languages are those with a compiled catalog under locales/ (discovered once, here):
locales/<lang>/LC_MESSAGES/messages.mo, compiled from the .po files with
`pybabel compile`. A missing catalog is an error, never a silent fall back to English.
"""

from __future__ import annotations

import gettext
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import LOCALES_DIR

if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "messages"
# The first of these a locale directory holds comes first in lists and menus (Kazakh, the
# state language, then Russian); any other language with a catalog follows by name.
PREFERRED_ORDER = ("kk", "ru", "en")


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is translated later (a table of them)."""
    return message


class CatalogMissing(RuntimeError):
    pass


def discover(localedir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The languages with a compiled catalog in localedir."""
    found = {path.parent.parent.name for path in localedir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    known = [lang for lang in PREFERRED_ORDER if lang in found]
    return (*known, *sorted(found - set(known)))


LANGUAGES: tuple[str, ...] = discover()
DEFAULT_LANGUAGE = "en"  # for a user whose Telegram language has no catalog


class Translator:
    """Everything language-dependent about a reply, for one language."""

    def __init__(self, lang: str, localedir: Path = LOCALES_DIR) -> None:
        path = localedir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            with path.open("rb") as handle:
                self._catalog = gettext.GNUTranslations(handle)
        except OSError as error:
            raise CatalogMissing(f"no compiled catalog for '{lang}' at {path}") from error
        self.lang = lang

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalog.ngettext(singular, plural, count)

    def percent(self, value: Decimal, decimals: int | None = None) -> str:
        return percent(value, self.lang, decimals)

    def number(self, value: Decimal, decimals: int = 0) -> str:
        return number(value, self.lang, decimals)

    def date(self, iso: str) -> str:
        return long_date(iso, self.lang)

    def months(self, context: str) -> tuple[str, ...]:
        return month_names(self.lang, context)

    def either_of(self, items: tuple[str, ...]) -> str:
        """ "2019 or 2020": alternatives (babel's "or" list)."""
        return list_of(items, self.lang, style="or")

    def list_of(self, items: tuple[str, ...]) -> str:
        return list_of(items, self.lang)


@cache
def translator(lang: str) -> Translator:
    return Translator(lang)


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
def list_of(items: tuple[str, ...], lang: str, style: str = "standard") -> str:
    from babel.lists import format_list

    return format_list(list(items), style=style, locale=_locale(lang)) if items else ""  # type: ignore[arg-type]


def display_name(lang: str) -> str:
    """A language's own name for itself: Қазақ тілі, русский, English."""
    return str(_locale(lang).display_name).capitalize()
