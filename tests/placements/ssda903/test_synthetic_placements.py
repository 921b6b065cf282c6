"""synthetic_placements: placement codes valid on the days they run, and real postcodes near home or far."""

import datetime as dt

import numpy as np
import pandas as pd

from placements.ssda903 import codes
from placements.ssda903.synthetic_common import H5_Z1_UNTIL, K3_FROM, P2_LAST_START, Z1X_FROM, day_number
from placements.ssda903.synthetic_placements import (
    NORFOLK_CODE,
    NORFOLK_DISTRICTS,
    Pools,
    placement_kinds,
    upper_tier_la,
)


def test_placement_codes_are_valid_on_the_days_they_run():
    rng = np.random.default_rng(1)
    n = 20_000
    start = rng.integers(day_number(dt.date(2022, 4, 1)), day_number(dt.date(2026, 3, 31)), size=n)
    end = np.minimum(start + 200, day_number(dt.date(2026, 3, 31)))
    kinds = placement_kinds(rng, np.full(n, 17.0), np.zeros(n, dtype=bool), start, end)
    place = kinds["place"].to_numpy(dtype=object)
    assert set(place) <= codes.PLACE_ALL
    assert not (place == "K3")[start < K3_FROM].any()
    assert not np.isin(place, ["H5", "Z1"])[end > H5_Z1_UNTIL].any()
    assert not (place == "P2")[end > P2_LAST_START].any()
    assert not np.isin(place, ["Z11", "Z12", "Z13", "Z14"])[start < Z1X_FROM].any()
    assert {"K3", "H5", "P2"} <= set(place)  # semi-independent living under each year's code


def test_upper_tier_la_where_it_can_be_told():
    out = upper_tier_la(np.array(["E07000143", "E06000001", "E07000001", None], dtype=object))
    assert out[:2].tolist() == [NORFOLK_CODE, "E06000001"]
    assert pd.isna(out[2]) and pd.isna(out[3])


def test_a_near_placement_is_in_the_same_cell_as_home():
    rng = np.random.default_rng(2)
    pools = Pools(rng, size=2000)
    homes = pools.homes(rng, 500)
    near = pools.near(rng, homes)
    assert (pools.cell[near] == pools.cell[homes]).all()
    assert pools.home["la"].isin(NORFOLK_DISTRICTS).all()
    assert not pools.far["la"].isin(NORFOLK_DISTRICTS).any()
