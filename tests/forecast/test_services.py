"""The forecast service: stored results equal the pure model's, runs are reused, failures recorded."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecast.engine import model as fm
from forecast.engine.costs import project_costs
from forecast.engine.results import forecast_compute
from forecast.engine.scenarios import scenario_from_spec
from forecast.models import ForecastRun, ForecastScenario, UnitCost
from forecast.selectors import (
    forecast_data_span,
    forecast_default_window,
    forecast_frames,
    unit_cost_rows,
)
from forecast.services import forecast_run_request
from sufficiency.models import LocalAuthority
from tests.forecast.fixtures import *  # noqa: F403 (the demo_la and run_now fixtures)


def test_data_span_and_default_window(demo_la):
    assert forecast_data_span(la=demo_la) == (date(2017, 3, 31), date(2021, 3, 31))
    assert forecast_default_window(la=demo_la) == (date(2018, 3, 31), date(2021, 3, 31))


def test_stored_results_equal_the_pure_model(demo_la, manager, run_now):
    run, created = run_now(
        la=demo_la, ref_start=date(2018, 3, 31), ref_end=date(2021, 3, 31), horizon_months=24, user=manager
    )
    assert created
    assert run.status == ForecastRun.Status.SUCCEEDED, run.error
    episodes, header = forecast_frames(la=demo_la)
    rates = fm.fit(episodes, header, "2018-03-31", "2021-03-31")
    proj = fm.project(rates, fm.initial_stock(episodes, header, "2021-03-31"), "2021-03-31", 24)
    res = run.results
    assert len(res["dates"]) == 25
    total = proj.total()
    assert np.allclose(res["total"]["mean"], total["mean"], atol=1e-3)
    assert np.allclose(res["total"]["high"], total["high"], atol=1e-3)
    groups = proj.by_group()
    for g in fm.GROUPS:
        assert np.allclose(res["by_group"][g]["mean"], groups[groups["group"] == g]["mean"], atol=1e-3)
        assert np.allclose(res["by_group"][g]["low"], groups[groups["group"] == g]["low"], atol=1e-3)
    bands = proj.by_band()
    assert np.allclose(
        res["by_band"]["10_15"]["mean"], bands[bands["age_band"] == "10_15"]["mean"], atol=1e-3
    )
    # the history on the start date is the initial stock
    i = res["history"]["dates"].index("2021-03-31")
    assert res["history"]["total"][i] == pytest.approx(res["total"]["mean"][0])
    costs = project_costs(proj, pd.DataFrame(unit_cost_rows(la=demo_la)))
    stored = pd.DataFrame(res["costs"]["rows"], columns=res["costs"]["columns"])
    ext = stored[(stored.group == "residential") & (stored.provider == "external")]
    exp = costs[(costs.group == "residential") & (costs.provider == "external")]
    assert np.allclose(ext["cost"].astype(float), exp["cost"], rtol=1e-6)
    assert stored[stored.group == "adoption"]["cost"].isna().all()  # no unit cost held: no cost, not 0
    # the rolling backtest: origins every 6 months from a year into the data (31 March 2017), 12 and 24
    # months ahead within the data held
    bt = res["backtest"]
    assert bt["kind"] == "rolling" and bt["horizons"] == [12, 24]
    checks = {(r["origin"], r["horizon"]) for r in bt["rows"]}
    assert checks == {
        ("2018-03-31", 12),
        ("2018-09-30", 12),
        ("2019-03-31", 12),
        ("2019-09-30", 12),
        ("2020-03-31", 12),
        ("2018-03-31", 24),
        ("2018-09-30", 24),
        ("2019-03-31", 24),
    }
    assert len(bt["rows"]) == len(checks) * 9 and bt["coverage"]["total_checks"] == len(checks)
    assert bt["coverage"]["within"] <= bt["coverage"]["checks"] <= len(checks) * 8
    first = next(r for r in bt["rows"] if r["origin"] == "2018-03-31" and r["group"] == "total")
    assert first["fit_start"] == "2017-03-31" and first["window_months"] == 12
    assert first["target_date"] == "2019-03-31"
    assert first["actual"] == fm.initial_stock(episodes, header, "2019-03-31").sum()
    assert res["band"]["rates"] and res["band"]["draws"] > 0 and len(res["band"]["includes"]) == 3


def test_the_same_parameters_reuse_the_stored_run(demo_la):
    args = {"la": demo_la, "ref_start": date(2019, 3, 31), "ref_end": date(2021, 3, 31), "horizon_months": 12}
    first, created = forecast_run_request(**args)
    again, created_again = forecast_run_request(**args)
    assert created and not created_again and again.pk == first.pk
    # a new unit cost changes the inputs: a new run
    UnitCost.objects.create(
        la=demo_la,
        group="residential",
        provider="in_house",
        weekly_cost=3000,
        effective_from=date(2020, 4, 1),
    )
    third, created_third = forecast_run_request(**args)
    assert created_third and third.pk != first.pk


def test_scenario_run_equals_the_pure_scenario(demo_la, manager, run_now):
    specs = [{"kind": "entry_trend", "rate": -0.05}, {"kind": "residential_to_fostering", "fraction": 0.1}]
    scenario = ForecastScenario.objects.create(
        la=demo_la, name="Fewer entries", owner=manager, adjustments=specs
    )
    run, _ = run_now(
        la=demo_la,
        ref_start=date(2019, 3, 31),
        ref_end=date(2021, 3, 31),
        horizon_months=12,
        scenario=scenario,
    )
    assert run.status == "succeeded", run.error
    episodes, header = forecast_frames(la=demo_la)
    rates = fm.fit(episodes, header, "2019-03-31", "2021-03-31")
    stock = fm.initial_stock(episodes, header, "2021-03-31")
    proj = fm.project(rates, stock, "2021-03-31", 12, [scenario_from_spec("x", specs)])
    assert np.allclose(run.results["total"]["mean"], proj.total()["mean"], atol=1e-3)
    assert run.results["scenario"]["descriptions"][0].startswith("Entries into care: 5% fewer")


def test_a_run_without_returns_fails_with_a_message(seeded_core, run_now):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    run, _ = run_now(la=norfolk, ref_start=date(2019, 3, 31), ref_end=date(2021, 3, 31), horizon_months=12)
    assert run.status == "failed" and "No SSDA903 returns" in run.error


def test_forecast_compute_is_pure_and_json_safe():
    import json

    rng_entries = np.full(fm.N_STATES, 0.5)
    exits = np.full(fm.N_STATES, 0.03)
    T = np.tile(np.eye(fm.N_GROUPS), (fm.N_BANDS, 1, 1))
    episodes, header = fm.simulate_episodes(rng_entries, exits, T, "2016-03-31", 60, seed=3)
    res = forecast_compute(
        episodes,
        header,
        ref_start="2018-03-31",
        ref_end="2021-03-31",
        horizon_months=36,
        unit_costs=[],
        data_start="2016-03-31",
        data_end="2021-03-31",
    )
    text = json.dumps(res, allow_nan=False)  # no NaN: PostgreSQL's jsonb refuses it
    assert len(text) < 500_000
    assert res["backtest"]["window_months"] == 36  # the reference window's length, at most, per origin
    assert {r["window_months"] for r in res["backtest"]["rows"]} == {12, 18, 24, 30, 36}
    assert len(res["yearly"]) == 3 * fm.N_GROUPS


def test_a_run_stored_under_an_older_results_version_is_not_found(demo_la, monkeypatch):
    from forecast import selectors

    args = {"la": demo_la, "ref_start": date(2018, 3, 31), "ref_end": date(2021, 3, 31), "horizon_months": 12}
    monkeypatch.setattr(selectors, "RESULTS_VERSION", 1)
    old = ForecastRun.objects.create(
        **args,
        inputs_key=selectors.forecast_inputs_key(la=demo_la),
        status=ForecastRun.Status.SUCCEEDED,
        results={"version": 1},
    )
    assert selectors.forecast_run_find(**args) == old
    monkeypatch.undo()
    assert selectors.forecast_run_find(**args) is None  # the page asks for a new run


def test_the_fit_starts_no_earlier_than_the_data_held():
    entries = np.full(fm.N_STATES, 0.5)
    exits = np.full(fm.N_STATES, 0.03)
    T = np.tile(np.eye(fm.N_GROUPS), (fm.N_BANDS, 1, 1))
    episodes, header = fm.simulate_episodes(entries, exits, T, "2016-03-31", 60, seed=4)
    held = {"data_start": "2017-03-31", "data_end": "2021-03-31", "unit_costs": []}
    early = forecast_compute(
        episodes, header, ref_start="2015-03-31", ref_end="2021-03-31", horizon_months=12, **held
    )
    within = forecast_compute(
        episodes, header, ref_start="2017-03-31", ref_end="2021-03-31", horizon_months=12, **held
    )
    assert early["rates"]["ref_start"] == "2017-03-31" and early["rates"]["months"] == 48
    assert early["total"] == within["total"]
