"""Arithmetic on wave ids (year-month the fieldwork began, CONTRACT.md)."""

from __future__ import annotations

MONTHS_A_YEAR = 12


def a_year_apart(before: str, after: str) -> bool:
    """Two waves of the same season a year apart (2023-10 and 2024-10): year on year."""
    (y1, m1), (y2, m2) = (map(int, w.split("-")) for w in (before, after))
    return (y2 - y1) * MONTHS_A_YEAR + (m2 - m1) == MONTHS_A_YEAR


def a_year_before(wave: str) -> str:
    year, month = wave.split("-")
    return f"{int(year) - 1}-{month}"


def a_year_after(wave: str) -> str:
    year, month = wave.split("-")
    return f"{int(year) + 1}-{month}"
