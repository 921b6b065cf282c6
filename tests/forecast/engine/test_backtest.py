"""The rolling-origin backtest (forecast.engine.backtest) and the first year's projection by group."""

import numpy as np
import pandas as pd
import pytest

from forecast.engine.model import (
    GROUPS,
    N_GROUPS,
    N_STATES,
    backtest,
    coverage,
    drifting_entry_factors,
    initial_stock,
    prepare,
    rolling_backtest,
    simulate_episodes,
)


def rates(exit_p=0.03, move=0.04):
    lam = np.zeros(N_STATES)
    for b, g, r in [(0, 0, 3), (1, 1, 4), (2, 2, 5), (2, 5, 3), (3, 5, 4), (3, 1, 5), (3, 6, 2)]:
        lam[b * N_GROUPS + g] = r
    exits = np.full(N_STATES, exit_p)
    T = np.tile(np.eye(N_GROUPS) * (1 - move) + move / N_GROUPS, (5, 1, 1))
    return lam, exits, T / T.sum(2, keepdims=True)


@pytest.fixture(scope="module")
def simulated():
    lam, exits, T = rates()
    return prepare(*simulate_episodes(lam, exits, T, "2016-03-31", 60, seed=21))


def test_origins_every_six_months_twelve_and_twenty_four_months_ahead(simulated):
    checks = rolling_backtest(
        simulated, None, start="2021-03-31", data_start="2016-03-31", data_end="2021-03-31", window_months=24
    )
    keys = checks[["origin", "horizon"]].drop_duplicates()
    origins = pd.date_range("2017-03-31", "2020-03-31", freq="6ME")
    assert list(keys[keys["horizon"] == 12]["origin"]) == list(origins)
    assert list(keys[keys["horizon"] == 24]["origin"]) == list(origins[origins <= "2019-03-31"])
    assert checks.groupby(["origin", "horizon"])["group"].apply(lambda g: list(g) == GROUPS + ["total"]).all()
    first = checks[checks["origin"] == "2017-03-31"]
    assert (first["window_months"] == 12).all() and (first["fit_start"] == "2016-03-31").all()
    assert (checks[checks["origin"] >= "2018-03-31"]["window_months"] == 24).all()
    row = checks[(checks["origin"] == "2019-09-30") & (checks["group"] == "total")].iloc[0]
    assert row["target_date"] == pd.Timestamp("2020-09-30")
    assert row["actual"] == initial_stock(simulated, None, "2020-09-30").sum()
    np.testing.assert_allclose(checks["error"], checks["projected"] - checks["actual"])
    c = coverage(checks)
    assert c["origins"] == 7 and c["total_checks"] == 7 + 5
    assert c["checks"] <= 12 * 8 and c["within"] == checks[checks["group"] != "total"]["within_band"].sum()


def test_each_origin_equals_a_backtest_on_what_was_known_then(simulated):
    # the snapshots are taken once for every origin: the same as refitting on the episodes known then
    checks = rolling_backtest(
        simulated, None, start="2021-03-31", data_start="2016-03-31", data_end="2021-03-31", window_months=24
    )
    rolled = checks[(checks["origin"] == "2019-03-31") & (checks["horizon"] == 24)].reset_index(drop=True)
    single = backtest(simulated, None, "2019-03-31", "2021-03-31", window_months=24)
    for column in ("projected", "low", "high", "actual"):
        np.testing.assert_allclose(rolled[column], single[column], rtol=1e-9)


def test_too_little_data_gives_no_checks(simulated):
    checks = rolling_backtest(
        simulated, None, start="2021-03-31", data_start="2020-09-30", data_end="2021-03-31", window_months=24
    )
    assert checks.empty and "within_band" in checks.columns


def test_the_first_year_has_no_bias_of_its_own_on_data_following_the_model():
    # The first-year over-projection of fostering (+12 to +43) is not the model's: on data that
    # follow its assumptions the first year's error by group averages to zero over seeds and origins.
    lam, exits, T = rates()
    errors = []
    for seed in range(6):
        p = prepare(*simulate_episodes(lam, exits, T, "2014-03-31", 84, seed=100 + seed))
        checks = rolling_backtest(
            p,
            None,
            start="2021-03-31",
            data_start="2016-03-31",
            data_end="2021-03-31",
            window_months=36,
            horizons=(12,),
            step=12,
            uncertainty=None,
        )
        errors.append(checks[checks["window_months"] == 36])
    errors = pd.concat(errors)
    fostering = errors[errors["group"].str.startswith("fostered")].groupby(["origin", "group"])["error"]
    per_check = errors[errors["group"].str.startswith("fostered")]["error"]
    assert len(per_check) == 6 * 2 * 3 and fostering.ngroups == 6
    assert abs(per_check.mean()) < 3 * per_check.std() / np.sqrt(len(per_check))


def test_a_simulator_with_drifting_entries():
    lam, exits, T = rates()
    factors = drifting_entry_factors(48, 0.2, seed=3)
    assert factors.shape == (48,) and factors.min() > 0 and factors.std() > 0.02
    steady = simulate_episodes(lam, exits, T, "2017-03-31", 48, seed=5)
    drifting = simulate_episodes(lam, exits, T, "2017-03-31", 48, seed=5, entry_factors=np.full(48, 2.0))
    assert len(drifting[1]) > 1.6 * len(steady[1])  # twice the entries
