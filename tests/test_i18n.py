"""gettext catalogs are complete and fresh; numbers and dates follow each locale."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.config import LOCALES_DIR
from bot.i18n import (
    LANGUAGES,
    CatalogMissing,
    Translator,
    discover,
    long_date,
    number,
    percent,
    translator,
)

REPO = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"{(\w*)}")


def _key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


def _forms(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def _po(lang: str):
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(lang):
    catalog = _po(lang)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 40
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: no translation for {ids[0]!r}"
        assert not message.fuzzy, f"{lang}: fuzzy translation for {ids[0]!r}"
        for string in strings:  # every plural form keeps the placeholders
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(ids[0])), (
                f"{lang}: placeholders differ in {ids[0]!r}"
            )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogs_match_their_sources(lang):
    source = {_key(m.id): _forms(m.string) for m in _po(lang) if m.id}
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = {_key(m.id): _forms(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source, "run: pybabel compile -d locales -D messages"


def test_the_template_lists_every_message_in_the_code():
    # The same extraction as `pybabel extract -F babel.cfg -k gettext`, through babel's API.
    found = extract_from_dir(
        str(REPO / "bot"),
        [("**.py", "python")],
        keywords={"gettext": None, "ngettext": (1, 2), "N_": None},
    )
    in_code = {
        message[0] if isinstance(message, tuple) else message
        for _file, _line, message, _comments, _context in found
    }
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        in_template = {_key(m.id) for m in read_po(handle) if m.id}
    assert in_code == in_template, "run: pybabel extract (see README)"
    for lang in LANGUAGES:
        in_catalog = {_key(m.id) for m in _po(lang) if m.id}
        assert in_code == in_catalog, (
            f"{lang}: missing {sorted(in_code - in_catalog)}, stale {sorted(in_catalog - in_code)};"
            " run: pybabel update (see README)"
        )


def test_a_missing_catalog_fails_loudly(tmp_path: Path):
    with pytest.raises(CatalogMissing):
        Translator("kk", tmp_path)


def test_the_languages_are_the_catalogs_that_exist(tmp_path: Path):
    assert LANGUAGES == discover() == ("kk", "ru", "en")  # Kazakh, the state language, first
    for lang in ("en", "de", "kk"):
        (tmp_path / lang / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / lang / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)  # no compiled catalog: not offered
    assert discover(tmp_path) == ("kk", "en", "de")


@pytest.mark.parametrize(("lang", "one", "few", "many"), [("ru", 1, 3, 6), ("kk", 1, 3, 6)])
def test_plurals_follow_each_language(lang, one, few, many):
    t = translator(lang)
    singular = (
        "The release names only the {count} region with the most registered crimes; "
        "figures for the other regions were not published."
    )
    plural = singular.replace("{count} region ", "{count} regions ")
    forms = {n: t.ngettext(singular, plural, n).format(count=n) for n in (one, few, many)}
    if lang == "ru":
        assert "1 регион " in forms[one] and "3 региона " in forms[few]
        assert "6 регионов " in forms[many]
    else:
        assert all("өңір" in text for text in forms.values())


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
