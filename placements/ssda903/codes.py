"""SSDA903 code lists (shared/reference/ssda903.md) and their validity by collection year.

A collection year is named by its end year: 2025 is "2024/25". Codes are case-insensitive: callers
upper-case values before looking them up. Pure Python: importable without Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = [
    "CIN",
    "LS",
    "P2_INVALID_FROM",
    "PLACE_ALL",
    "PLACE_PROVIDER",
    "REC",
    "RNE",
    "SEX",
    "SHORT_BREAKS",
    "TEMPORARY",
    "place_codes",
    "place_rule",
    "per_unique",
    "upper",
    "year_label",
]

SEX: frozenset[str] = frozenset({"1", "2", "M", "F", "U"})  # 1/2 to 2023/24, M/F/U from 2024/25: accept both

LS: frozenset[str] = frozenset({"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"})
SHORT_BREAKS: frozenset[str] = frozenset({"V3", "V4"})

RNE: frozenset[str] = frozenset({"S", "L", "P", "T", "B", "U"})

CIN: frozenset[str] = frozenset(f"N{i}" for i in range(1, 9))

PLACE_PROVIDER: frozenset[str] = frozenset(f"PR{i}" for i in range(6))

REC: frozenset[str] = frozenset(
    {
        "X1",
        "E11",
        "E12",
        "E2",
        "E3",
        "E4A",
        "E4B",
        "E13",
        "E41",
        "E45",
        "E46",
        "E47",
        "E48",
        "E5",
        "E6",
        "E7",
        "E8",
        "E9",
        "E14",
        "E15",
        "E16",
        "E17",
        "E43",
        "E44",
    }
)

TEMPORARY: frozenset[str] = frozenset({"T0", "T1", "T2", "T3", "T4"})

# PLACE codes valid in every collection year (P2 is here too: its limit is by episode start date).
_PLACE_ALWAYS = frozenset(
    {
        "A3",
        "A4",
        "A5",
        "A6",
        "K1",
        "K2",
        "P1",
        "P2",
        "P3",
        "R1",
        "R2",
        "R3",
        "R5",
        "S1",
        *TEMPORARY,
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
        "U6",
    }
)
# code -> (first valid collection year or None, last valid collection year or None, what the user is told)
_PLACE_BY_YEAR: dict[str, tuple[int | None, int | None, str]] = {
    "K3": (2025, None, "registered supported accommodation, valid from 2024/25"),
    "H5": (None, 2025, "semi-independent living, valid up to 2024/25"),
    "Z1": (None, 2025, "other placement, valid up to 2024/25"),
    **{f"Z1{i}": (2026, None, "other placement, valid from 2025/26") for i in range(1, 5)},
}
PLACE_ALL: frozenset[str] = _PLACE_ALWAYS | frozenset(_PLACE_BY_YEAR)

# P2 (independent living) may not be used for an episode starting on or after this date.
P2_INVALID_FROM = dt.date(2023, 10, 28)


def year_label(collection_year: int) -> str:
    """2025 -> "2024/25"."""
    return f"{collection_year - 1}/{collection_year % 100:02d}"


def place_codes(collection_year: int) -> frozenset[str]:
    """PLACE codes valid in a return for this collection year (P2 is further limited by DECOM)."""
    extra = {
        code
        for code, (first, last, _) in _PLACE_BY_YEAR.items()
        if (first is None or collection_year >= first) and (last is None or collection_year <= last)
    }
    return _PLACE_ALWAYS | frozenset(extra)


def place_rule(code: str) -> str | None:
    """Plain-English validity of a year-limited PLACE code (None for codes valid every year)."""
    rule = _PLACE_BY_YEAR.get(code)
    return rule[2] if rule else None


def per_unique(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised string function to each distinct value once and spread the results back.

    A 903 column of 250,000 rows holds a few dozen codes or some thousands of postcodes, so this is many
    times faster than running the string function over every row. Missing stays missing.
    """
    s = pd.Series(values, copy=False)
    codes_, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = func(pd.Series(np.asarray(uniques, dtype=object), dtype="str")).to_numpy(dtype=object)
    out = np.full(len(s), np.nan, dtype=object)
    hit = codes_ >= 0
    out[hit] = mapped[codes_[hit]]
    return pd.Series(out, index=s.index, dtype="str")


def upper(values: pd.Series) -> pd.Series:
    """Codes stripped and upper-cased (case-insensitive comparison); blank → missing."""

    def clean(u: pd.Series) -> pd.Series:
        t = u.str.strip().str.upper()
        return t.mask(t == "")

    return per_unique(values, clean)
