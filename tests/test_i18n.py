"""gettext catalogs are complete and fresh; numbers and dates follow each locale."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.i18n import (
    LANGUAGES,
    LOCALES_DIR,
    CatalogMissing,
    long_date,
    number,
    percent,
    translations,
)

REPO = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"{(\w*)}")


def _po(lang: str):
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(lang):
    catalog = _po(lang)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 40
    for message in messages:
        assert message.string, f"{lang}: no translation for {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy translation for {message.id!r}"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
            PLACEHOLDER.findall(message.id)
        ), f"{lang}: placeholders differ in {message.id!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogs_match_their_sources(lang):
    source = {m.id: m.string for m in _po(lang) if m.id}
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source, "run: pybabel compile -d locales -D messages"


def test_the_template_lists_every_message_in_the_code():
    # The same extraction as `pybabel extract -F babel.cfg -k gettext`, through babel's API.
    found = extract_from_dir(str(REPO / "bot"), [("**.py", "python")], keywords={"gettext": None})
    in_code = {message for _file, _line, message, _comments, _context in found}
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        in_template = {m.id for m in read_po(handle) if m.id}
    assert in_code == in_template, "run: pybabel extract (see README)"
    for lang in LANGUAGES:
        in_catalog = {m.id for m in _po(lang) if m.id}
        assert in_code == in_catalog, (
            f"{lang}: missing {sorted(in_code - in_catalog)}, stale {sorted(in_catalog - in_code)};"
            " run: pybabel update (see README)"
        )


def test_a_missing_catalog_fails_loudly(tmp_path: Path):
    with pytest.raises(CatalogMissing):
        translations("kk", tmp_path)


@pytest.mark.parametrize(
    ("lang", "share", "count", "pp"),
    [
        ("kk", "63,8%", "27\xa0576", "1,5"),
        ("ru", "63,8\xa0%", "27\xa0576", "1,5"),
        ("en", "63.8%", "27,576", "1.5"),
    ],
)
def test_numbers_follow_the_locale(lang, share, count, pp):
    assert percent(Decimal("63.8"), lang) == share
    assert number(Decimal("27576"), lang) == count
    assert number(Decimal("1.5"), lang, 1) == pp


def test_percentages_keep_their_published_precision():
    assert percent(Decimal("66"), "en") == "66.0%"
    assert percent(Decimal("0.35"), "en") == "0.35%"  # not 0.4%: never restated rounded
    assert percent(Decimal("0.35"), "kk") == "0,35%"


def test_percentages_round_half_up_like_the_releases_when_fewer_decimals_are_asked():
    assert percent(Decimal("61.65"), "en", 1) == "61.7%"
    assert percent(Decimal("61.75"), "en", 1) == "61.8%"
    assert percent(Decimal("0.35"), "en", 1) == "0.4%"


def test_dates_follow_the_locale():
    assert long_date("2024-07-17", "en") == "July 17, 2024"
    assert long_date("2024-07-17", "ru") == "17 июля 2024\u202fг."
    assert "шілде" in long_date("2024-07-17", "kk")
