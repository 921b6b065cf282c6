"""Small vectorised helpers of the measures: codes as integers, dates as day numbers, runs of a sorted array,
and the exact half-up rounding of the percentages."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from fractions import Fraction

import numpy as np
import pandas as pd

# Day numbers: DEC / DUC blank are stored as "never", so "blank or > D" is one comparison.
_NEVER = np.iinfo(np.int64).max
_EPOCH = dt.date(1970, 1, 1)


def round_half_up(numerator: int, denominator: float | int | None, scale: int = 100) -> float | None:
    """numerator / denominator * scale to one decimal place, half up, on the exact ratio; None if /0.

    Exact (fractions.Fraction), so 1/400*100 = 0.25 gives 0.3, never float's 0.2.
    """
    if _missing(denominator):
        return None
    den = Fraction(denominator)
    if den == 0:
        return None
    tenths = Fraction(int(numerator)) * scale * 10 / den
    return math.floor(tenths + Fraction(1, 2)) / 10


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _clean_text(value: object, upper: bool = True) -> str | None:
    """One code value as the measures compare it: stripped, upper-cased; blank forms -> None."""
    if _missing(value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)  # a code such as SEX 1 read as the number 1.0
    text = str(value).strip()
    if upper:
        text = text.upper()
    return text or None


def _codes(series: pd.Series, upper: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Normalised integer codes (-1 = blank) and their values, cleaning each distinct value once."""
    raw_codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = pd.Series([_clean_text(u, upper) for u in uniques], dtype=object)
    clean_codes, clean_uniques = pd.factorize(cleaned, use_na_sentinel=True)
    lookup = np.append(clean_codes, -1).astype(np.int64)  # index -1 (blank) -> -1
    return lookup[raw_codes], np.asarray(clean_uniques, dtype=object)


def _in(codes: np.ndarray, uniques: np.ndarray, values: Iterable[str]) -> np.ndarray:
    """Boolean mask: the code's value is one of `values` (blank is never in)."""
    hit = np.append(np.isin(uniques.astype(str), list(values)), False)
    return hit[codes]


def _days(series: pd.Series, blank: int | None = None) -> np.ndarray:
    """Dates as int64 day numbers; NaT -> `blank` (or stays the NaT integer if blank is None)."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    values = series.to_numpy().astype("datetime64[D]")
    out = values.view(np.int64).copy()
    if blank is not None:
        out[np.isnat(values)] = blank
    return out


def _day(year: int, month: int, day: int) -> int:
    return (dt.date(year, month, day) - _EPOCH).days


def _child_key(series: pd.Series) -> pd.Series:
    """Child ids as plain str (object), missing -> None, so ints and strs of the same id match."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if pd.api.types.infer_dtype(uniques, skipna=False) != "string":  # ids read as numbers: as text
        uniques = np.array([str(u) for u in uniques], dtype=object)
    names = np.append(uniques, None)
    return pd.Series(names[codes], index=series.index, dtype=object)


def _last_per_group(group: np.ndarray) -> np.ndarray:
    """Positions of the last element of each run of equal values in a sorted array."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.append(group[1:] != group[:-1], True))


def _first_per_group(group: np.ndarray) -> np.ndarray:
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.insert(group[1:] != group[:-1], 0, True))


def _distinct(sorted_ids: np.ndarray) -> int:
    return int(_first_per_group(sorted_ids).size)
