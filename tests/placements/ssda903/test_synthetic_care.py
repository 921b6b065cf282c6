"""synthetic_care: periods of care inside the years asked for, and episodes that follow on in each child."""

import datetime as dt

import numpy as np

from placements.ssda903.synthetic_care import periods_of_care, simulate
from placements.ssda903.synthetic_common import day_number


def test_periods_of_care_overlap_the_window_and_end_by_18():
    w0, w1 = day_number(dt.date(2023, 4, 1)), day_number(dt.date(2024, 3, 31))
    kids = periods_of_care(np.random.default_rng(0), 2000, w0, w1)
    assert len(kids) == 2000
    assert (kids["end"] >= w0).all() and (kids["start"] <= w1).all() and (kids["end"] > kids["start"]).all()
    assert (kids["end"] <= kids["eighteen"]).all()
    assert (kids["at_18"] == (kids["end"] == kids["eighteen"])).all()


def test_episodes_follow_on_within_each_child():
    sim = simulate(np.random.default_rng(0), 1000, 2023, 2024)
    ep = sim["episodes"]
    same = ep["child"].to_numpy()[1:] == ep["child"].to_numpy()[:-1]
    decom, dec = ep["decom"].to_numpy(), ep["dec"].to_numpy()
    assert (decom[1:][same] > decom[:-1][same]).all()
    assert (dec[:-1][same] == decom[1:][same]).all()  # an episode ends the day the next one starts
    assert (ep["rec"].to_numpy()[:-1][same] == "X1").all()
    assert ep.loc[ep["first"], "rne"].eq("S").all()
    assert (decom <= sim["w1"]).all()
