"""Time forecast.engine: fit over 5 years of episodes and project 36 months (no database).

    .venv/bin/python benchmarks/bench_forecast.py [--children 160000] [--seed 1]

Generates random episodes, vectorised: each child has 1-4 consecutive episodes (about 2.5 on average,
so about 400,000 episodes for 160,000 children) starting anywhere in 2016-2021, random PLACE and
PLACE_PROVIDER codes, the last episode left open for a third of the children; then times
initial_stock + fit (60 monthly snapshots) + project (36 months, with mean and full covariance).

Then the whole computation a stored forecast run does (forecast.engine.results.forecast_compute:
fit, project 36 months, monthly history over the data, costs by group and provider, yearly demand and the
one-year backtest, serialised to JSON), after the service's clean-up of the episodes
(measures.build_longitudinal, latest_per_child), all without the database; --skip-service leaves it out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forecast.engine import fit, initial_stock, project  # noqa: E402

PLACES = np.array(
    ["U1", "U4", "U4", "U5", "U6", "K2", "R1", "H5", "K3", "P1", "A3", "T0", "Z1", "S1"], dtype=object
)
PROVIDERS = np.array(["PR1", "PR2", "PR4", "PR5", "PR0", None], dtype=object)


def synthetic(children: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_eps = rng.integers(1, 5, children)
    child = np.repeat(np.arange(children), n_eps)
    first = np.r_[0, np.cumsum(n_eps)[:-1]]
    pos = np.arange(len(child)) - np.repeat(first, n_eps)
    start = np.datetime64("2016-01-01").astype(np.int64) + rng.integers(0, 5 * 365, children)
    length = rng.exponential(150, len(child)).astype(np.int64) + 1
    cum = np.cumsum(length)
    offset = cum - length - np.repeat(cum[first] - length[first], n_eps)
    decom = np.repeat(start, n_eps) + offset
    dec = decom + length
    last = pos == np.repeat(n_eps, n_eps) - 1
    open_ = last & np.repeat(rng.random(children) < 1 / 3, n_eps)
    dec_dt = dec.astype("datetime64[D]").astype("datetime64[ns]")
    dec_dt[open_] = np.datetime64("NaT")
    episodes = pd.DataFrame(
        {
            "child": pd.Series(child).astype(str),
            "decom": decom.astype("datetime64[D]").astype("datetime64[ns]"),
            "dec": dec_dt,
            "place": PLACES[rng.integers(0, len(PLACES), len(child))],
            "place_provider": PROVIDERS[rng.integers(0, len(PROVIDERS), len(child))],
            "rne": np.where(pos == 0, "S", "P"),
            "rec": np.where(open_, None, np.where(last, "E8", "X1")),
        }
    )
    dob = start - rng.integers(0, 18 * 365, children)
    header = pd.DataFrame(
        {
            "child": pd.Series(np.arange(children)).astype(str),
            "dob": dob.astype("datetime64[D]").astype("datetime64[ns]"),
        }
    )
    return episodes, header


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=160_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-service", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    episodes, header = synthetic(args.children, args.seed)
    t1 = time.perf_counter()
    ref_start, ref_end = pd.Timestamp("2016-03-31"), pd.Timestamp("2021-03-31")
    stock = initial_stock(episodes, header, ref_end)
    rates = fit(episodes, header, ref_start, ref_end)
    proj = project(rates, stock, ref_end, 36)
    total = proj.total()
    t2 = time.perf_counter()
    print(f"generated {len(episodes):,} episodes for {args.children:,} children in {t1 - t0:.2f} s")
    print(f"stock on {ref_end.date()}: {stock.sum():,.0f}; fitted over {rates.months} months")
    end = total.iloc[-1]
    print(f"projected total after 36 months: {end['mean']:,.0f} (95% {end['low']:,.0f}-{end['high']:,.0f})")
    print(f"initial_stock + fit + project 36 months: {t2 - t1:.2f} s")
    if not args.skip_service:
        service(episodes, header, ref_start, ref_end)


def service(episodes: pd.DataFrame, header: pd.DataFrame, ref_start, ref_end) -> None:
    """Time the stored run's computation (no database) and the size of its JSON."""
    import json

    from forecast.engine.results import forecast_compute
    from placements import measures

    t0 = time.perf_counter()
    eps = measures.build_longitudinal(episodes.assign(collection_year=2021, ls="C2"))
    hdr = measures.latest_per_child(header.assign(collection_year=2021))
    t1 = time.perf_counter()
    costs = [
        {
            "group": "residential",
            "provider": "external",
            "weekly_cost": 2850.0,
            "effective_from": "2020-04-01",
        },
        {
            "group": "residential",
            "provider": "in_house",
            "weekly_cost": 3000.0,
            "effective_from": "2020-04-01",
        },
    ]
    results = forecast_compute(
        eps,
        hdr,
        ref_start=ref_start,
        ref_end=ref_end,
        horizon_months=36,
        unit_costs=costs,
        data_start=ref_start,
        data_end=ref_end,
    )
    t2 = time.perf_counter()
    text = json.dumps(results, allow_nan=False)
    t3 = time.perf_counter()
    bt = results["backtest"]["rows"][-1]
    print(f"service clean-up (build_longitudinal, latest_per_child): {t1 - t0:.2f} s")
    print(
        f"forecast_compute (fit, project 36, history, costs, yearly, backtest): {t2 - t1:.2f} s; "
        f"backtest total projected {bt['projected']:,.0f} vs actual {bt['actual']:,.0f}"
    )
    print(
        f"results JSON: {len(text) / 1024:,.0f} KB in {t3 - t2:.2f} s; total service computation {t3 - t0:.2f} s"
    )


if __name__ == "__main__":
    main()
