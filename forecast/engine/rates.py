"""Monthly rates estimated from snapshot-pair counts (see model.py for the method). Pure numpy/pandas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.data import (
    N_BANDS,
    N_GROUPS,
    N_STATES,
    STATES,
    _Prepared,
    _prepared,
    _whole_months,
    month_dates,
    pair_counts,
)


def transition_matrix(exits: np.ndarray, transitions: np.ndarray, ageing: np.ndarray) -> np.ndarray:
    """One-month matrices P (..., 40, 40) from exits (..., 40), transitions (..., 5, 8, 8) and ageing
    (..., 5); leading dimensions are draws of the rates. Row sums = 1 - exit probability."""
    exits, transitions, ageing = np.asarray(exits), np.asarray(transitions), np.asarray(ageing)
    lead = exits.shape[:-1]
    P = np.zeros((*lead, N_STATES, N_STATES))
    stay = 1.0 - exits
    for b in range(N_BANDS):
        rows = slice(b * N_GROUPS, (b + 1) * N_GROUPS)
        block = stay[..., rows, None] * transitions[..., b, :, :]
        a = ageing[..., b, None, None] if b < N_BANDS - 1 else 0.0
        P[..., rows, rows] = block * (1.0 - a)
        if b < N_BANDS - 1:
            P[..., rows, (b + 1) * N_GROUPS : (b + 2) * N_GROUPS] = block * a
    return P


@dataclass
class FittedRates:
    """Monthly rates over the reference window. Index order of states: STATES (band-major)."""

    ref_start: pd.Timestamp
    ref_end: pd.Timestamp
    months: int  # K monthly steps observed
    entries: np.ndarray  # (40,) Poisson entries per month into each state
    entry_counts: np.ndarray  # (40,) entries observed over the window
    exits: np.ndarray  # (40,) monthly exit probability
    exposure: np.ndarray  # (40,) child-months at risk (snapshots in state with a following snapshot)
    transitions: np.ndarray  # (5, 8, 8) monthly group-to-group probabilities for stayers, per band
    ageing: np.ndarray  # (5,) monthly fraction of stayers moving up one band
    counts: np.ndarray  # (41, 41) raw snapshot-pair counts, index 40 = out of care
    in_house_share: np.ndarray  # (8,) observed in-house share of stock with known provider, per group
    states: list[tuple[str, str]] = field(default_factory=lambda: list(STATES))
    monthly_entries: np.ndarray | None = None  # (K,) entries into care observed month by month

    def matrix(self) -> np.ndarray:
        """One-month transition matrix P (40 x 40); row sums = 1 - exit probability."""
        return transition_matrix(self.exits, self.transitions, self.ageing)

    @property
    def exit_se(self) -> np.ndarray:
        n = np.maximum(self.exposure, 1)
        return np.sqrt(self.exits * (1 - self.exits) / n)

    @property
    def entry_se(self) -> np.ndarray:
        return np.sqrt(self.entry_counts) / max(self.months, 1)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "age_band": [s[0] for s in self.states],
                "group": [s[1] for s in self.states],
                "entries_per_month": self.entries,
                "exit_probability": self.exits,
                "exposure_child_months": self.exposure,
            }
        )


def rates_from_counts(
    counts: np.ndarray, months: int, ref_start: Any = None, ref_end: Any = None, in_house_share=None
) -> FittedRates:
    """Maximum-likelihood monthly rates from a (41, 41) snapshot-pair count matrix."""
    counts = np.asarray(counts, dtype=float)
    inner = counts[:N_STATES, :N_STATES]
    exits_n = counts[:N_STATES, N_STATES]
    exposure = inner.sum(1) + exits_n
    total_exp = exposure.sum()
    overall_exit = exits_n.sum() / total_exp if total_exp else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        exits = np.where(exposure > 0, exits_n / exposure, overall_exit)
    # stayers from (b, g) to group g' pooled over destination bands
    to_group = inner.reshape(N_STATES, N_BANDS, N_GROUPS).sum(1)  # (40, 8)
    stayers = to_group.sum(1)
    T = np.where(
        stayers[:, None] > 0,
        to_group / np.where(stayers > 0, stayers, 1)[:, None],
        np.eye(N_GROUPS)[np.arange(N_STATES) % N_GROUPS],
    )
    ageing = np.zeros(N_BANDS)
    for b in range(N_BANDS - 1):
        rows = slice(b * N_GROUPS, (b + 1) * N_GROUPS)
        up = inner[rows, (b + 1) * N_GROUPS : (b + 2) * N_GROUPS].sum()
        st = inner[rows].sum()
        ageing[b] = up / st if st else 0.0
    share = np.ones(N_GROUPS) if in_house_share is None else np.asarray(in_house_share, dtype=float)
    return FittedRates(
        ref_start=pd.Timestamp(ref_start) if ref_start is not None else pd.NaT,
        ref_end=pd.Timestamp(ref_end) if ref_end is not None else pd.NaT,
        months=int(months),
        entries=counts[N_STATES, :N_STATES] / max(months, 1),
        entry_counts=counts[N_STATES, :N_STATES].copy(),
        exits=exits,
        exposure=exposure,
        transitions=T.reshape(N_BANDS, N_GROUPS, N_GROUPS),
        ageing=ageing,
        counts=counts,
        in_house_share=share,
    )


def fit(
    episodes: pd.DataFrame | _Prepared, header: pd.DataFrame | None, ref_start: Any, ref_end: Any
) -> FittedRates:
    """Estimate monthly rates from the snapshots ref_start + k months, k = 0..K (within ref_end)."""
    p = _prepared(episodes, header)
    K = _whole_months(ref_start, ref_end)
    if K < 1:
        raise ValueError("the reference window must span at least one whole month")
    return rates_from_pairs(pair_counts(p, month_dates(ref_start, K)), ref_end)


def rates_from_pairs(pairs: Any, ref_end: Any = None, months: slice | None = None) -> FittedRates:
    """Rates from data.PairCounts (all its months, or months.start to months.stop of them)."""
    first, last = (0, len(pairs.counts)) if months is None else (months.start, months.stop)
    counts, providers = pairs.counts[first:last], pairs.providers[first:last]
    K = len(counts)
    prov = providers.sum(0)
    known = prov[:, 0] + prov[:, 1]
    share = np.where(known > 0, prov[:, 0] / np.maximum(known, 1), 1.0)
    end = pairs.dates[first + K] if ref_end is None else ref_end
    rates = rates_from_counts(counts.sum(0), K, pairs.dates[first], end, share)
    rates.monthly_entries = counts[:, N_STATES, :N_STATES].sum(1).astype(float)
    return rates
