import numpy as np
import pandas as pd
import pytest

from forecast.engine.costs import annual_totals, project_costs, unit_costs_frame
from forecast.engine.model import (
    GROUPS,
    N_GROUPS,
    N_STATES,
    FittedRates,
    project_matrix,
    rates_from_counts,
    state_index,
)
from forecast.engine.scenarios import (
    EntryTrend,
    InHouseShareTarget,
    ResidentialToFostering,
    Scenario,
    compare,
    run_scenario,
)

RES = GROUPS.index("residential")


def still_rates(entries=None, share=None) -> FittedRates:
    """No exits, no moves, no ageing: P = identity."""
    counts = np.zeros((N_STATES + 1, N_STATES + 1))
    counts[np.arange(N_STATES), np.arange(N_STATES)] = 100
    if entries is not None:
        counts[N_STATES, :N_STATES] = np.asarray(entries) * 12
    return rates_from_counts(counts, 12, "2019-03-31", "2020-03-31", share)


def baseline(rates, initial, months=24):
    return project_matrix(
        rates.matrix(), rates.entries, initial, "2020-03-31", months, None, rates.in_house_share, rates
    )


def test_entries_minus_five_percent_a_year():
    lam = np.zeros(N_STATES)
    lam[state_index("10_15", "residential")] = 2.0
    lam[state_index("5_9", "fostered_agency")] = 5.0
    r = still_rates(lam)
    base = baseline(r, np.zeros(N_STATES))
    scen = run_scenario(base, Scenario("fewer entries", [EntryTrend(-0.05)]))
    np.testing.assert_allclose(base.entries, np.tile(lam, (24, 1)))
    np.testing.assert_allclose(scen.entries[11], 0.95 * base.entries[11])  # month 12
    np.testing.assert_allclose(scen.entries[23], 0.95**2 * base.entries[23])
    # with P = I the stock is the sum of the entries
    assert scen.mean[12].sum() == pytest.approx(7.0 * sum(0.95 ** (m / 12) for m in range(1, 13)))


def test_ten_percent_of_residential_moves_to_fostering_each_year():
    r = still_rates()
    init = np.zeros(N_STATES)
    init[state_index("10_15", "residential")] = 200
    init[state_index("16_plus", "residential")] = 50
    base = baseline(r, init)
    scen = run_scenario(base, Scenario("step down", [ResidentialToFostering(0.10)]))
    assert scen.mean[12, state_index("10_15", "residential")] == pytest.approx(180)
    assert scen.mean[12, state_index("10_15", "fostered_in_house")] == pytest.approx(20)
    assert scen.mean[24, state_index("16_plus", "residential")] == pytest.approx(50 * 0.81)
    assert scen.mean[12].sum() == pytest.approx(250)  # a transfer, not an exit
    assert base.mean[12, state_index("10_15", "residential")] == 200
    # the move is a per-child draw: binomial variance 200 * 0.1 * 0.9 after a year
    assert scen.cov[
        12, state_index("10_15", "residential"), state_index("10_15", "residential")
    ] == pytest.approx(18)


def test_scenarios_compose():
    lam = np.zeros(N_STATES)
    lam[state_index("10_15", "residential")] = 1.0
    r = still_rates(lam)
    init = np.zeros(N_STATES)
    init[state_index("10_15", "residential")] = 100
    base = baseline(r, init, 12)
    both = Scenario("both", [EntryTrend(-0.05), ResidentialToFostering(0.10)])
    nested = Scenario(
        "nested", [Scenario("a", [EntryTrend(-0.05)]), Scenario("b", [ResidentialToFostering(0.10)])]
    )
    a, b = run_scenario(base, both), run_scenario(base, nested)
    np.testing.assert_allclose(a.mean, b.mean)
    np.testing.assert_allclose(a.entries[11], 0.95 * base.entries[11])
    assert a.mean[12].sum() == pytest.approx(100 + sum(0.95 ** (m / 12) for m in range(1, 13)))


def test_in_house_share_target_is_linear_to_the_date_then_held():
    share = np.full(N_GROUPS, 0.5)
    share[RES] = 0.1
    r = still_rates(share=share)
    base = baseline(r, np.zeros(N_STATES), 24)
    scen = run_scenario(base, Scenario("in-house", [InHouseShareTarget(0.2, "2021-03-31")]))
    s = scen.in_house_share[:, RES]
    assert s[0] == pytest.approx(0.1)
    assert s[12] == pytest.approx(0.2)
    assert s[6] == pytest.approx(
        0.1 + 0.1 * (pd.Timestamp("2020-09-30") - pd.Timestamp("2020-03-31")).days / 365
    )
    assert s[24] == pytest.approx(0.2)
    np.testing.assert_allclose(scen.in_house_share[:, GROUPS.index("adoption")], 0.5)
    np.testing.assert_allclose(scen.mean, base.mean)  # cost split only


