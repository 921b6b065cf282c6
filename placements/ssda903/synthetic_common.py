"""Days, dates and random choices shared by the synthetic 903 generator's modules.

Dates are day numbers from 1 January 1970 (numpy int64), NEVER marks a date that does not come (an
episode still open). The first and last days on which some placement codes are valid are day numbers
too (see `codes`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from placements.ssda903 import codes

EPOCH = dt.date(1970, 1, 1)
NEVER = np.iinfo(np.int64).max // 4
YEAR = 365.25


def day_number(d: dt.date) -> int:
    return (d - EPOCH).days


P2_LAST_START = day_number(codes.P2_INVALID_FROM) - 1  # P2 only for episodes starting before 28/10/2023
K3_FROM = day_number(dt.date(2024, 4, 1))  # first day of 2024/25
H5_Z1_UNTIL = day_number(dt.date(2025, 3, 31))  # last day of 2024/25
Z1X_FROM = day_number(dt.date(2025, 4, 1))  # first day of 2025/26


def pick(rng: np.random.Generator, n: int, options: list[str], weights: list[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p / p.sum())]


def fmt_days(days: np.ndarray) -> np.ndarray:
    """Day numbers → DD/MM/YYYY strings (NaN where the day is NEVER or negative sentinel)."""
    days = np.asarray(days, dtype=np.int64)
    blank = days >= NEVER
    codes_, uniques = pd.factorize(np.where(blank, 0, days))
    text = pd.to_datetime(uniques, unit="D").strftime("%d/%m/%Y").to_numpy(dtype=object)
    out = text[codes_]
    out[blank] = np.nan
    return out


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    d = pd.to_datetime(days, unit="D")
    shifted = d + pd.DateOffset(years=years)
    return ((shifted - pd.Timestamp(EPOCH)).days).to_numpy(dtype=np.int64)
