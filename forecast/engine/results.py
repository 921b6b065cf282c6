"""The stored form of a forecast: fit, project, cost and backtest an authority's episodes and return the
JSON-safe dict a ForecastRun keeps (forecast.services stores it; the pages read it). Pure.

Keys: dates (projection month ends, row 0 = the start), total / by_group / by_band / by_state
({mean, low, high} lists, 95% band), history (actual stock by group and band on monthly dates aligned to
the start, over the data held), rates (summary per group), in_house_share, costs (one row per projected
month x group x provider: children, placement_weeks, unit_cost, cost, weekly_cost, annual_cost),
annual_costs, yearly (demand per projection year for the sufficiency table), unit_costs, scenario,
band (what the 95% band includes: uncertainty.describe), backtest (the rolling-origin backtest: origins
every 6 months within the data, 12 and 24 months ahead, one row per origin x horizon x group and the
total, and how often the actual fell in the band). NaN is stored as null.

Version 2: the band holds the rates' uncertainty and year-to-year change of entries, and the backtest is
the rolling one; runs stored under version 1 are not shown (their inputs key differs).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine import costs as forecast_costs
from forecast.engine import model as fm
from forecast.engine.backtest import HORIZONS, ORIGIN_STEP, coverage, rolling_from_pairs
from forecast.engine.scenarios import describe_spec, scenario_from_spec
from placements.groups import GROUPS as PLACEMENT_GROUPS

HISTORY_MONTHS = 120
RESULTS_VERSION = 2


def _num(x: Any, digits: int = 4) -> float | None:
    """A JSON-safe number: NaN and infinities become None (PostgreSQL's jsonb rejects NaN)."""
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else round(x, digits)


def _nums(values: Any, digits: int = 4) -> list[float | None]:
    return [_num(v, digits) for v in np.asarray(values, dtype=float).ravel()]


def _series(frame: pd.DataFrame, key: str, keys: list[str]) -> dict[str, dict[str, list]]:
    out = {}
    for k in keys:
        rows = frame[frame[key] == k].sort_values("month")
        out[k] = {"mean": _nums(rows["mean"]), "low": _nums(rows["low"]), "high": _nums(rows["high"])}
    return out


def _history_dates(ref_end: pd.Timestamp, data_start: pd.Timestamp, data_end: pd.Timestamp) -> list:
    """Monthly dates aligned to ref_end, from the data's start to its end (at most HISTORY_MONTHS back)."""
    back = [ref_end - pd.DateOffset(months=k) for k in range(HISTORY_MONTHS + 1)]
    back = [d for d in back if d >= data_start]
    forward = []
    k = 1
    while ref_end + pd.DateOffset(months=k) <= data_end:
        forward.append(ref_end + pd.DateOffset(months=k))
        k += 1
    return sorted(back) + forward


def _yearly(proj: fm.Projection) -> list[dict]:
    """Per projection year (12 months from the start): mean children of each group over the year's
    month ends, split in-house/external by the projection's share, and bed nights (children x days)."""
    W = np.zeros((fm.N_GROUPS, fm.N_STATES))
    W[np.arange(fm.N_STATES) % fm.N_GROUPS, np.arange(fm.N_STATES)] = 1
    stock = proj.mean[1:] @ W.T  # (M, 8)
    share = proj.in_house_share[1:]
    days = np.diff(proj.dates.to_numpy()).astype("timedelta64[D]").astype(float)
    out = []
    months = len(stock)
    for y in range((months + 11) // 12):
        sl = slice(12 * y, min(12 * (y + 1), months))
        for g, group in enumerate(fm.GROUPS):
            s, sh, d = stock[sl, g], share[sl, g], days[sl]
            out.append(
                {
                    "year": y + 1,
                    "year_end": proj.dates[min(12 * (y + 1), months)].date().isoformat(),
                    "months": int(sl.stop - sl.start),
                    "group": group,
                    "children": _num(s.mean(), 2),
                    "in_house": _num((s * sh).mean(), 2),
                    "external": _num((s * (1 - sh)).mean(), 2),
                    "bed_nights": _num((s * d).sum(), 1),
                    "in_house_bed_nights": _num((s * sh * d).sum(), 1),
                }
            )
    return out


def _backtest(pairs: fm.PairCounts, start_index: int, window: int) -> dict:
    """The rolling-origin backtest as stored: rows, and how often the actual fell in the band."""
    checks = rolling_from_pairs(pairs, start_index, window)
    if checks.empty:
        return {
            "kind": "rolling",
            "skipped": "Not enough data held to fit on a year and check a year ahead.",
            "rows": [],
        }
    rows = [
        {
            "origin": pd.Timestamp(r.origin).date().isoformat(),
            "fit_start": pd.Timestamp(r.fit_start).date().isoformat(),
            "window_months": int(r.window_months),
            "horizon": int(r.horizon),
            "target_date": pd.Timestamp(r.target_date).date().isoformat(),
            "group": r.group,
            "projected": _num(r.projected, 2),
            "low": _num(r.low, 2),
            "high": _num(r.high, 2),
            "actual": _num(r.actual, 0),
            "error": _num(r.error, 2),
            "pct_error": _num(r.pct_error, 1),
            "within_band": bool(r.within_band),
        }
        for r in checks.itertuples()
    ]
    first_year = checks[(checks["horizon"] == HORIZONS[0]) & (checks["group"] != "total")]
    bias = first_year.groupby("group", sort=False)["error"].agg(["mean", "std", "count"])
    return {
        "kind": "rolling",
        "horizons": list(HORIZONS),
        "step_months": ORIGIN_STEP,
        "window_months": int(window),
        "coverage": coverage(checks),
        "first_year_bias": {
            g: {
                "mean_error": _num(b["mean"], 2),
                "se": _num(b["std"] / math.sqrt(b["count"]), 2) if b["count"] > 1 else None,
                "checks": int(b["count"]),
            }
            for g, b in bias.iterrows()
        },
        "rows": rows,
    }


def _fit(
    prepared: Any, pairs: fm.PairCounts, ref_start: pd.Timestamp, ref_end: pd.Timestamp
) -> fm.FittedRates:
    """The rates over the window, from the history's pair counts when its dates are the window's months."""
    dates = list(pairs.dates)
    if ref_start in dates and ref_end in dates:
        i0, i1 = dates.index(ref_start), dates.index(ref_end)
        K = i1 - i0
        if K >= 1 and list(fm.month_dates(ref_start, K)) == dates[i0 : i1 + 1]:
            return fm.rates_from_pairs(pairs, ref_end, slice(i0, i1))
    return fm.fit(prepared, None, ref_start, ref_end)


def forecast_compute(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    *,
    ref_start: Any,
    ref_end: Any,
    horizon_months: int,
    unit_costs: list[dict],
    scenario_name: str | None = None,
    scenario_specs: list[dict] | None = None,
    data_start: Any = None,
    data_end: Any = None,
    backtest: bool = True,
) -> dict:
    """Fit, project, cost and backtest; returns the JSON-safe results a ForecastRun stores. Pure."""
    ref_start, ref_end = pd.Timestamp(ref_start), pd.Timestamp(ref_end)
    data_start = pd.Timestamp(data_start) if data_start is not None else ref_start
    data_end = pd.Timestamp(data_end) if data_end is not None else ref_end
    prepared = fm.prepare(episodes, header)  # once: fit, history, stock and backtest share it
    history_dates = _history_dates(ref_end, data_start, data_end)
    if ref_end not in history_dates:  # the data end before the window does: still project from its end
        history_dates = sorted({*history_dates, ref_end})
    pairs = fm.pair_counts(prepared, history_dates)  # one snapshot per month: history, fit and backtest
    history = pairs.stock
    # before the data held the stock is incomplete (children already in care would count as entries)
    fit_start = max(ref_start, data_start) if data_start < ref_end else ref_start
    rates = _fit(prepared, pairs, fit_start, ref_end)
    start_index = history_dates.index(ref_end)
    stock = history[start_index]
    adjustments = []
    scenario = None
    if scenario_specs is not None:
        scenario = scenario_from_spec(scenario_name or "scenario", scenario_specs)
        adjustments = [scenario]
    proj = fm.project(rates, stock, ref_end, horizon_months, adjustments)

    uc = pd.DataFrame(unit_costs, columns=["group", "provider", "weekly_cost", "effective_from"])
    cost = forecast_costs.project_costs(proj, uc)
    annual = forecast_costs.annual_totals(cost)

    by_group = proj.by_group()
    by_band = proj.by_band()
    total = proj.total()
    states = proj.by_state()
    states["state"] = states["age_band"] + "|" + states["group"]

    g_idx = np.arange(fm.N_STATES) % fm.N_GROUPS
    b_idx = np.arange(fm.N_STATES) // fm.N_GROUPS
    results = {
        "version": RESULTS_VERSION,
        "groups": list(fm.GROUPS),
        "bands": list(fm.AGE_BANDS),
        "start": ref_end.date().isoformat(),
        "dates": [d.date().isoformat() for d in proj.dates],
        "total": _series(total, "group", ["total"])["total"],
        "by_group": _series(by_group, "group", fm.GROUPS),
        "by_band": _series(by_band, "age_band", fm.AGE_BANDS),
        "by_state": _series(states, "state", [f"{b}|{g}" for b, g in fm.STATES]),
        "history": {
            "dates": [d.date().isoformat() for d in history_dates],
            "total": _nums(history.sum(1), 0),
            "by_group": {g: _nums(history[:, g_idx == i].sum(1), 0) for i, g in enumerate(fm.GROUPS)},
            "by_band": {b: _nums(history[:, b_idx == i].sum(1), 0) for i, b in enumerate(fm.AGE_BANDS)},
        },
        "rates": {
            "months": int(rates.months),
            "ref_start": fit_start.date().isoformat(),
            "ref_end": ref_end.date().isoformat(),
            "entries_per_month": {
                g: _num(rates.entries[g_idx == i].sum(), 3) for i, g in enumerate(fm.GROUPS)
            },
            "exit_probability": {
                g: _num(
                    (rates.exits * rates.exposure)[g_idx == i].sum()
                    / max(rates.exposure[g_idx == i].sum(), 1),
                    4,
                )
                for i, g in enumerate(fm.GROUPS)
            },
            "in_house_share": {g: _num(rates.in_house_share[i], 4) for i, g in enumerate(fm.GROUPS)},
        },
        "in_house_share": [_nums(row) for row in proj.in_house_share],
        "costs": {
            "columns": [
                "month",
                "date",
                "group",
                "provider",
                "children",
                "placement_weeks",
                "unit_cost",
                "cost",
                "weekly_cost",
                "annual_cost",
            ],
            "rows": [
                [
                    int(r.month),
                    pd.Timestamp(r.date).date().isoformat(),
                    r.group,
                    r.provider,
                    _num(r.children, 3),
                    _num(r.placement_weeks, 2),
                    _num(r.unit_cost, 2),
                    _num(r.cost, 2),
                    _num(r.weekly_cost, 2),
                    _num(r.annual_cost, 2),
                ]
                for r in cost.itertuples()
            ],
        },
        "annual_costs": [
            {
                "year": int(r.year),
                "group": r.group,
                "provider": r.provider,
                "placement_weeks": _num(r.placement_weeks, 1),
                "cost": _num(r.cost, 2),
            }
            for r in annual.itertuples()
        ],
        "yearly": _yearly(proj),
        "unit_costs": unit_costs,
        "scenario": None
        if scenario is None
        else {
            "name": scenario.name,
            "adjustments": scenario_specs,
            "descriptions": [describe_spec(s) for s in scenario_specs],
        },
    }
    results["band"] = proj.band
    results["backtest"] = (
        _backtest(pairs, start_index, rates.months)
        if backtest
        else {"kind": "rolling", "skipped": "Not run.", "rows": []}
    )
    return results


PROJECTION_COLUMNS = ["date", "group", "projected", "lower_95", "upper_95"]


def projection_rows(results: dict) -> list[list]:
    """One row per projected month end (not the start, whose stock is known) x group, then the total:
    [ISO date, the group's measure code (PlacementGroup.measure) or "total", projected, lower 95%, upper 95%]."""
    out = []
    measure = {g.key: g.measure for g in PLACEMENT_GROUPS}
    series = [(measure[g], results["by_group"][g]) for g in results["groups"]]
    series.append(("total", results["total"]))
    for m in range(1, len(results["dates"])):
        for code, s in series:
            out.append([results["dates"][m], code, s["mean"][m], s["low"][m], s["high"][m]])
    return out
