"""Backtests: fit on what was known at an earlier date, project to dates already known, compare with the
actual stock. `rolling_backtest` does so from several start dates (origins) within the data, 12 and 24
months ahead, and counts how often the actual fell in the 95% band. Pure numpy/pandas."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecast.engine import uncertainty as fu
from forecast.engine.data import (
    GROUPS,
    N_GROUPS,
    N_STATES,
    Z95,
    PairCounts,
    _known_at,
    _Prepared,
    _prepared,
    _whole_months,
    initial_stock,
    pair_counts,
)
from forecast.engine.projection import project
from forecast.engine.rates import fit, rates_from_pairs

HORIZONS = (12, 24)
ORIGIN_STEP = 6  # months between origins
MIN_WINDOW = 12  # months of data an origin needs to fit on


def _compare(proj: Any, actual: np.ndarray, months: int) -> pd.DataFrame:
    """Per group and the total: projected, band and actual ``months`` after the projection's start."""
    W = np.zeros((N_GROUPS + 1, N_STATES))
    W[np.arange(N_STATES) % N_GROUPS, np.arange(N_STATES)] = 1
    W[N_GROUPS] = 1
    mean, sd = proj.aggregate(W)
    mean, sd = mean[months], sd[months]
    act = W @ actual
    out = pd.DataFrame(
        {
            "group": GROUPS + ["total"],
            "projected": mean,
            "low": np.maximum(mean - Z95 * sd, 0),
            "high": mean + Z95 * sd,
            "actual": act,
        }
    )
    out["error"] = out["projected"] - out["actual"]
    out["pct_error"] = np.where(
        out["actual"] > 0, out["error"] / out["actual"].where(out["actual"] > 0) * 100, np.nan
    )
    out["within_band"] = (out["actual"] >= out["low"]) & (out["actual"] <= out["high"])
    return out


def backtest(
    episodes: pd.DataFrame | _Prepared,
    header: pd.DataFrame | None,
    fit_end: Any,
    target_date: Any,
    window_months: int,
    uncertainty: fu.Uncertainty | None = fu.FULL,
) -> pd.DataFrame:
    """Fit on the window_months to fit_end, project to target_date, compare with the actual stock."""
    fit_end, target_date = pd.Timestamp(fit_end), pd.Timestamp(target_date)
    ref_start = fit_end - pd.DateOffset(months=window_months)
    p = _prepared(episodes, header)
    # Only what was known at fit_end: episodes begun after it are dropped, later ends are reopened.
    known = _known_at(p, fit_end)
    rates = fit(known, None, ref_start, fit_end)
    months = _whole_months(fit_end, target_date)
    proj = project(rates, initial_stock(known, None, fit_end), fit_end, months, uncertainty=uncertainty)
    actual = initial_stock(p, None, fit_end + pd.DateOffset(months=months))
    out = _compare(proj, actual, months)
    out.attrs.update(fit_end=fit_end, target_date=proj.dates[-1], months=months, window_months=window_months)
    return out


def rolling_backtest(
    episodes: pd.DataFrame | _Prepared,
    header: pd.DataFrame | None,
    *,
    start: Any,
    data_start: Any,
    data_end: Any,
    window_months: int,
    horizons: tuple[int, ...] = HORIZONS,
    step: int = ORIGIN_STEP,
    uncertainty: fu.Uncertainty | None = fu.FULL,
) -> pd.DataFrame:
    """Backtests from origins every ``step`` months (aligned to ``start``, the run's start) between
    data_start + MIN_WINDOW months and data_end - min(horizons): each fitted on up to window_months before
    it (what was known then) and compared with the actual stock ``horizons`` months later.

    One row per origin x horizon x group (and the total): origin, fit_start, window_months, horizon,
    target_date, projected, low, high, actual, error, pct_error, within_band. Snapshots aligned to
    ``start`` are taken once: a snapshot on or before an origin, and the stock on it, are the same
    whether or not later episodes are known, so every origin's fit reuses them."""
    start, data_start, data_end = pd.Timestamp(start), pd.Timestamp(data_start), pd.Timestamp(data_end)
    back = _whole_months(data_start, start) if data_start <= start else 0
    ahead = _whole_months(start, data_end) if data_end >= start else 0
    dates = [start - pd.DateOffset(months=k) for k in range(back, 0, -1)]
    dates = [d for d in dates if d >= data_start]
    dates += [start + pd.DateOffset(months=k) for k in range(ahead + 1)]
    dates = [d for d in dates if d <= data_end]
    if len(dates) < MIN_WINDOW + min(horizons) + 1:
        return _empty()
    pairs = pair_counts(_prepared(episodes, header), dates)
    return rolling_from_pairs(
        pairs, dates.index(start), window_months, horizons=horizons, step=step, uncertainty=uncertainty
    )


def rolling_from_pairs(
    pairs: PairCounts,
    start_index: int,
    window_months: int,
    *,
    horizons: tuple[int, ...] = HORIZONS,
    step: int = ORIGIN_STEP,
    uncertainty: fu.Uncertainty | None = fu.FULL,
) -> pd.DataFrame:
    """rolling_backtest on monthly pair counts already taken (origins aligned to dates[start_index])."""
    dates = list(pairs.dates)
    frames = []
    for i in range(start_index % step, len(dates), step):
        if i < MIN_WINDOW:
            continue
        todo = [h for h in horizons if i + h < len(dates)]
        if not todo:
            continue
        w = min(window_months, i)
        rates = rates_from_pairs(pairs, dates[i], slice(i - w, i))
        proj = project(rates, pairs.stock[i], dates[i], max(todo), uncertainty=uncertainty)
        for h in todo:
            out = _compare(proj, pairs.stock[i + h], h)
            out.insert(0, "origin", dates[i])
            out.insert(1, "fit_start", dates[i - w])
            out.insert(2, "window_months", w)
            out.insert(3, "horizon", h)
            out.insert(4, "target_date", dates[i + h])
            frames.append(out)
    return pd.concat(frames, ignore_index=True) if frames else _empty()


def _empty() -> pd.DataFrame:
    columns = ["origin", "fit_start", "window_months", "horizon", "target_date", "group", "projected"]
    return pd.DataFrame(columns=[*columns, "low", "high", "actual", "error", "pct_error", "within_band"])


def coverage(checks: pd.DataFrame) -> dict:
    """How often the actual fell in the band: over the groups' checks (leaving out a group with no
    children projected or found), and over the total's."""
    groups = checks[checks["group"] != "total"]
    groups = groups[(groups["high"] > 0) | (groups["actual"] > 0)]
    total = checks[checks["group"] == "total"]
    return {
        "checks": int(len(groups)),
        "within": int(groups["within_band"].sum()),
        "total_checks": int(len(total)),
        "total_within": int(total["within_band"].sum()),
        "origins": int(checks["origin"].nunique()),
    }
