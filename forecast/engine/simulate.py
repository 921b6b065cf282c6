"""A simulator of children entering, moving and leaving care month by month, for the tests and the
benchmark: the model's own assumptions, optionally with entry rates that drift from year to year."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.data import BAND_LOWER, N_BANDS, N_GROUPS, N_STATES, month_dates

_SIM_PLACE = {
    0: ("U1", "PR1"),
    1: ("U4", "PR1"),
    2: ("U4", "PR4"),
    3: ("A5", "PR1"),
    4: ("P1", "PR0"),
    5: ("K2", "PR4"),
    6: ("H5", "PR4"),
    7: ("Z1", None),
}


def simulate_episodes(
    entries: np.ndarray,
    exits: np.ndarray,
    transitions: np.ndarray,
    start: Any,
    months: int,
    seed: int = 0,
    initial: np.ndarray | None = None,
    entry_factors: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Children entering (Poisson ``entries`` per state per month), exiting (prob ``exits`` per state)
    and moving group (``transitions`` (5, 8, 8) within band) month by month, with at most one event per
    child per month on a random day in (t_k, t_k+1]; age bands follow real DOBs (an entrant to band b is
    of uniform age within it; children turning 18 leave). ``entry_factors`` (one per month, e.g. from
    drifting_entry_factors) multiply the entry rates month by month. Returns (episodes, header)."""
    rng = np.random.default_rng(seed)
    dates = month_dates(start, months)
    days = dates.to_numpy(dtype="datetime64[D]").astype(np.int64)
    upper = np.r_[BAND_LOWER[1:], 18]
    ep_child: list[np.ndarray] = []
    ep_decom: list[np.ndarray] = []
    ep_dec: list[np.ndarray] = []
    ep_group: list[np.ndarray] = []
    ep_rec: list[np.ndarray] = []
    dob_all: list[np.ndarray] = []
    # live arrays
    cid = np.zeros(0, dtype=np.int64)
    dob = np.zeros(0, dtype=np.int64)
    grp = np.zeros(0, dtype=np.int64)
    open_from = np.zeros(0, dtype=np.int64)
    next_id = 0

    def new_children(counts: np.ndarray, day_lo: int, day_hi: int) -> None:
        nonlocal cid, dob, grp, open_from, next_id
        state = np.repeat(np.arange(N_STATES), counts)
        k = len(state)
        band = state // N_GROUPS
        when = rng.integers(day_lo, day_hi, size=k, endpoint=True)
        # age at the next snapshot (day_hi) is uniform within the band, so the entrant is seen in band b
        age_days = rng.uniform(BAND_LOWER[band] * 365.25 + 1, upper[band] * 365.25 - 1)
        d = (day_hi - age_days).astype(np.int64)
        cid = np.r_[cid, np.arange(next_id, next_id + k)]
        dob_all.append(d)
        dob = np.r_[dob, d]
        grp = np.r_[grp, state % N_GROUPS]
        open_from = np.r_[open_from, when]
        next_id += k

    def band_on(day: int, d: np.ndarray) -> np.ndarray:
        years = (day - d) / 365.25
        return np.clip(np.searchsorted(BAND_LOWER, years, side="right") - 1, 0, N_BANDS - 1), years

    if initial is not None:
        new_children(np.asarray(initial, dtype=np.int64), days[0] - 300, days[0])
    cum_T = np.cumsum(transitions, axis=2)
    for k in range(months):
        lo, hi = days[k] + 1, days[k + 1]
        band, years = band_on(days[k], dob)
        state = band * N_GROUPS + grp
        n = len(cid)
        when = rng.integers(lo, hi, size=n, endpoint=True)
        leave = rng.random(n) < exits[state]
        u = rng.random(n)
        new_grp = (u[:, None] > cum_T[band, grp]).sum(1)
        new_grp = np.minimum(new_grp, N_GROUPS - 1)
        # turning 18 within the month ends care on the birthday (a 16+ exit)
        eighteen = dob + int(18 * 365.25)
        age_out = ~leave & (eighteen <= hi)
        when = np.where(age_out, np.maximum(eighteen, lo), when)
        leave |= age_out
        move = ~leave & (new_grp != grp)
        close = leave | move
        ep_child.append(cid[close])
        ep_decom.append(open_from[close])
        ep_dec.append(when[close])
        ep_group.append(grp[close])
        ep_rec.append(np.where(leave[close], "E8", "X1"))
        open_from = np.where(move, when, open_from)
        grp = np.where(move, new_grp, grp)
        keep = ~leave
        cid, dob, grp, open_from = cid[keep], dob[keep], grp[keep], open_from[keep]
        factor = 1.0 if entry_factors is None else float(entry_factors[k])
        new_children(rng.poisson(np.asarray(entries) * factor), lo, hi)
    far = np.iinfo(np.int64).max // 2
    ep_child.append(cid)
    ep_decom.append(open_from)
    ep_dec.append(np.full(len(cid), far))
    ep_group.append(grp)
    ep_rec.append(np.full(len(cid), None, dtype=object))
    c = np.concatenate(ep_child)
    g = np.concatenate(ep_group)
    dec = np.concatenate(ep_dec)
    place = np.array([_SIM_PLACE[i][0] for i in range(N_GROUPS)], dtype=object)[g]
    prov = np.array([_SIM_PLACE[i][1] for i in range(N_GROUPS)], dtype=object)[g]
    dec_dt = dec.astype("datetime64[D]").astype("datetime64[ns]")
    dec_dt[dec == far] = np.datetime64("NaT")
    episodes = pd.DataFrame(
        {
            "child": pd.Series(c).astype(str),
            "decom": np.concatenate(ep_decom).astype("datetime64[D]").astype("datetime64[ns]"),
            "dec": dec_dt,
            "place": place,
            "place_provider": prov,
            "rne": "P",
            "rec": np.concatenate([r.astype(object) for r in ep_rec]),
        }
    )
    header = pd.DataFrame(
        {
            "child": pd.Series(np.arange(next_id)).astype(str),
            "dob": np.concatenate(dob_all).astype("datetime64[D]").astype("datetime64[ns]"),
        }
    )
    return episodes, header


def drifting_entry_factors(months: int, yearly_sd: float, seed: int = 0) -> np.ndarray:
    """Monthly multipliers of the entry rates whose logarithm is a random walk: each month moves by
    N(0, yearly_sd^2 / 12), so over a year the rate drifts by about yearly_sd (e.g. 0.1 = 10%)."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, yearly_sd / np.sqrt(12), months)
    return np.exp(np.cumsum(steps))
