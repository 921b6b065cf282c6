"""Time placements.measures.compute_years on random episodes (no database).

    .venv/bin/python benchmarks/bench_measures.py [--episodes 1000000] [--seed 1]

Generates about --episodes episode rows over collection years 2016-2025 (each episode repeated in every
return whose year it overlaps, as a real union of returns is), a header row per child per return and a
UASC table, then times compute_years for the ten years.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from placements import measures  # noqa: E402

YEARS = list(range(2016, 2026))
PLACES = np.array(["U1", "U4", "U4", "U5", "U6", "K2", "R1", "H5", "K3", "P1", "A3", "T0", "T2", "Z1", "R2"])
PROVIDERS = np.array(["PR1", "PR2", "PR4", "PR5", "PR0", None], dtype=object)
RNE = np.array(["S", "P", "B", "L", "T", "U"])
LS = np.array(["C2"] * 8 + ["V2", "V3", "V4", "E1"])


def generate(target_rows: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_children = max(1, target_rows // 6)
    per_child = rng.integers(1, 7, n_children)
    n = int(per_child.sum())
    child = np.repeat(np.arange(n_children), per_child)
    first = np.r_[0, np.cumsum(per_child)[:-1]]
    k = np.arange(n) - np.repeat(first, per_child)
    start = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 4500, n_children), unit="D")
    length = rng.choice([0, 1, 15, 60, 200, 400, 900], n)
    gap = np.where(rng.random(n) < 0.2, rng.integers(1, 300, n), 0)
    offsets = np.cumsum(length + gap) - (length + gap)  # days from the child's start to each DECOM
    offsets -= np.repeat(offsets[first], per_child)
    decom = np.repeat(start.to_numpy(), per_child) + pd.to_timedelta(offsets, unit="D").to_numpy()
    dec = decom + pd.to_timedelta(length, unit="D").to_numpy()
    last = np.r_[first[1:] - 1, n - 1]
    open_last = rng.random(n_children) < 0.5
    dec = pd.Series(dec)
    dec.iloc[last[open_last]] = pd.NaT
    rec = np.where(gap > 0, "E11", "X1").astype(object)
    rec[last] = np.where(open_last, None, "E8")
    episodes = pd.DataFrame(
        {
            "child": np.char.add("C", child.astype(str)).astype(object),
            "decom": decom,
            "dec": dec.to_numpy(),
            "rne": np.where(k == 0, "S", rng.choice(RNE, n)),
            "ls": rng.choice(LS, n),
            "cin": rng.choice([f"N{i}" for i in range(1, 9)], n),
            "place": rng.choice(PLACES, n),
            "place_provider": rng.choice(PROVIDERS, n),
            "rec": rec,
            "pl_post_key": rng.choice(np.array(["k1", "k2", "k3", None], dtype=object), n),
            "distance": rng.choice([np.nan, 0.5, 19.9, 20.0, 20.1, 55.0], n),
        }
    )
    # Each episode appears in the return of every collection year it overlaps (at least one).
    decom_year = episodes["decom"].dt.year + (episodes["decom"].dt.month >= 4)
    dec_year = (episodes["dec"].dt.year + (episodes["dec"].dt.month >= 4)).fillna(YEARS[-1])
    lo = decom_year.clip(YEARS[0], YEARS[-1]).astype(int).to_numpy()
    hi = dec_year.clip(YEARS[0], YEARS[-1]).astype(int).to_numpy()
    hi = np.maximum(hi, lo)
    reps = hi - lo + 1
    rows = np.repeat(np.arange(n), reps)
    year = np.repeat(lo, reps) + (np.arange(rows.size) - np.repeat(np.cumsum(reps) - reps, reps))
    episodes = episodes.iloc[rows].reset_index(drop=True)
    episodes["collection_year"] = year
    if len(episodes) > target_rows:
        episodes = episodes.iloc[rng.permutation(len(episodes))[:target_rows]].reset_index(drop=True)
    children = np.char.add("C", np.arange(n_children).astype(str))
    header = pd.DataFrame(
        {
            "child": np.tile(children, 2),
            "collection_year": np.repeat([2018, 2024], n_children),
            "sex": rng.choice(np.array(["1", "2", "M", "F", "U", None], dtype=object), 2 * n_children),
            "dob": np.tile(
                (
                    pd.Timestamp("1999-01-01") + pd.to_timedelta(rng.integers(0, 9000, n_children), unit="D")
                ).to_numpy(),
                2,
            ),
        }
    )
    uasc_children = children[rng.random(n_children) < 0.05]
    uasc = pd.DataFrame(
        {
            "child": uasc_children,
            "collection_year": 2022,
            "duc": rng.choice(
                np.array(["NaT", "2019-03-31", "2023-06-01"], dtype="datetime64[ns]"), uasc_children.size
            ),
        }
    )
    return episodes, header, uasc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    episodes, header, uasc = generate(args.episodes, args.seed)
    t1 = time.perf_counter()
    print(
        f"generated {len(episodes):,} episode rows, {episodes['child'].nunique():,} children, "
        f"{len(header):,} header rows, {len(uasc):,} UASC rows in {t1 - t0:.1f} s"
    )
    populations = {y: 170_000 for y in YEARS}
    t1 = time.perf_counter()
    table = measures.compute_years(episodes, header, uasc, YEARS, populations)
    t2 = time.perf_counter()
    print(f"compute_years for {len(YEARS)} years: {t2 - t1:.2f} s ({len(table)} values)")
    cla = table[table["measure"] == "cla_31_march"].set_index("year")["value"].to_dict()
    print("cla_31_march by year:", cla)


if __name__ == "__main__":
    main()
