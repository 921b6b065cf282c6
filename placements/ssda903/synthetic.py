"""Realistic synthetic SSDA903 returns, for demos, tests and benchmarks. They describe no real child.

`generate_return` simulates periods of care for a fixed number of children over the collection years
asked for, then cuts one return per year exactly as a local authority would submit it: every episode
open at some time during the year or ending in it, an episode still open on 31 March shown with DEC and
REC blank, so an episode spanning years appears (same CHILD and DECOM) in several years' returns.

The shape follows the national picture (DfE "Children looked after in England", roughly): about 70% of
children in foster care on 31 March (a fifth with relatives or friends, about a third with agency
carers), about 13% in residential or semi-independent placements, about 7% placed with parents, about
3% placed for adoption; ages skewed to 10–15 and 16+; starts and ceases each about a third of the
number looked after; about 10% with three or more placements in the year; about 5% unaccompanied
asylum-seeking children; about a fifth placed more than 20 miles from home. Changes of legal status only
(X1 then RNE L), temporary placements (T0–T4) followed by a return to the same placement, adoption
placements before adoption orders, and leaving care at 18 all occur. Codes respect their validity by
collection year (K3 from 2024/25, H5 and Z1 to 2024/25, Z11–Z14 from 2025/26, P2 only before
28/10/2023; SEX 1/2 to 2023/24 and M/F from 2024/25).

Home postcodes are real Norfolk postcodes and placement postcodes real postcodes near home or
elsewhere in England, drawn from the ONS postcode directory so that they resolve to coordinates.
Everything is vectorised with numpy: 100,000 children over one year take a few seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from placements.ssda903 import codes, postcodes

__all__ = ["generate_return", "write_return"]

_EPOCH = dt.date(1970, 1, 1)
_NEVER = np.iinfo(np.int64).max // 4
_YEAR = 365.25

HOME_PREFIXES = ["NR", "PE", "IP"]
NORFOLK_DISTRICTS = {f"E070001{n}" for n in range(43, 50)}
NORFOLK_CODE = "E10000020"
FAR_PREFIXES = [
    "IP",
    "CB",
    "CO",
    "CM",
    "LN",
    "NG",
    "LE",
    "NN",
    "MK",
    "B",
    "E",
    "N",
    "SE",
    "M",
    "S",
    "LS",
    "BS",
]


def _day(d: dt.date) -> int:
    return (d - _EPOCH).days


P2_LAST_START = _day(codes.P2_INVALID_FROM) - 1  # P2 only for episodes starting before 28/10/2023
K3_FROM = _day(dt.date(2024, 4, 1))  # first day of 2024/25
H5_Z1_UNTIL = _day(dt.date(2025, 3, 31))  # last day of 2024/25
Z1X_FROM = _day(dt.date(2025, 4, 1))  # first day of 2025/26


def _pick(rng: np.random.Generator, n: int, options: list[str], weights: list[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p / p.sum())]


def _fmt_days(days: np.ndarray) -> np.ndarray:
    """Day numbers → DD/MM/YYYY strings (NaN where the day is _NEVER or negative sentinel)."""
    days = np.asarray(days, dtype=np.int64)
    blank = days >= _NEVER
    codes_, uniques = pd.factorize(np.where(blank, 0, days))
    text = pd.to_datetime(uniques, unit="D").strftime("%d/%m/%Y").to_numpy(dtype=object)
    out = text[codes_]
    out[blank] = np.nan
    return out


def _add_years(days: np.ndarray, years: int) -> np.ndarray:
    d = pd.to_datetime(days, unit="D")
    shifted = d + pd.DateOffset(years=years)
    return ((shifted - pd.Timestamp(_EPOCH)).days).to_numpy(dtype=np.int64)


# ---- children and their periods of care ---------------------------------------------------------------

_AGE_BANDS = [(0, 1), (1, 5), (5, 10), (10, 16), (16, 18)]
_START_AGE_WEIGHTS = [0.17, 0.13, 0.14, 0.38, 0.18]


def _children(rng: np.random.Generator, n: int, w0: int, w1: int) -> pd.DataFrame:
    """n periods of care (one per child) overlapping [w0, w1], with age at start, UASC and duration."""
    parts = []
    got = 0
    while got < n:
        m = max(4 * (n - got), 1000)
        start = rng.integers(w0 - int(12 * _YEAR), w1 + 1, size=m)
        band = rng.choice(len(_AGE_BANDS), size=m, p=_START_AGE_WEIGHTS)
        lo = np.array([b[0] for b in _AGE_BANDS])[band]
        hi = np.array([b[1] for b in _AGE_BANDS])[band]
        age_days = (rng.uniform(lo, hi) * _YEAR).astype(np.int64)
        uasc = (age_days >= 14 * _YEAR) & (rng.random(m) < 0.40)
        age_days = np.where(uasc, (rng.uniform(15.0, 17.9, size=m) * _YEAR).astype(np.int64), age_days)
        dob = start - age_days
        # Short, medium and long stays; young children rarely stay for many years (they go home, to
        # relatives or are adopted), older children more often stay until 18.
        young = age_days < 5 * _YEAR
        u = rng.random(m)
        kind = np.where(young, np.digitize(u, [0.28, 0.75]), np.digitize(u, [0.20, 0.48]))
        duration = np.select(
            [kind == 0, kind == 1],
            [rng.integers(7, 180, size=m), rng.integers(180, 1100, size=m)],
            np.where(young, rng.integers(1100, 2600, size=m), rng.integers(1100, 4400, size=m)),
        )
        eighteen = _add_years(dob, 18)
        end = np.minimum(start + duration, eighteen)
        at_18 = end == eighteen
        keep = (end >= w0) & (end > start)
        frame = pd.DataFrame(
            {"start": start, "end": end, "dob": dob, "uasc": uasc, "at_18": at_18, "eighteen": eighteen}
        )[keep]
        parts.append(frame)
        got += int(keep.sum())
    df = pd.concat(parts, ignore_index=True).iloc[:n].reset_index(drop=True)
    return df


# ---- placements ---------------------------------------------------------------------------------------

_CATS = ["rel", "inhouse", "agency", "resid", "semi", "parents", "other"]
_CAT_BY_AGE = {  # age at placement start: under 5, 5–9, 10–15, 16+
    0: [0.20, 0.44, 0.22, 0.00, 0.00, 0.10, 0.04],
    1: [0.20, 0.41, 0.25, 0.04, 0.00, 0.07, 0.03],
    2: [0.13, 0.34, 0.25, 0.16, 0.00, 0.07, 0.05],
    3: [0.08, 0.24, 0.20, 0.09, 0.30, 0.04, 0.05],
}
_FAR = {"rel": 0.12, "inhouse": 0.08, "agency": 0.30, "resid": 0.55, "semi": 0.30, "parents": 0.0}
_FAR_OTHER, _FAR_ADOPTION = 0.45, 0.40


def _placements(
    rng: np.random.Generator, age: np.ndarray, uasc: np.ndarray, p_start: np.ndarray, p_end: np.ndarray
) -> pd.DataFrame:
    """PLACE, PLACE_PROVIDER and category of normal (not temporary, not adoption) placements."""
    n = len(age)
    group = np.digitize(age, [5, 10, 16])
    group = np.where(uasc, 3, group)
    cat = np.empty(n, dtype=object)
    for g, weights in _CAT_BY_AGE.items():
        idx = np.flatnonzero(group == g)
        cat[idx] = _pick(rng, len(idx), _CATS, weights)
    place = np.empty(n, dtype=object)
    prov = np.full(n, np.nan, dtype=object)

    def fill(mask, options, weights, providers, pweights):
        idx = np.flatnonzero(mask)
        place[idx] = _pick(rng, len(idx), options, weights)
        if providers:
            prov[idx] = _pick(rng, len(idx), providers, pweights)

    fill(cat == "rel", ["U1", "U2", "U3"], [0.35, 0.02, 0.63], ["PR1", "PR2"], [0.9, 0.1])
    fill(cat == "inhouse", ["U4", "U5", "U6"], [0.35, 0.03, 0.62], ["PR1", "PR2", "PR3"], [0.85, 0.1, 0.05])
    fill(cat == "agency", ["U4", "U6"], [0.35, 0.65], ["PR4", "PR5"], [0.85, 0.15])
    fill(
        cat == "resid",
        ["K2", "R1", "K1", "S1"],
        [0.80, 0.06, 0.04, 0.10],
        ["PR4", "PR1", "PR5"],
        [0.75, 0.18, 0.07],
    )
    fill(cat == "parents", ["P1"], [1.0], ["PR0"], [1.0])

    # Semi-independent: the code depends on when the placement runs (see module docstring).
    semi = cat == "semi"
    fill(semi, ["H5"], [1.0], ["PR4", "PR1"], [0.8, 0.2])
    k3 = semi & (p_start >= K3_FROM)
    place[k3] = "K3"
    p2 = semi & ~k3 & (p_end <= P2_LAST_START) & (rng.random(n) < 0.25)
    place[p2] = "P2"
    stuck = semi & ~k3 & ~p2 & (p_end > H5_Z1_UNTIL)  # would be H5 in a 2025/26 return: use a home
    place[stuck] = "K2"

    other = cat == "other"
    fill(other, ["R3", "R2", "R5", "P3", "Z"], [0.3, 0.2, 0.15, 0.05, 0.3], ["PR4", "PR3"], [0.6, 0.4])
    z = other & (place == "Z")
    z1 = z & (p_end <= H5_Z1_UNTIL)
    z1x = z & ~z1 & (p_start >= Z1X_FROM)
    place[z1] = "Z1"
    place[z1x] = _pick(rng, int(z1x.sum()), ["Z11", "Z12", "Z13", "Z14"], [0.4, 0.2, 0.2, 0.2])
    place[z & ~z1 & ~z1x] = "R3"
    prov[z1 | z1x] = np.nan
    return pd.DataFrame({"cat": cat, "place": place, "provider": prov})


# ---- postcodes ----------------------------------------------------------------------------------------


class _Pools:
    """Real postcodes: Norfolk homes (bucketed into ~13 km cells for nearby placements) and far places."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        home = postcodes.sample_postcodes(HOME_PREFIXES, size * 3, rng)
        home = home[home["la"].isin(NORFOLK_DISTRICTS)].reset_index(drop=True).iloc[:size]
        far = postcodes.sample_postcodes(FAR_PREFIXES, size, rng)
        far = far[~far["la"].isin(NORFOLK_DISTRICTS)].reset_index(drop=True)
        cell = (np.floor(home["lat"] / 0.12).astype(np.int64) * 100_000) + np.floor(home["lon"] / 0.2).astype(
            np.int64
        )
        order = np.argsort(cell.to_numpy(), kind="stable")
        self.home = home.iloc[order].reset_index(drop=True)
        self.cell = cell.to_numpy()[order]
        uniq, first, count = np.unique(self.cell, return_index=True, return_counts=True)
        self.cell_first = first[np.searchsorted(uniq, self.cell)]
        self.cell_count = count[np.searchsorted(uniq, self.cell)]
        self.far = far

    def homes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(0, len(self.home), size=n)

    def near(self, rng: np.random.Generator, home_idx: np.ndarray) -> np.ndarray:
        """A random home-pool postcode in the same cell as each home (index into self.home)."""
        first = self.cell_first[home_idx]
        count = self.cell_count[home_idx]
        return first + (rng.random(len(home_idx)) * count).astype(np.int64)


