"""The model's data: episodes and header as arrays, the state (age band x placement group) of every child on
a date, and the snapshot-pair counts the rates are estimated from. Pure numpy/pandas (see model.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from placements.groups import (
    EXTERNAL_PROVIDERS,
    GROUP_KEYS,
    IN_HOUSE_PROVIDERS,
    clean_codes,
    group_index_of_values,
)

GROUPS: list[str] = GROUP_KEYS  # placements/groups.py: the one list of groups and their rule
AGE_BANDS: list[str] = ["under_1", "1_4", "5_9", "10_15", "16_plus"]
BAND_LOWER = np.array([0, 1, 5, 10, 16])
N_GROUPS = len(GROUPS)
N_BANDS = len(AGE_BANDS)
N_STATES = N_GROUPS * N_BANDS
STATES: list[tuple[str, str]] = [(b, g) for b in AGE_BANDS for g in GROUPS]  # index = band * 8 + group
Z95 = 1.959963984540054


def state_index(band: str, group: str) -> int:
    return AGE_BANDS.index(band) * N_GROUPS + GROUPS.index(group)


def group_of(place: Iterable[Any], provider: Iterable[Any]) -> np.ndarray:
    """Placement group index (into GROUPS) of each PLACE / PLACE_PROVIDER pair (reference rules), the rule
    applied once per distinct pair of codes rather than to every episode."""
    return group_index_of_values(place, provider).astype(np.int8)


def _provider_class(group: np.ndarray, provider: pd.Series) -> np.ndarray:
    """0 in-house (PR1-PR3), 1 external (PR4-PR5; blank for agency fostering), 2 unknown."""
    pr = clean_codes(provider)
    out = np.full(len(pr), 2, dtype=np.int8)
    out[np.isin(pr, IN_HOUSE_PROVIDERS)] = 0
    out[np.isin(pr, EXTERNAL_PROVIDERS) | ((pr == "") & (group == GROUPS.index("fostered_agency")))] = 1
    return out


def _day(values: Any) -> np.ndarray:
    """Datetime-like -> int64 day numbers; NaT -> a far-future day."""
    arr = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[D]")
    out = arr.astype(np.int64)
    out[np.isnat(arr)] = np.iinfo(np.int64).max // 2
    return out


def month_dates(start: Any, months: int) -> pd.DatetimeIndex:
    start = pd.Timestamp(start)
    return pd.DatetimeIndex([start + pd.DateOffset(months=k) for k in range(months + 1)])


def _whole_months(start: Any, end: Any) -> int:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    k = (end.year - start.year) * 12 + end.month - start.month
    while k > 0 and start + pd.DateOffset(months=k) > end:
        k -= 1
    return max(k, 0)


@dataclass
class _Prepared:
    child: np.ndarray  # child index per episode, episodes sorted by (child, decom)
    decom: np.ndarray
    dec: np.ndarray
    group: np.ndarray
    provider: np.ndarray
    dob_year: np.ndarray  # per child
    dob_md: np.ndarray  # per child, month * 100 + day
    n_children: int


def _prepare(episodes: pd.DataFrame, header: pd.DataFrame) -> _Prepared:
    dob = header.dropna(subset=["dob"]).drop_duplicates("child", keep="last").set_index("child")["dob"]
    ep = episodes[episodes["child"].isin(dob.index)]
    codes, uniques = pd.factorize(ep["child"], sort=False)
    decom = _day(ep["decom"])
    order = np.lexsort((decom, codes))
    group = group_of(ep["place"], ep["place_provider"])
    provider = _provider_class(group, ep["place_provider"].reset_index(drop=True))
    dob_c = pd.to_datetime(dob.reindex(uniques)).reset_index(drop=True)
    return _Prepared(
        child=codes[order].astype(np.int64),
        decom=decom[order],
        dec=_day(ep["dec"])[order],
        group=group[order],
        provider=provider[order],
        dob_year=dob_c.dt.year.to_numpy(dtype=np.int64),
        dob_md=(dob_c.dt.month * 100 + dob_c.dt.day).to_numpy(dtype=np.int64),
        n_children=len(uniques),
    )


def prepare(episodes: pd.DataFrame, header: pd.DataFrame) -> _Prepared:
    """Episodes and header as the arrays fit / initial_stock / stock_history / backtest use. Pass the
    result in place of (episodes, header) to prepare once for several calls."""
    return _prepare(episodes, header)


def _prepared(episodes: pd.DataFrame | _Prepared, header: pd.DataFrame | None) -> _Prepared:
    return episodes if isinstance(episodes, _Prepared) else _prepare(episodes, header)


def _known_at(p: _Prepared, date: pd.Timestamp) -> _Prepared:
    """Only what was known on ``date``: episodes begun after it dropped, later ends reopened."""
    d = np.datetime64(pd.Timestamp(date).date(), "D").astype(np.int64)
    keep = p.decom <= d
    dec = np.where(p.dec[keep] > d, np.iinfo(np.int64).max // 2, p.dec[keep])
    return _Prepared(
        child=p.child[keep],
        decom=p.decom[keep],
        dec=dec,
        group=p.group[keep],
        provider=p.provider[keep],
        dob_year=p.dob_year,
        dob_md=p.dob_md,
        n_children=p.n_children,
    )


def _snapshot(p: _Prepared, date: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """(state per child, -1 when out of care; provider class per child, -1 when out of care)."""
    d = np.datetime64(date.date(), "D").astype(np.int64)
    idx = np.flatnonzero((p.decom <= d) & (p.dec > d))
    c = p.child[idx]
    last = np.ones(len(idx), dtype=bool)
    last[:-1] = c[1:] != c[:-1]
    idx, c = idx[last], c[last]
    age = date.year - p.dob_year[c] - ((date.month * 100 + date.day) < p.dob_md[c])
    band = np.searchsorted(BAND_LOWER, age, side="right") - 1
    band = np.clip(band, 0, N_BANDS - 1)
    state = np.full(p.n_children, -1, dtype=np.int16)
    state[c] = band * N_GROUPS + p.group[idx]
    prov = np.full(p.n_children, -1, dtype=np.int8)
    prov[c] = p.provider[idx]
    return state, prov


def initial_stock(episodes: pd.DataFrame | _Prepared, header: pd.DataFrame | None, date: Any) -> np.ndarray:
    """Children in care on ``date`` by state (40,), band-major as STATES."""
    p = _prepared(episodes, header)
    state, _ = _snapshot(p, pd.Timestamp(date))
    return np.bincount(state[state >= 0], minlength=N_STATES).astype(float)


def stock_history(
    episodes: pd.DataFrame | _Prepared, header: pd.DataFrame | None, dates: Sequence[Any]
) -> np.ndarray:
    """Children in care by state (len(dates), 40) on each date; the episodes are prepared once."""
    p = _prepared(episodes, header)
    out = np.zeros((len(dates), N_STATES))
    for k, date in enumerate(dates):
        state, _ = _snapshot(p, pd.Timestamp(date))
        out[k] = np.bincount(state[state >= 0], minlength=N_STATES)
    return out


@dataclass
class PairCounts:
    """Snapshot-pair counts month by month: dates[k] -> dates[k + 1] for k = 0..len(dates) - 2."""

    dates: pd.DatetimeIndex
    counts: np.ndarray  # (K, 41, 41) per month, index 40 = out of care (out -> out left 0)
    providers: (
        np.ndarray
    )  # (K, 8, 3) stock at dates[k] by group x provider class (in-house, external, unknown)
    stock: np.ndarray  # (K + 1, 40) children in care by state on each date


def pair_counts(p: _Prepared, dates: Sequence[Any]) -> PairCounts:
    """The counts of every consecutive pair of ``dates``, the stock on each date, one snapshot per date."""
    dates = pd.DatetimeIndex([pd.Timestamp(d) for d in dates])
    n = N_STATES + 1
    counts = np.zeros((max(len(dates) - 1, 0), n * n), dtype=np.int64)
    providers = np.zeros((max(len(dates) - 1, 0), N_GROUPS * 3), dtype=np.int64)
    stock = np.zeros((len(dates), N_STATES))
    prev, prov = _snapshot(p, dates[0])
    stock[0] = np.bincount(prev[prev >= 0], minlength=N_STATES)
    for k in range(1, len(dates)):
        in_care = prev >= 0
        providers[k - 1] = np.bincount((prev[in_care] % N_GROUPS) * 3 + prov[in_care], minlength=N_GROUPS * 3)
        cur, prov = _snapshot(p, dates[k])
        stock[k] = np.bincount(cur[cur >= 0], minlength=N_STATES)
        a = np.where(prev < 0, N_STATES, prev).astype(np.int64)
        b = np.where(cur < 0, N_STATES, cur).astype(np.int64)
        counts[k - 1] = np.bincount(a * n + b, minlength=n * n)
        prev = cur
    counts = counts.reshape(-1, n, n)
    counts[:, N_STATES, N_STATES] = 0  # out -> out carries no information
    return PairCounts(dates, counts, providers.reshape(-1, N_GROUPS, 3), stock)
