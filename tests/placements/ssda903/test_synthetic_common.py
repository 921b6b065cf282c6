"""synthetic_common: day numbers, dates written as an authority writes them, and weighted choices."""

import datetime as dt

import numpy as np
import pandas as pd

from placements.ssda903.synthetic_common import (
    EPOCH,
    K3_FROM,
    NEVER,
    P2_LAST_START,
    add_years,
    day_number,
    fmt_days,
    pick,
)


def test_day_numbers_count_from_1970():
    assert day_number(EPOCH) == 0 and day_number(dt.date(1970, 1, 2)) == 1


def test_code_validity_is_in_day_numbers():
    assert K3_FROM == day_number(dt.date(2024, 4, 1))
    assert P2_LAST_START == day_number(dt.date(2023, 10, 27))


def test_fmt_days_writes_dates_and_leaves_never_blank():
    out = fmt_days(np.array([0, day_number(dt.date(2024, 2, 29)), NEVER]))
    assert out[:2].tolist() == ["01/01/1970", "29/02/2024"] and pd.isna(out[2])


def test_add_years_moves_29_february_to_the_28th():
    days = np.array([day_number(dt.date(2006, 2, 28)), day_number(dt.date(2008, 2, 29))])
    assert add_years(days, 18).tolist() == [
        day_number(dt.date(2024, 2, 28)),
        day_number(dt.date(2026, 2, 28)),
    ]


def test_pick_draws_only_the_options_given_by_their_weights():
    drawn = pick(np.random.default_rng(0), 1000, ["A", "B", "C"], [1, 3, 0])
    assert set(drawn) == {"A", "B"} and 0.65 < (drawn == "B").mean() < 0.85