def _pl_la(la: np.ndarray) -> np.ndarray:
    """Upper-tier ONS code of a placement's district where it can be told without a lookup table."""
    la = pd.Series(la, dtype=object)
    out = pd.Series(np.nan, index=la.index, dtype=object)
    upper = la.str.match(r"^(E06|E08|E09|W06|S12|N09)").fillna(False).astype(bool)
    out[upper] = la[upper]
    out[la.isin(NORFOLK_DISTRICTS)] = NORFOLK_CODE
    return out.to_numpy(dtype=object, copy=True)


# ---- the simulation -----------------------------------------------------------------------------------


def _legal_status(rng: np.random.Generator, age: np.ndarray, uasc: np.ndarray):
    """Initial LS and up to two later changes (offset days from the start, or _NEVER)."""
    n = len(age)
    ls0 = np.where(
        age >= 12,
        _pick(rng, n, ["V2", "C1", "L1", "L2", "J1", "J2", "C2"], [0.50, 0.30, 0.05, 0.03, 0.06, 0.03, 0.03]),
        _pick(rng, n, ["C1", "V2", "L1", "L2", "E1", "C2"], [0.45, 0.38, 0.07, 0.05, 0.01, 0.04]),
    )
    ls0 = np.where(uasc, "V2", ls0)
    t1 = np.full(n, _NEVER, dtype=np.int64)
    ls1 = np.full(n, None, dtype=object)
    emergency = np.isin(ls0, ["L1", "L2", "J2"])
    t1[emergency] = rng.integers(1, 7, size=int(emergency.sum()))
    ls1[emergency] = _pick(rng, int(emergency.sum()), ["C1", "V2"], [0.5, 0.5])
    v2 = (ls0 == "V2") & ~uasc & (rng.random(n) < 0.12)
    t1[v2] = rng.integers(30, 500, size=int(v2.sum()))
    ls1[v2] = "C1"
    c1_first = (ls0 == "C1") & (rng.random(n) < 0.85)
    t1[c1_first] = rng.integers(60, 330, size=int(c1_first.sum()))
    ls1[c1_first] = "C2"
    t2 = np.full(n, _NEVER, dtype=np.int64)
    ls2 = np.full(n, None, dtype=object)
    c1_then = (ls1 == "C1") & (rng.random(n) < 0.85)
    t2[c1_then] = t1[c1_then] + rng.integers(60, 330, size=int(c1_then.sum()))
    ls2[c1_then] = "C2"
    return ls0, t1, ls1, t2, ls2


