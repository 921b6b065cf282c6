"""The simulation behind the synthetic 903 returns: periods of care of a fixed number of children,
their legal statuses, placement moves, temporary placements, adoptions and the reasons care ends, as
day-numbered episodes and placements (see `synthetic` for the shape it follows).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from placements.ssda903.synthetic_common import NEVER, YEAR, add_years, day_number, pick
from placements.ssda903.synthetic_placements import placement_kinds

# ---- children and their periods of care ---------------------------------------------------------------

_AGE_BANDS = [(0, 1), (1, 5), (5, 10), (10, 16), (16, 18)]
_START_AGE_WEIGHTS = [0.17, 0.13, 0.14, 0.38, 0.18]


def periods_of_care(rng: np.random.Generator, n: int, w0: int, w1: int) -> pd.DataFrame:
    """n periods of care (one per child) overlapping [w0, w1], with age at start, UASC and duration."""
    parts = []
    got = 0
    while got < n:
        m = max(4 * (n - got), 1000)
        start = rng.integers(w0 - int(12 * YEAR), w1 + 1, size=m)
        band = rng.choice(len(_AGE_BANDS), size=m, p=_START_AGE_WEIGHTS)
        lo = np.array([b[0] for b in _AGE_BANDS])[band]
        hi = np.array([b[1] for b in _AGE_BANDS])[band]
        age_days = (rng.uniform(lo, hi) * YEAR).astype(np.int64)
        uasc = (age_days >= 14 * YEAR) & (rng.random(m) < 0.40)
        age_days = np.where(uasc, (rng.uniform(15.0, 17.9, size=m) * YEAR).astype(np.int64), age_days)
        dob = start - age_days
        # Short, medium and long stays; young children rarely stay for many years (they go home, to
        # relatives or are adopted), older children more often stay until 18.
        young = age_days < 5 * YEAR
        u = rng.random(m)
        kind = np.where(young, np.digitize(u, [0.28, 0.75]), np.digitize(u, [0.20, 0.48]))
        duration = np.select(
            [kind == 0, kind == 1],
            [rng.integers(7, 180, size=m), rng.integers(180, 1100, size=m)],
            np.where(young, rng.integers(1100, 2600, size=m), rng.integers(1100, 4400, size=m)),
        )
        eighteen = add_years(dob, 18)
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


# ---- the simulation -----------------------------------------------------------------------------------


def _legal_status(rng: np.random.Generator, age: np.ndarray, uasc: np.ndarray):
    """Initial LS and up to two later changes (offset days from the start, or NEVER)."""
    n = len(age)
    ls0 = np.where(
        age >= 12,
        pick(rng, n, ["V2", "C1", "L1", "L2", "J1", "J2", "C2"], [0.50, 0.30, 0.05, 0.03, 0.06, 0.03, 0.03]),
        pick(rng, n, ["C1", "V2", "L1", "L2", "E1", "C2"], [0.45, 0.38, 0.07, 0.05, 0.01, 0.04]),
    )
    ls0 = np.where(uasc, "V2", ls0)
    t1 = np.full(n, NEVER, dtype=np.int64)
    ls1 = np.full(n, None, dtype=object)
    emergency = np.isin(ls0, ["L1", "L2", "J2"])
    t1[emergency] = rng.integers(1, 7, size=int(emergency.sum()))
    ls1[emergency] = pick(rng, int(emergency.sum()), ["C1", "V2"], [0.5, 0.5])
    v2 = (ls0 == "V2") & ~uasc & (rng.random(n) < 0.12)
    t1[v2] = rng.integers(30, 500, size=int(v2.sum()))
    ls1[v2] = "C1"
    c1_first = (ls0 == "C1") & (rng.random(n) < 0.85)
    t1[c1_first] = rng.integers(60, 330, size=int(c1_first.sum()))
    ls1[c1_first] = "C2"
    t2 = np.full(n, NEVER, dtype=np.int64)
    ls2 = np.full(n, None, dtype=object)
    c1_then = (ls1 == "C1") & (rng.random(n) < 0.85)
    t2[c1_then] = t1[c1_then] + rng.integers(60, 330, size=int(c1_then.sum()))
    ls2[c1_then] = "C2"
    return ls0, t1, ls1, t2, ls2


def simulate(rng: np.random.Generator, n: int, first_year: int, last_year: int):
    w0 = day_number(dt.date(first_year - 1, 4, 1))
    w1 = day_number(dt.date(last_year, 3, 31))
    kids = periods_of_care(rng, n, w0, w1)
    start = kids["start"].to_numpy()
    end = kids["end"].to_numpy()
    dob = kids["dob"].to_numpy()
    uasc = kids["uasc"].to_numpy()
    age_start = (start - dob) / YEAR
    horizon = np.minimum(end, w1 + 1)  # events after the last 31 March are never shown
    span = horizon - start

    # Adoption: a third of young children in long enough care leave by adoption, after an A placement.
    adopt = (age_start < 4) & (end - start >= 365) & ~kids["at_18"].to_numpy() & (rng.random(n) < 0.45)
    adopt_at = np.where(adopt, end - rng.integers(150, 330, size=n), NEVER)
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
    count = rng.poisson(rate * np.maximum(span, 0) / YEAR)
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
        lc = cid[t < NEVER]
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
    tcount = rng.poisson(0.2 * np.maximum(span, 0) / YEAR)
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
    dec = np.where(last, np.where(care_end <= w1, care_end, NEVER), next_day)

    # Reason for ending the period of care (on the last episode, when care ended in the window).
    age_end = (end - dob) / YEAR
    leave = np.where(
        age_end < 12,
        pick(
            rng,
            n,
            ["E4A", "E45", "E46", "E47", "E48", "E41", "E13", "E4B", "E8", "E3", "E2"],
            [0.45, 0.08, 0.05, 0.05, 0.05, 0.12, 0.08, 0.04, 0.05, 0.02, 0.01],
        ),
        pick(
            rng,
            n,
            ["E4A", "E13", "E4B", "E41", "E45", "E46", "E5", "E8", "E7", "E3", "E16", "E15"],
            [0.40, 0.12, 0.08, 0.04, 0.04, 0.02, 0.12, 0.10, 0.03, 0.03, 0.01, 0.01],
        ),
    )
    leave = np.where(
        kids["at_18"].to_numpy(),
        pick(rng, n, ["E5", "E17", "E8", "E6", "E4A"], [0.3, 0.2, 0.3, 0.05, 0.15]),
        leave,
    )
    leave = np.where(np.isin(ls0, ["J1"]), pick(rng, n, ["E14", "E7", "E4A"], [0.6, 0.2, 0.2]), leave)
    leave = np.where(
        uasc & ~kids["at_18"].to_numpy(),
        pick(rng, n, ["E15", "E8", "E16", "E3"], [0.3, 0.4, 0.1, 0.2]),
        leave,
    )
    leave = np.where(adopt, pick(rng, n, ["E11", "E12"], [0.9, 0.1]), leave)
    rec = np.where(last, np.where(dec < NEVER, leave[child], None), "X1").astype(object)

    # Attributes of each placement.
    pid, pos = np.unique(placement, return_index=True)
    p_child = child[pos]
    p_start = day[pos]
    ep_end = np.where(dec < NEVER, dec, NEVER)
    p_end = np.full(len(pid), 0, dtype=np.int64)
    np.maximum.at(p_end, np.searchsorted(pid, placement), ep_end)
    p_age = (p_start - dob[p_child]) / YEAR
    # Code validity depends only on the returns generated, so a placement still open on the last 31 March
    # counts as ending then.
    attrs = placement_kinds(rng, p_age, uasc[p_child], p_start, np.minimum(p_end, w1))
    temp_p = pid < 0
    attrs.loc[temp_p, "place"] = pick(
        rng, int(temp_p.sum()), ["T0", "T1", "T2", "T3", "T4"], [0.3, 0.15, 0.25, 0.2, 0.1]
    )
    attrs.loc[temp_p, "provider"] = np.nan
    attrs.loc[temp_p, "cat"] = "temp"
    adoption_p = (p_start == adopt_at[p_child]) & ~temp_p
    attrs.loc[adoption_p, "place"] = pick(
        rng, int(adoption_p.sum()), ["A5", "A6", "A3", "A4"], [0.35, 0.5, 0.05, 0.1]
    )
    attrs.loc[adoption_p, "provider"] = pick(
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
