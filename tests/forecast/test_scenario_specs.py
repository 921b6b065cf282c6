"""Stored scenario adjustments (JSON) and the prepared-once model paths (no database)."""

import numpy as np
import pandas as pd
import pytest

from forecast.engine import model as fm
from forecast.engine.scenarios import (
    EntryTrend,
    InHouseShareTarget,
    ResidentialToFostering,
    adjustment_from_spec,
    describe_spec,
    scenario_from_spec,
)


def test_specs_build_the_adjustments():
    s = scenario_from_spec(
        "S",
        [
            {"kind": "entry_trend", "rate": -0.05},
            {"kind": "residential_to_fostering", "fraction": 0.1, "target": "fostered_agency"},
            {"kind": "in_house_share_target", "share": 0.2, "by": "2024-03-31"},
        ],
    )
    assert s.adjustments[0] == EntryTrend(-0.05)
    assert s.adjustments[1] == ResidentialToFostering(0.1, target="fostered_agency")
    assert s.adjustments[2] == InHouseShareTarget(0.2, pd.Timestamp("2024-03-31"))
    assert s.entry_factor(12, pd.Timestamp("2022-03-31")) == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "nope"}, "unknown adjustment kind"),
        ({"kind": "entry_trend"}, "'rate' is missing"),
        ({"kind": "entry_trend", "rate": "x"}, "'rate' must be a number"),
        ({"kind": "entry_trend", "rate": 5}, "between"),
        ({"kind": "residential_to_fostering", "fraction": 1.5}, "between"),
        ({"kind": "residential_to_fostering", "fraction": 0.1, "target": "residential"}, "must differ"),
        ({"kind": "residential_to_fostering", "fraction": 0.1, "target": "castle"}, "must be one of"),
        ({"kind": "in_house_share_target", "share": 0.2}, "'by' (a date) is missing"),
        ({"kind": "in_house_share_target", "share": 0.2, "by": "soon"}, "must be a date"),
        ("entry_trend", "must be an object"),
    ],
)
def test_invalid_specs_say_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        adjustment_from_spec(spec)


def test_adjustments_must_be_a_list():
    with pytest.raises(ValueError, match="must be a list"):
        scenario_from_spec("S", {"kind": "entry_trend", "rate": 0.1})


def test_descriptions():
    assert (
        describe_spec({"kind": "entry_trend", "rate": -0.05})
        == "Entries into care: 5% fewer each year, compounding"
    )
    assert (
        describe_spec({"kind": "residential_to_fostering", "fraction": 0.1})
        == "10% of children in residential care move to in-house fostering each year"
    )
    assert describe_spec({"kind": "in_house_share_target", "share": 0.2, "by": "2024-04-01"}) == (
        "In-house share of residential care rises (or falls) in a straight line to 20% by 1 April 2024 "
        "(costs only)"
    )


@pytest.fixture(scope="module")
def simulated():
    entries = np.full(fm.N_STATES, 0.5)
    exits = np.full(fm.N_STATES, 0.04)
    T = np.tile(np.eye(fm.N_GROUPS) * 0.97 + 0.03 / fm.N_GROUPS, (fm.N_BANDS, 1, 1))
    return fm.simulate_episodes(entries, exits, T, "2016-03-31", 60, seed=9)


def test_prepared_once_gives_the_same_answers(simulated):
    episodes, header = simulated
    p = fm.prepare(episodes, header)
    a = fm.fit(episodes, header, "2018-03-31", "2021-03-31")
    b = fm.fit(p, None, "2018-03-31", "2021-03-31")
    assert np.array_equal(a.counts, b.counts)
    assert np.array_equal(
        fm.initial_stock(episodes, header, "2020-06-30"), fm.initial_stock(p, None, "2020-06-30")
    )
    hist = fm.stock_history(p, None, ["2019-03-31", "2020-03-31"])
    assert np.array_equal(hist[1], fm.initial_stock(episodes, header, "2020-03-31"))


def test_backtest_on_prepared_equals_refitting_what_was_known(simulated):
    episodes, header = simulated
    fit_end, target = pd.Timestamp("2020-03-31"), pd.Timestamp("2021-03-31")
    known = episodes[episodes["decom"] <= fit_end].copy()
    known.loc[known["dec"] > fit_end, "dec"] = pd.NaT
    rates = fm.fit(known, header, fit_end - pd.DateOffset(months=24), fit_end)
    proj = fm.project(rates, fm.initial_stock(known, header, fit_end), fit_end, 12)
    bt = fm.backtest(fm.prepare(episodes, header), None, fit_end, target, 24)
    assert bt["projected"].iloc[-1] == pytest.approx(proj.total()["mean"].iloc[-1])
    assert bt["actual"].iloc[-1] == fm.initial_stock(episodes, header, target).sum()