UNIT = [
    {"group": "residential", "provider": "external", "weekly_cost": 2850, "effective_from": "2019-04-01"},
    {"group": "residential", "provider": "in_house", "weekly_cost": 695, "effective_from": "2019-04-01"},
    {"group": "residential", "provider": "external", "weekly_cost": 3000, "effective_from": "2020-06-01"},
]


def test_costs_are_placement_weeks_times_unit_cost_exactly():
    share = np.zeros(N_GROUPS)
    share[RES] = 0.2
    r = still_rates(share=share)
    init = np.zeros(N_STATES)
    init[state_index("10_15", "residential")] = 100
    proj = baseline(r, init, 3)
    c = project_costs(proj, UNIT)
    res = c[c["group"] == "residential"].set_index(["month", "provider"])
    # April 2020: 30 days, 80 external children at 2850, 20 in-house at 695
    assert res.loc[(1, "external"), "placement_weeks"] == pytest.approx(80 * 30 / 7)
    assert res.loc[(1, "external"), "cost"] == pytest.approx(80 * 30 / 7 * 2850)
    assert res.loc[(1, "in_house"), "cost"] == pytest.approx(20 * 30 / 7 * 695)
    assert res.loc[(1, "external"), "weekly_cost"] == pytest.approx(80 * 2850)
    assert res.loc[(1, "external"), "annual_cost"] == pytest.approx(80 * 2850 * 365.25 / 7)
    # the new rate is in force from June 2020 (month 2 ends 31 May, month 3 ends 30 June)
    assert res.loc[(2, "external"), "unit_cost"] == 2850
    assert res.loc[(3, "external"), "unit_cost"] == 3000
    np.testing.assert_allclose(c["cost"], c["placement_weeks"] * c["unit_cost"])
    assert c[c["group"] == "adoption"]["unit_cost"].isna().all()
    yearly = annual_totals(c)
    assert yearly[(yearly["group"] == "residential")]["cost"].sum() == pytest.approx(res["cost"].sum())


def test_unit_costs_validation():
    with pytest.raises(ValueError):
        unit_costs_frame([{"group": "castle", "provider": "in_house", "weekly_cost": 1}])
    df = unit_costs_frame([{"group": "adoption", "provider": "in_house", "weekly_cost": 10}])
    assert df["effective_from"].iloc[0] == pd.Timestamp("1900-01-01")


def test_compare_is_tidy_with_baseline_and_costs():
    share = np.zeros(N_GROUPS)
    share[RES] = 0.1
    lam = np.zeros(N_STATES)
    lam[state_index("10_15", "residential")] = 2
    r = still_rates(lam, share)
    init = np.zeros(N_STATES)
    init[state_index("10_15", "residential")] = 100
    base = baseline(r, init, 12)
    out = compare(
        base,
        [
            Scenario("fewer", [EntryTrend(-0.05)], actions=["No Wrong Door"]),
            Scenario("in-house 20%", [InHouseShareTarget(0.2, "2021-03-31")]),
        ],
        pd.DataFrame(UNIT),
    )
    assert list(out.columns) == ["scenario", "month", "date", "group", "mean", "low", "high", "cost"]
    assert set(out["scenario"]) == {"baseline", "fewer", "in-house 20%"}
    assert len(out) == 3 * 13 * 8
    row = out[(out["month"] == 12) & (out["group"] == "residential")].set_index("scenario")
    assert row.loc["fewer", "mean"] < row.loc["baseline", "mean"]
    assert row.loc["in-house 20%", "mean"] == pytest.approx(row.loc["baseline", "mean"])
    assert row.loc["in-house 20%", "cost"] < row.loc["baseline", "cost"]  # in-house is cheaper
    assert np.isnan(out[out["month"] == 0]["cost"]).all()
    named = compare(base, {"same": base})
    assert set(named["scenario"]) == {"baseline", "same"} and named["cost"].isna().all()


def test_a_scenario_of_a_run_s_baseline_has_the_run_s_band():
    from forecast.engine.projection import project

    r = still_rates()
    init = np.zeros(N_STATES)
    init[state_index("10_15", "residential")] = 200
    process_only = run_scenario(baseline(r, init), Scenario("step down", [ResidentialToFostering(0.10)]))
    full = run_scenario(
        project(r, init, "2020-03-31", 24), Scenario("step down", [ResidentialToFostering(0.10)])
    )
    assert full.band["draws"] > 0 and not process_only.band.get("draws")
    i = state_index("10_15", "residential")
    assert full.cov[12, i, i] > process_only.cov[12, i, i]  # the rates' own uncertainty widens it
    assert full.mean[12, i] == pytest.approx(process_only.mean[12, i])