def _simulate(rng: np.random.Generator, n: int, first_year: int, last_year: int):
    w0 = _day(dt.date(first_year - 1, 4, 1))
    w1 = _day(dt.date(last_year, 3, 31))
    kids = _children(rng, n, w0, w1)
    start = kids["start"].to_numpy()
    end = kids["end"].to_numpy()
    dob = kids["dob"].to_numpy()
    uasc = kids["uasc"].to_numpy()
    age_start = (start - dob) / _YEAR
    horizon = np.minimum(end, w1 + 1)  # events after the last 31 March are never shown
    span = horizon - start

    # Adoption: a third of young children in long enough care leave by adoption, after an A placement.
    adopt = (age_start < 4) & (end - start >= 365) & ~kids["at_18"].to_numpy() & (rng.random(n) < 0.45)
    adopt_at = np.where(adopt, end - rng.integers(150, 330, size=n), _NEVER)
    adopt_at = np.where(adopt & (adopt_at <= start + 90), start + 90, adopt_at)

    ls0, t1, ls1, t2, ls2 = _legal_status(rng, age_start, uasc)

    cid = np.arange(n)
    ev_child, ev_day, ev_place, ev_kind = (
        [cid],
        [start],
        [np.ones(n, dtype=bool)],
        [np.zeros(n, dtype=np.int8)],
    )
    # Placement moves: a rate per child (some children move much more than others) plus early moves out
    # of emergency placements.
    rate = rng.gamma(0.3, 1.5, size=n)  # mean 0.45 moves a year, most children far fewer
    count = rng.poisson(rate * np.maximum(span, 0) / _YEAR)
    mc = np.repeat(cid, count)
    md = start[mc] + (rng.random(len(mc)) * np.maximum(span[mc] - 1, 1)).astype(np.int64) + 1
    early = (rng.random(n) < 0.30) & (span > 30)
    ec = cid[early]
    ed = start[ec] + rng.integers(3, np.minimum(90, span[ec] - 1).clip(min=4))
    mc, md = np.concatenate([mc, ec]), np.concatenate([md, ed])
    keep = (md < horizon[mc]) & (md < adopt_at[mc])
    ev_child.append(mc[keep])
    ev_day.append(md[keep])
    ev_place.append(np.ones(int(keep.sum()), dtype=bool))
    ev_kind.append(np.zeros(int(keep.sum()), dtype=np.int8))
    # Legal status changes (episodes with no change of placement).
    for t in (t1, t2):
        lc = cid[t < _NEVER]
        ld = start[lc] + t[lc]
        ok = (ld < horizon[lc]) & (ld < adopt_at[lc])
        ev_child.append(lc[ok])
        ev_day.append(ld[ok])
        ev_place.append(np.zeros(int(ok.sum()), dtype=bool))
        ev_kind.append(np.zeros(int(ok.sum()), dtype=np.int8))
    # The adoption placement (new placement and legal status E1 the same day).
    ac = cid[adopt & (adopt_at < horizon)]
    ev_child.append(ac)
    ev_day.append(adopt_at[ac])
    ev_place.append(np.ones(len(ac), dtype=bool))
    ev_kind.append(np.full(len(ac), 3, dtype=np.int8))

    child_e = np.concatenate(ev_child)
    day_e = np.concatenate(ev_day)
    place_e = np.concatenate(ev_place)
    kind_e = np.concatenate(ev_kind)

    # Temporary placements (kind 1 = start, 2 = return to the same placement), kept only where no other
    # event falls inside them.
    tcount = rng.poisson(0.2 * np.maximum(span, 0) / _YEAR)
    tc = np.repeat(cid, tcount)
    ts = start[tc] + 10 + (rng.random(len(tc)) * np.maximum(span[tc] - 40, 1)).astype(np.int64)
    te = ts + rng.integers(1, 22, size=len(tc))
    ok = (te < np.minimum(end[tc], adopt_at[tc])) & (span[tc] > 60)
    tc, ts, te = tc[ok], ts[ok], te[ok]
    big = np.int64(1 << 20)
    keys = np.sort(child_e.astype(np.int64) * big + day_e)
    lo = np.searchsorted(keys, tc.astype(np.int64) * big + ts, side="left")
    hi = np.searchsorted(keys, tc.astype(np.int64) * big + te, side="right")
    clear = lo == hi
    tc, ts, te = tc[clear], ts[clear], te[clear]
    order = np.lexsort((ts, tc))
    tc, ts, te = tc[order], ts[order], te[order]
    overlap = np.zeros(len(tc), dtype=bool)
    overlap[1:] = (tc[1:] == tc[:-1]) & (ts[1:] <= te[:-1])
    tc, ts, te = tc[~overlap], ts[~overlap], te[~overlap]

    child_e = np.concatenate([child_e, tc, tc])
    day_e = np.concatenate([day_e, ts, te])
    place_e = np.concatenate([place_e, np.zeros(2 * len(tc), dtype=bool)])
    kind_e = np.concatenate([kind_e, np.ones(len(tc), dtype=np.int8), np.full(len(tc), 2, dtype=np.int8)])

    # Merge events of the same child and day.
    key = child_e.astype(np.int64) * big + day_e
    ukey, inv = np.unique(key, return_inverse=True)
    m = len(ukey)
    child = (ukey // big).astype(np.int64)
    day = (ukey % big).astype(np.int64)
    new_place = np.zeros(m, dtype=bool)
    np.logical_or.at(new_place, inv, place_e)
    kind = np.zeros(m, dtype=np.int8)
    np.maximum.at(kind, inv, kind_e)
    keep_days = day <= w1
    child, day, new_place, kind = child[keep_days], day[keep_days], new_place[keep_days], kind[keep_days]

    # Placement of each event: normal placements are numbered by a running count; a temporary placement
    # gets its own number; a return takes the number of the placement before the temporary one.
    base = np.cumsum(new_place & (kind != 1))
    is_temp = kind == 1
    placement = np.where(is_temp, -np.arange(1, len(base) + 1), base)

    # Legal status on each event's day.
    offset = day - start[child]
    ls = np.where(offset >= t2[child], ls2[child], np.where(offset >= t1[child], ls1[child], ls0[child]))
    ls = np.where(day >= adopt_at[child], "E1", ls)

    first = np.ones(len(child), dtype=bool)
    first[1:] = child[1:] != child[:-1]
    prev_place = np.roll(placement, 1)
    prev_ls = np.roll(ls, 1)
    place_changed = ~first & (placement != prev_place)
    ls_changed = ~first & (ls != prev_ls)
    real = first | place_changed | ls_changed
    child, day, placement, ls, kind = child[real], day[real], placement[real], ls[real], kind[real]
    first = np.ones(len(child), dtype=bool)
    first[1:] = child[1:] != child[:-1]
    place_changed = ~first & (placement != np.roll(placement, 1))
    ls_changed = ~first & (ls != np.roll(ls, 1))
    rne = np.select([first, place_changed & ls_changed, place_changed], ["S", "B", "P"], "L").astype(object)

    last = np.ones(len(child), dtype=bool)
    last[:-1] = child[1:] != child[:-1]
    next_day = np.roll(day, -1)
    care_end = end[child]
    dec = np.where(last, np.where(care_end <= w1, care_end, _NEVER), next_day)

    # Reason for ending the period of care (on the last episode, when care ended in the window).
    age_end = (end - dob) / _YEAR
    leave = np.where(
        age_end < 12,
        _pick(
            rng,
            n,
            ["E4A", "E45", "E46", "E47", "E48", "E41", "E13", "E4B", "E8", "E3", "E2"],
            [0.45, 0.08, 0.05, 0.05, 0.05, 0.12, 0.08, 0.04, 0.05, 0.02, 0.01],
        ),
        _pick(
            rng,
            n,
            ["E4A", "E13", "E4B", "E41", "E45", "E46", "E5", "E8", "E7", "E3", "E16", "E15"],
            [0.40, 0.12, 0.08, 0.04, 0.04, 0.02, 0.12, 0.10, 0.03, 0.03, 0.01, 0.01],
        ),
    )
    leave = np.where(
        kids["at_18"].to_numpy(),
        _pick(rng, n, ["E5", "E17", "E8", "E6", "E4A"], [0.3, 0.2, 0.3, 0.05, 0.15]),
        leave,
    )
    leave = np.where(np.isin(ls0, ["J1"]), _pick(rng, n, ["E14", "E7", "E4A"], [0.6, 0.2, 0.2]), leave)
    leave = np.where(
        uasc & ~kids["at_18"].to_numpy(),
        _pick(rng, n, ["E15", "E8", "E16", "E3"], [0.3, 0.4, 0.1, 0.2]),
        leave,
    )
    leave = np.where(adopt, _pick(rng, n, ["E11", "E12"], [0.9, 0.1]), leave)
    rec = np.where(last, np.where(dec < _NEVER, leave[child], None), "X1").astype(object)

    # Attributes of each placement.
    pid, pos = np.unique(placement, return_index=True)
    p_child = child[pos]
    p_start = day[pos]
    ep_end = np.where(dec < _NEVER, dec, _NEVER)
    p_end = np.full(len(pid), 0, dtype=np.int64)
    np.maximum.at(p_end, np.searchsorted(pid, placement), ep_end)
    p_age = (p_start - dob[p_child]) / _YEAR
    # Code validity depends only on the returns generated, so a placement still open on the last 31 March
    # counts as ending then.
    attrs = _placements(rng, p_age, uasc[p_child], p_start, np.minimum(p_end, w1))
    temp_p = pid < 0
    attrs.loc[temp_p, "place"] = _pick(
        rng, int(temp_p.sum()), ["T0", "T1", "T2", "T3", "T4"], [0.3, 0.15, 0.25, 0.2, 0.1]
    )
    attrs.loc[temp_p, "provider"] = np.nan
    attrs.loc[temp_p, "cat"] = "temp"
    adoption_p = (p_start == adopt_at[p_child]) & ~temp_p
    attrs.loc[adoption_p, "place"] = _pick(
        rng, int(adoption_p.sum()), ["A5", "A6", "A3", "A4"], [0.35, 0.5, 0.05, 0.1]
    )
    attrs.loc[adoption_p, "provider"] = _pick(
        rng, int(adoption_p.sum()), ["PR1", "PR5", "PR2"], [0.6, 0.3, 0.1]
    )
    attrs.loc[adoption_p, "cat"] = "adoption"

    return {
        "w0": w0,
        "w1": w1,
        "kids": kids,
        "ls0": ls0,
        "episodes": pd.DataFrame(
            {
                "child": child,
                "decom": day,
                "dec": dec,
                "rne": rne,
                "ls": ls,
                "rec": rec,
                "placement": placement,
                "first": first,
            }
        ),
        "placements": attrs.assign(pid=pid, child=p_child, start=p_start, end=p_end),
    }


def generate_return(
    *, children: int, first_year: int, last_year: int, seed: int = 0
) -> dict[int, dict[str, pd.DataFrame]]:
    """Synthetic raw 903 tables per collection year: {year: {"Header", "Episodes", "UASC": DataFrame}}.

    Values are strings as an authority would submit them (dates DD/MM/YYYY, blank = NaN). `children` is
    the number of distinct children across all the years. Every year passes `validate_return` without
    errors.
    """
    if children < 1 or first_year > last_year:
        raise ValueError("children must be at least 1 and first_year not after last_year")
    rng = np.random.default_rng(seed)
    sim = _simulate(rng, children, first_year, last_year)
    kids = sim["kids"]
    n = len(kids)
    ep = sim["episodes"]
    pl = sim["placements"]

    # Identities and header fields of each child.
    ids = rng.choice(np.arange(100_000, 100_000 + max(10 * n, 1_000_000)), size=n, replace=False).astype(str)
    uasc = kids["uasc"].to_numpy()
    male = np.where(uasc, rng.random(n) < 0.92, rng.random(n) < 0.56)
    ethnic = np.where(
        uasc,
        _pick(rng, n, ["AOTH", "BAFR", "OOTH", "BOTH", "WOTH"], [0.3, 0.25, 0.3, 0.1, 0.05]),
        _pick(
            rng,
            n,
            [
                "WBRI",
                "WOTH",
                "MWBC",
                "MOTH",
                "MWBA",
                "MWAS",
                "BAFR",
                "BCRB",
                "BOTH",
                "APKN",
                "ABAN",
                "AIND",
                "AOTH",
                "WROM",
                "WIRT",
                "OOTH",
                "REFU",
            ],
            [
                0.74,
                0.05,
                0.045,
                0.03,
                0.012,
                0.012,
                0.02,
                0.01,
                0.008,
                0.008,
                0.004,
                0.004,
                0.006,
                0.006,
                0.003,
                0.01,
                0.008,
            ],
        ),
    )
    upn = np.char.add(
        _pick(rng, n, list("ABCDEFGHJKLMNPRTUVWXYZ"), [1] * 22).astype(str),
        np.char.zfill(rng.integers(0, 10**12, size=n).astype(str), 12),
    ).astype(object)
    upn[uasc & (rng.random(n) < 0.7)] = "UN1"
    cin = np.where(
        uasc,
        "N8",
        _pick(
            rng,
            n,
            ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"],
            [0.62, 0.03, 0.03, 0.08, 0.15, 0.02, 0.002, 0.068],
        ),
    )

    # Postcodes: a home per child, each placement near home or far away.
    pools = _Pools(rng, size=min(max(2000, n // 4), 25_000))
    home_idx = pools.homes(rng, n)
    far_p = np.array([_FAR.get(c, _FAR_ADOPTION if c == "adoption" else _FAR_OTHER) for c in pl["cat"]])
    is_far = (rng.random(len(pl)) < far_p) & (pl["cat"] != "temp").to_numpy()
    p_child = pl["child"].to_numpy()
    near_idx = pools.near(rng, home_idx[p_child])
    far_idx = rng.integers(0, len(pools.far), size=len(pl))
    home_rows = pools.home.iloc[home_idx[p_child]].reset_index(drop=True)
    near_rows = pools.home.iloc[near_idx].reset_index(drop=True)
    far_rows = pools.far.iloc[far_idx].reset_index(drop=True)
    pc = np.where(is_far, far_rows["postcode"], near_rows["postcode"]).astype(object)
    lat = np.where(is_far, far_rows["lat"], near_rows["lat"])
    lon = np.where(is_far, far_rows["lon"], near_rows["lon"])
    la = np.where(is_far, far_rows["la"], near_rows["la"]).astype(object)
    parents = (pl["cat"] == "parents").to_numpy()
    pc[parents] = home_rows["postcode"].to_numpy()[parents]
    lat[parents] = home_rows["lat"].to_numpy()[parents]
    lon[parents] = home_rows["lon"].to_numpy()[parents]
    la[parents] = home_rows["la"].to_numpy()[parents]
    temp = (pl["cat"] == "temp").to_numpy()
    pc[temp] = np.nan
    miles = postcodes.distance_miles(
        pd.DataFrame({"lat": home_rows["lat"], "lon": home_rows["lon"]}),
        pd.DataFrame({"lat": lat, "lon": lon}),
    ).to_numpy()
    given = (rng.random(len(pl)) < 0.65) & ~temp
    pl_distance = np.where(given, pd.Series(np.round(miles, 1)).astype(str).to_numpy(dtype=object), np.nan)
    pl_la = _pl_la(la)
    pl_la[temp] = np.nan
    location = np.where(pd.Series(la).isin(NORFOLK_DISTRICTS), "IN", "OUT").astype(object)
    location[temp] = np.nan
    urn = np.where(
        np.isin(pl["place"].to_numpy(dtype=object), ["K1", "K2", "R1", "S1", "H5", "K3"]),
        np.char.add("SC", np.char.zfill(rng.integers(0, 999_999, size=len(pl)).astype(str), 6)).astype(
            object
        ),
        "XXXXXXX",
    ).astype(object)
    urn[temp] = np.nan

    ppos = np.searchsorted(pl["pid"].to_numpy(), ep["placement"].to_numpy())
    e_child = ep["child"].to_numpy()
    next_is_move = np.zeros(len(ep), dtype=bool)
    rne = ep["rne"].to_numpy(dtype=object)
    same_child_next = np.zeros(len(ep), dtype=bool)
    same_child_next[:-1] = e_child[1:] == e_child[:-1]
    next_is_move[:-1] = same_child_next[:-1] & np.isin(rne[1:], ["P", "B"])
    next_temp = np.zeros(len(ep), dtype=bool)
    next_temp[:-1] = same_child_next[:-1] & (pl["cat"].to_numpy()[ppos[1:]] == "temp")
    rpc = np.where(
        next_is_move & ~next_temp & ~(pl["cat"].to_numpy()[ppos] == "temp"),
        _pick(
            rng,
            len(ep),
            [
                "CARPL",
                "CREQB",
                "CREQO",
                "ALLEG",
                "STAND",
                "APPRR",
                "LAREQ",
                "PLACE",
                "CLOSE",
                "CUSTOD",
                "OTHER",
            ],
            [0.2, 0.08, 0.05, 0.03, 0.05, 0.02, 0.25, 0.17, 0.03, 0.02, 0.10],
        ),
        None,
    ).astype(object)
    rpc[next_temp | (pl["cat"].to_numpy()[ppos] == "temp")] = "PLACE"

    full = pd.DataFrame(
        {
            "CHILD": ids[e_child],
            "DECOM_d": ep["decom"].to_numpy(),
            "DEC_d": ep["dec"].to_numpy(),
            "RNE": rne,
            "LS": ep["ls"].to_numpy(dtype=object),
            "CIN": cin[e_child],
            "PLACE": pl["place"].to_numpy(dtype=object)[ppos],
            "PLACE_PROVIDER": pl["provider"].to_numpy(dtype=object)[ppos],
            "REC": ep["rec"].to_numpy(dtype=object),
            "REASON_PLACE_CHANGE": rpc,
            "HOME_POST": pools.home["postcode"].to_numpy(dtype=object)[home_idx[e_child]],
            "PL_POST": pc[ppos],
            "URN": urn[ppos],
            "PL_DISTANCE": pl_distance[ppos],
            "PL_LA": pl_la[ppos],
            "PL_LOCATION": location[ppos],
            "kid": e_child,
        }
    )
    full["DECOM"] = _fmt_days(full["DECOM_d"].to_numpy())
    full["DEC_full"] = _fmt_days(full["DEC_d"].to_numpy())

    dob = kids["dob"].to_numpy()
    dob_text = _fmt_days(dob)
    duc_text = _fmt_days(kids["eighteen"].to_numpy())
    mother = np.where(rng.random(n) < 0.015, "1", "0").astype(object)
    mother[male] = np.nan
    mother[(~male) & (kids["end"].to_numpy() - dob < 12 * _YEAR)] = np.nan
    mc_dob = np.where(mother == "1", _fmt_days(kids["start"].to_numpy() + 60), np.nan).astype(object)

    out: dict[int, dict[str, pd.DataFrame]] = {}
    for year in range(first_year, last_year + 1):
        s = _day(dt.date(year - 1, 4, 1))
        r = _day(dt.date(year, 3, 31))
        d0 = full["DECOM_d"].to_numpy()
        d1 = full["DEC_d"].to_numpy()
        rows = (d0 <= r) & (d1 >= s)
        ep_y = full[rows]
        still_open = ep_y["DEC_d"].to_numpy() > r
        episodes = pd.DataFrame(
            {
                "CHILD": ep_y["CHILD"].to_numpy(),
                "DECOM": ep_y["DECOM"].to_numpy(),
                "RNE": ep_y["RNE"].to_numpy(),
                "LS": ep_y["LS"].to_numpy(),
                "CIN": ep_y["CIN"].to_numpy(),
                "PLACE": ep_y["PLACE"].to_numpy(),
                "PLACE_PROVIDER": ep_y["PLACE_PROVIDER"].to_numpy(),
                "DEC": np.where(still_open, np.nan, ep_y["DEC_full"].to_numpy()),
                "REC": np.where(still_open, np.nan, ep_y["REC"].to_numpy()),
                "REASON_PLACE_CHANGE": np.where(still_open, np.nan, ep_y["REASON_PLACE_CHANGE"].to_numpy()),
                "HOME_POST": ep_y["HOME_POST"].to_numpy(),
                "PL_POST": ep_y["PL_POST"].to_numpy(),
                "URN": ep_y["URN"].to_numpy(),
                "PL_DISTANCE": ep_y["PL_DISTANCE"].to_numpy(),
                "PL_LA": ep_y["PL_LA"].to_numpy(),
                "PL_LOCATION": ep_y["PL_LOCATION"].to_numpy(),
            }
        )
        present = np.unique(ep_y["kid"].to_numpy())
        sex = np.where(male[present], "1", "2") if year <= 2024 else np.where(male[present], "M", "F")
        header = pd.DataFrame(
            {
                "CHILD": ids[present],
                "SEX": sex,
                "DOB": dob_text[present],
                "ETHNIC": ethnic[present],
                "UPN": upn[present],
                "MOTHER": mother[present],
                "MC_DOB": mc_dob[present],
            }
        )
        u = present[uasc[present]]
        uasc_table = pd.DataFrame(
            {
                "CHILD": ids[u],
                "SEX": np.where(male[u], "1", "2") if year <= 2024 else np.where(male[u], "M", "F"),
                "DOB": dob_text[u],
                "DUC": duc_text[u],
            }
        )
        out[year] = {"Header": header, "Episodes": episodes.reset_index(drop=True), "UASC": uasc_table}
    return out


def csv_uploads(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    """One year's tables as the files an upload sends: [("header.csv", bytes), ("episodes.csv", ...)]."""
    return [(f"{name.lower()}.csv", frame.to_csv(index=False).encode()) for name, frame in tables.items()]


def write_return(
    out_dir: str | Path, *, children: int, first_year: int, last_year: int, seed: int = 0
) -> list[Path]:
    """Generate and write one folder per collection year (header.csv, episodes.csv, uasc.csv); returns
    the folders."""
    out_dir = Path(out_dir)
    folders = []
    returns = generate_return(children=children, first_year=first_year, last_year=last_year, seed=seed)
    for year, tables in sorted(returns.items()):
        folder = out_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            frame.to_csv(folder / f"{name.lower()}.csv", index=False)
        folders.append(folder)
    return folders
