"""The band's uncertainty beyond the chance of who enters, moves and leaves: the rates are estimated from a
few hundred events, and entries into care vary from year to year more than a fixed rate implies.

Both are propagated by drawing rate sets and combining, by the law of total variance, the process
covariance of the projection (exact, at the fitted rates) with the covariance between the draws' expected
stocks: Var(N) = E[Var(N | rates)] + Var(E[N | rates]). The process part is taken at the fitted rates (it
is linear in the entry rates, so its mean over the draws differs only in second-order terms).

- Rates (a Bayesian posterior of each, the counts of the reference window as data): entries into each
  state Gamma(count, months) (a never-seen state keeps no entries), exits Beta(exits + 1/2, stays + 1/2),
  each state's placement moves Dirichlet(the moves counted), ageing Beta(up + 1/2, stay + 1/2).
- Year-to-year variation of entries: the logarithm of the entry rate (all states together) follows a
  random walk of ``tau`` a year. The fitted rate is the window's average, so the rate at the start
  already differs from it (variance tau^2 L / 3 for a window of L years) and drifts further month by
  month (tau^2 / 12 a month); the multiplier has mean 1. tau is estimated from the window's yearly entry
  counts (the squared year-on-year changes beyond the Poisson noise, 2 x mean), pooled with a prior of
  ENTRY_DRIFT_PRIOR worth ENTRY_DRIFT_PRIOR_YEARS yearly changes, since three years say little alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.engine.data import N_BANDS, N_GROUPS, N_STATES
from forecast.engine.rates import FittedRates, transition_matrix

DRAWS = 400
ENTRY_DRIFT_PRIOR = 0.05  # yearly change of entries into care beyond chance, before seeing the data
ENTRY_DRIFT_PRIOR_YEARS = 2  # the prior counts as this many observed year-on-year changes


@dataclass(frozen=True)
class Uncertainty:
    """What the band includes besides the process variance; pass None to `project` for that alone."""

    draws: int = DRAWS
    seed: int = 0
    rates: bool = True  # the estimated rates' own uncertainty
    entry_drift: float | None = None  # yearly sd of the log entry rate; None: estimated from the window


FULL = Uncertainty()


def entry_drift_estimate(monthly_entries: Any) -> dict:
    """The yearly drift ``tau`` of the entry rate from month-by-month entries (whole years counted back
    from the window's end). Returns {"tau", "tau_data" (None under two whole years), "years", "prior"}."""
    m = np.asarray(monthly_entries if monthly_entries is not None else [], dtype=float)
    years = len(m) // 12
    y = m[len(m) - 12 * years :].reshape(years, 12).sum(1) if years else np.zeros(0)
    tau2_data = None
    changes = max(years - 1, 0)
    if changes and y.mean() > 0:
        mu = y.mean()
        # a yearly average of a random walk: Var(Y2 - Y1) = 2 mu (Poisson) + (2/3) mu^2 tau^2
        tau2_data = max(0.0, (np.mean(np.diff(y) ** 2) - 2 * mu) / (2 / 3 * mu**2))
    w = ENTRY_DRIFT_PRIOR_YEARS
    tau2 = (w * ENTRY_DRIFT_PRIOR**2 + (changes * tau2_data if tau2_data is not None else 0.0)) / (
        w + (changes if tau2_data is not None else 0)
    )
    return {
        "tau": float(np.sqrt(tau2)),
        "tau_data": None if tau2_data is None else float(np.sqrt(tau2_data)),
        "years": [float(v) for v in y],
        "prior": ENTRY_DRIFT_PRIOR,
    }


def entry_rate_draws(counts: np.ndarray, months: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Posterior draws (n, S) of Poisson rates per month from ``counts`` events seen over ``months``."""
    c = np.asarray(counts, dtype=float)
    draws = rng.gamma(np.where(c > 0, c, 1.0), 1.0 / max(months, 1), size=(n, len(c)))
    return np.where(c > 0, draws, 0.0)


def probability_draws(
    events: np.ndarray, trials: np.ndarray, n: int, rng: np.random.Generator, fallback: Any = 0.0
) -> np.ndarray:
    """Beta(events + 1/2, trials - events + 1/2) draws (n, S); ``fallback`` where there were no trials."""
    x, t = np.asarray(events, dtype=float), np.asarray(trials, dtype=float)
    draws = rng.beta(x + 0.5, np.maximum(t - x, 0) + 0.5, size=(n, len(x)))
    return np.where(t > 0, draws, np.broadcast_to(fallback, x.shape))


def rate_draws(rates: FittedRates, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n draws of (P (n, 40, 40), entries (n, 40)) from the posterior of the rates given their counts."""
    counts = np.asarray(rates.counts, dtype=float)
    inner = counts[:N_STATES, :N_STATES]
    lam = entry_rate_draws(counts[N_STATES, :N_STATES], rates.months, n, rng)
    exits = probability_draws(counts[:N_STATES, N_STATES], rates.exposure, n, rng, rates.exits)
    to_group = inner.reshape(N_STATES, N_BANDS, N_GROUPS).sum(1)  # (40, 8) moves of stayers
    g = rng.gamma(np.where(to_group > 0, to_group, 1.0), size=(n, N_STATES, N_GROUPS))
    g = np.where(to_group > 0, g, 0.0)
    total = g.sum(2, keepdims=True)
    T = np.where(
        total > 0, g / np.where(total > 0, total, 1.0), rates.transitions.reshape(N_STATES, N_GROUPS)
    )
    ageing = np.zeros((n, N_BANDS))
    for b in range(N_BANDS - 1):
        rows = slice(b * N_GROUPS, (b + 1) * N_GROUPS)
        up = inner[rows, (b + 1) * N_GROUPS : (b + 2) * N_GROUPS].sum()
        stay = inner[rows].sum()
        ageing[:, b] = probability_draws(np.array([up]), np.array([stay]), n, rng)[:, 0]
    return transition_matrix(exits, T.reshape(n, N_BANDS, N_GROUPS, N_GROUPS), ageing), lam


def drift_factors(
    months: int, tau: float, window_months: int, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Multipliers (n, months) of the entry rate, mean 1, for months 1..months after the window's end."""
    if tau <= 0:
        return np.ones((n, months))
    start = rng.normal(0.0, tau * np.sqrt(window_months / 12 / 3), size=(n, 1))
    walk = start + np.cumsum(rng.normal(0.0, tau / np.sqrt(12), size=(n, months)), axis=1)
    var = tau**2 * (window_months / 12 / 3 + np.arange(1, months + 1) / 12)
    return np.exp(walk - var / 2)


def mean_paths(
    P: np.ndarray,
    entries: np.ndarray,
    initial: np.ndarray,
    transfers: list[np.ndarray | None],
    entry_factors: list[Any],
    drift: np.ndarray,
) -> np.ndarray:
    """Expected stock (n, months + 1, S) of each draw: P (n, S, S), entries (n, S); per month m = 1..M the
    scenario's transfer matrix (or None) and entry factor, and drift (n, M) multipliers of entries."""
    n, months = len(P), len(transfers)
    out = np.zeros((n, months + 1, len(initial)))
    out[:, 0] = initial
    mu = np.broadcast_to(np.asarray(initial, dtype=float), (n, len(initial)))
    for t in range(months):
        mu = np.einsum("ri,rij->rj", mu, P)
        if transfers[t] is not None:
            mu = mu @ transfers[t]
        mu = mu + entries * entry_factors[t] * drift[:, t, None]
        out[:, t + 1] = mu
    return out


def between_covariance(paths: np.ndarray) -> np.ndarray:
    """Covariance (months + 1, S, S) of the draws' expected stocks."""
    dev = paths - paths.mean(0)
    return np.einsum("rti,rtj->tij", dev, dev) / max(len(paths) - 1, 1)


def describe(u: Uncertainty | None, drift: dict | None) -> dict:
    """What the band includes, in words and figures (stored with a run)."""
    parts = ["the chance of which children enter care, move placement and leave, month by month"]
    if u is not None and u.rates:
        parts.append("the uncertainty of the rates themselves, estimated from a limited number of children")
    if u is not None and drift is not None and drift["tau"] > 0:
        parts.append(
            f"year-to-year change in the number of children entering care (about {drift['tau'] * 100:.0f}% "
            "a year, judged from the reference window's yearly entries together with a typical change of "
            f"{ENTRY_DRIFT_PRIOR * 100:.0f}% a year)"
        )
    return {
        "includes": parts,
        "draws": 0 if u is None else u.draws,
        "rates": bool(u is not None and u.rates),
        "entry_drift": None if drift is None else drift["tau"],
        "entry_drift_data": None if drift is None else drift["tau_data"],
        "yearly_entries": None if drift is None else drift["years"],
    }
