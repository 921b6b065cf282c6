"""Projection: the expected stock per state month by month and its covariance, propagated exactly from a
one-month matrix and Poisson entries, with the band's further uncertainty (forecast.engine.uncertainty)
added by `project`. Pure numpy/pandas (see model.py for the method)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from forecast.engine import uncertainty as fu
from forecast.engine.data import AGE_BANDS, GROUPS, N_BANDS, N_GROUPS, N_STATES, STATES, Z95, month_dates
from forecast.engine.rates import FittedRates


class Adjustment(Protocol):
    """Scenario hook; every method is optional (see forecast.engine.scenarios)."""

    def entry_factor(self, month: int, date: pd.Timestamp) -> float | np.ndarray: ...

    def transfer(self, month: int, date: pd.Timestamp) -> np.ndarray | None: ...

    def in_house_share(self, date: pd.Timestamp, start: pd.Timestamp, share: np.ndarray) -> np.ndarray: ...


def _as_list(adjustments: Any) -> list[Any]:
    if adjustments is None:
        return []
    if isinstance(adjustments, Sequence) and not isinstance(adjustments, str):
        return list(adjustments)
    return [adjustments]


@dataclass
class Projection:
    """Expected stock per state per month (row 0 = the initial stock on start_date)."""

    dates: pd.DatetimeIndex  # months + 1 dates
    mean: np.ndarray  # (months + 1, 40)
    cov: np.ndarray  # (months + 1, 40, 40)
    entries: np.ndarray  # (months, 40) expected entries during month m (row m - 1)
    in_house_share: np.ndarray  # (months + 1, 8) share of each group's stock costed as in-house
    rates: FittedRates | None = None
    initial: np.ndarray | None = None
    adjustments: list[Any] = field(default_factory=list)
    states: list[tuple[str, str]] = field(default_factory=lambda: list(STATES))
    band: dict = field(default_factory=dict)  # what the band includes (uncertainty.describe)

    @property
    def sd(self) -> np.ndarray:
        return np.sqrt(np.maximum(np.einsum("tii->ti", self.cov), 0))

    def aggregate(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd over time of linear combinations: weights (k, 40) -> (months + 1, k) each."""
        W = np.atleast_2d(weights)
        mean = self.mean @ W.T
        var = np.einsum("ki,tij,kj->tk", W, self.cov, W)
        return mean, np.sqrt(np.maximum(var, 0))

    def _frame(self, keys: list[str], weights: np.ndarray, key_name: str) -> pd.DataFrame:
        mean, sd = self.aggregate(weights)
        T, k = mean.shape
        return pd.DataFrame(
            {
                "month": np.repeat(np.arange(T), k),
                "date": np.repeat(self.dates.to_numpy(), k),
                key_name: np.tile(np.array(keys, dtype=object), T),
                "mean": mean.ravel(),
                "sd": sd.ravel(),
                "low": np.maximum(mean - Z95 * sd, 0).ravel(),
                "high": (mean + Z95 * sd).ravel(),
            }
        )

    def by_group(self) -> pd.DataFrame:
        W = np.zeros((N_GROUPS, N_STATES))
        W[np.arange(N_STATES) % N_GROUPS, np.arange(N_STATES)] = 1
        return self._frame(GROUPS, W, "group")

    def by_band(self) -> pd.DataFrame:
        W = np.zeros((N_BANDS, N_STATES))
        W[np.arange(N_STATES) // N_GROUPS, np.arange(N_STATES)] = 1
        return self._frame(AGE_BANDS, W, "age_band")

    def total(self) -> pd.DataFrame:
        return self._frame(["total"], np.ones((1, N_STATES)), "group")

    def by_state(self) -> pd.DataFrame:
        df = self._frame([f"{b}|{g}" for b, g in self.states], np.eye(N_STATES), "state")
        df[["age_band", "group"]] = df.pop("state").str.split("|", expand=True)
        return df


def _adjusted(adj: list[Any], dates: pd.DatetimeIndex, months: int) -> tuple[list, list]:
    """Per projected month m = 1..months: the scenario's transfer matrix (or None) and entry factor."""
    transfers: list[np.ndarray | None] = []
    factors: list[Any] = []
    for m in range(1, months + 1):
        M, f = None, 1.0
        for a in adj:
            if hasattr(a, "transfer"):
                T = a.transfer(m, dates[m])
                if T is not None:
                    M = T if M is None else M @ T
            if hasattr(a, "entry_factor"):
                f = f * a.entry_factor(m, dates[m])
        transfers.append(M)
        factors.append(f)
    return transfers, factors


def project_matrix(
    P: np.ndarray,
    entries: np.ndarray,
    initial: np.ndarray,
    start_date: Any,
    months: int,
    adjustments: Any = None,
    in_house_share: np.ndarray | None = None,
    rates: FittedRates | None = None,
) -> Projection:
    """Exact mean/covariance recursion for a given one-month matrix P and Poisson entries."""
    adj = _as_list(adjustments)
    P = np.asarray(P, dtype=float)
    lam0 = np.asarray(entries, dtype=float)
    n = len(lam0)
    dates = month_dates(start_date, months)
    mean = np.zeros((months + 1, n))
    cov = np.zeros((months + 1, n, n))
    ent = np.zeros((months, n))
    mean[0] = np.asarray(initial, dtype=float)  # the initial stock is known: zero covariance
    share0 = np.ones(N_GROUPS) if in_house_share is None else np.asarray(in_house_share, dtype=float)
    shares = np.tile(share0, (months + 1, 1))
    for a in adj:
        if hasattr(a, "in_house_share"):
            for t, d in enumerate(dates):
                shares[t] = a.in_house_share(d, dates[0], shares[t])
    transfers, factors = _adjusted(adj, dates, months)
    for t in range(months):
        Pt = P if transfers[t] is None else P @ transfers[t]
        lam = lam0 * factors[t]
        mu, S = mean[t], cov[t]
        mean[t + 1] = Pt.T @ mu + lam
        multinomial = np.diag(Pt.T @ mu) - (Pt.T * mu) @ Pt
        cov[t + 1] = Pt.T @ S @ Pt + multinomial + np.diag(lam)
        ent[t] = lam
    return Projection(
        dates=dates,
        mean=mean,
        cov=cov,
        entries=ent,
        in_house_share=shares,
        rates=rates,
        initial=mean[0].copy(),
        adjustments=adj,
    )


def project(
    rates: FittedRates,
    initial_stock: Any,
    start_date: Any,
    months: int,
    adjustments: Any = None,
    uncertainty: fu.Uncertainty | None = fu.FULL,
) -> Projection:
    """Project ``months`` months ahead from the stock on start_date (array of 40, band-major).

    The band holds the process variance given the fitted rates and, unless ``uncertainty`` is None, the
    uncertainty of the rates and year-to-year change of entries (forecast.engine.uncertainty)."""
    proj = project_matrix(
        rates.matrix(),
        rates.entries,
        np.asarray(initial_stock, dtype=float),
        start_date,
        months,
        adjustments,
        rates.in_house_share,
        rates,
    )
    if uncertainty is None:
        proj.band = fu.describe(None, None)
        return proj
    rng = np.random.default_rng(uncertainty.seed)
    n = uncertainty.draws
    if uncertainty.rates:
        P, lam = fu.rate_draws(rates, n, rng)
    else:
        P, lam = np.broadcast_to(rates.matrix(), (n, N_STATES, N_STATES)), np.tile(rates.entries, (n, 1))
    drift = (
        fu.entry_drift_estimate(rates.monthly_entries)
        if uncertainty.entry_drift is None
        else {"tau": uncertainty.entry_drift, "tau_data": None, "years": [], "prior": None}
    )
    factors = fu.drift_factors(months, drift["tau"], rates.months, n, rng)
    transfers, entry_factors = _adjusted(proj.adjustments, proj.dates, months)
    paths = fu.mean_paths(P, lam, proj.mean[0], transfers, entry_factors, factors)
    proj.cov = proj.cov + fu.between_covariance(paths)
    proj.band = fu.describe(uncertainty, drift)
    return proj
