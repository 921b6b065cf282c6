"""Time forecast.engine and measure how often its 95% band holds (no database).

    .venv/bin/python benchmarks/bench_forecast.py [--children 160000] [--seed 1] [--skip-service]
        [--skip-coverage] [--coverage-only] [--seeds 5]

Generates random episodes, vectorised: each child has 1-4 consecutive episodes (about 2.5 on average,
so about 400,000 episodes for 160,000 children) starting anywhere in 2016-2021, random PLACE and
PLACE_PROVIDER codes, the last episode left open for a third of the children; then times
initial_stock + fit (60 monthly snapshots) + project (36 months, with mean and full covariance).

Then the whole computation a stored forecast run does (forecast.engine.results.forecast_compute:
fit, project 36 months with the band's full uncertainty, monthly history over the data, costs by group and
provider, yearly demand and the rolling backtest, serialised to JSON), after the service's clean-up of the
episodes (measures.build_longitudinal, latest_per_child), all without the database; --skip-service leaves
it out.

Then coverage and error (--skip-coverage leaves it out): rolling backtests (origins every 6 months, fitted
on the 36 months before each, 12 and 24 months ahead, 31 March 2017 to 31 March 2021) on --seeds datasets
of each of two kinds:
- "returns": synthetic SSDA903 returns 2014/15 to 2020/21 (placements.ssda903.synthetic, 6,000 children,
  about 1,550 in care), which do not follow the model (stays depend on their length, placements on age at
  each move);
- "drifting": the model's own assumptions (simulate_episodes) with rates fitted on such returns and entry
  rates that drift from year to year (a random walk of DRIFT_SD a year in their logarithm).
For each: how often the actual fell in the 95% band, by group and for the total, with the band as it was
(the process variance alone) and with the rates' uncertainty and the entries' drift; the mean absolute
error by group and of the total (the same for both bands: the projection's mean does not change).
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
from forecast.engine import model as fm  # noqa: E402
from forecast.engine.simulate import drifting_entry_factors, simulate_episodes  # noqa: E402

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
    parser.add_argument("--skip-coverage", action="store_true")
    parser.add_argument("--coverage-only", action="store_true")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    if args.coverage_only:
        coverage(args.seeds)
        return
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
    print(f"initial_stock + fit + project 36 months (band with {fm.FULL.draws} rate draws): {t2 - t1:.2f} s")
    if not args.skip_service:
        service(episodes, header, ref_start, ref_end)
    if not args.skip_coverage:
        coverage(args.seeds)


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
    c = results["backtest"]["coverage"]
    print(f"service clean-up (build_longitudinal, latest_per_child): {t1 - t0:.2f} s")
    print(
        f"forecast_compute (fit, project 36, history, costs, yearly, rolling backtest): {t2 - t1:.2f} s; "
        f"backtest: {c['within']} of {c['checks']} group checks and {c['total_within']} of "
        f"{c['total_checks']} total checks in the band, from {c['origins']} origins"
    )
    print(
        f"results JSON: {len(text) / 1024:,.0f} KB in {t3 - t2:.2f} s; total service computation {t3 - t0:.2f} s"
    )


# ---- coverage and error ------------------------------------------------------------------------------

DRIFT_SD = 0.10  # yearly drift of the entry rates in the "drifting" datasets
WINDOW = 36
DATA_START, DATA_END = pd.Timestamp("2014-03-31"), pd.Timestamp("2021-03-31")
SIM_START, SIM_MONTHS = pd.Timestamp("2012-03-31"), 108  # two years before DATA_START settle the stock


def returns_frames(children: int, first: int, last: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic SSDA903 returns as the service reads them: longitudinal episodes, one header row a child."""
    from placements import measures
    from placements.ssda903.synthetic import generate_return

    eps, hdr = [], []
    for year, t in generate_return(children=children, first_year=first, last_year=last, seed=seed).items():
        e, h = t["Episodes"], t["Header"]
        eps.append(
            pd.DataFrame(
                {
                    "child": e["CHILD"].astype(str),
                    "decom": pd.to_datetime(e["DECOM"], format="%d/%m/%Y"),
                    "dec": pd.to_datetime(e["DEC"], format="%d/%m/%Y"),
                    "ls": e["LS"],
                    "place": e["PLACE"],
                    "place_provider": e["PLACE_PROVIDER"],
                    "collection_year": year,
                }
            )
        )
        hdr.append(
            pd.DataFrame(
                {
                    "child": h["CHILD"].astype(str),
                    "dob": pd.to_datetime(h["DOB"], format="%d/%m/%Y"),
                    "collection_year": year,
                }
            )
        )
    episodes = measures.build_longitudinal(pd.concat(eps, ignore_index=True))
    return episodes, measures.latest_per_child(pd.concat(hdr, ignore_index=True))


def drifting_frames(rates, stock: np.ndarray, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    factors = drifting_entry_factors(SIM_MONTHS, DRIFT_SD, seed=1000 + seed)
    return simulate_episodes(
        rates.entries,
        rates.exits,
        rates.transitions,
        SIM_START,
        SIM_MONTHS,
        seed=seed,
        initial=np.round(stock).astype(int),
        entry_factors=factors,
    )


def coverage(seeds: int) -> None:
    """Rolling backtests on `seeds` datasets of each kind: coverage of the band (as it was and now), error."""
    t0 = time.perf_counter()
    episodes, header = returns_frames(6000, 2015, 2021, 100)
    base = fit(episodes, header, "2018-03-31", "2021-03-31")
    base_stock = initial_stock(episodes, header, "2021-03-31")
    frames = []
    seconds = []
    for kind in ("returns", "drifting"):
        for seed in range(1, seeds + 1):
            if kind == "returns":
                episodes, header = returns_frames(6000, 2015, 2021, seed)
            else:
                episodes, header = drifting_frames(base, base_stock, seed)
            p = fm.prepare(episodes, header)
            for band, u in (("process only", None), ("full", fm.FULL)):
                t = time.perf_counter()
                checks = fm.rolling_backtest(
                    p,
                    None,
                    start=DATA_END,
                    data_start=DATA_START,
                    data_end=DATA_END,
                    window_months=WINDOW,
                    uncertainty=u,
                )
                seconds.append(time.perf_counter() - t)
                checks = checks[checks["window_months"] == WINDOW]  # origins with a whole window before them
                frames.append(checks.assign(kind=kind, seed=seed, band=band))
    df = pd.concat(frames, ignore_index=True)
    print(
        f"\ncoverage: {seeds} datasets of each kind, origins every 6 months from {DATA_START.date()} + "
        f"{WINDOW} months, 12 and 24 months ahead ({time.perf_counter() - t0:.0f} s; a rolling backtest "
        f"{np.median(seconds):.2f} s median)"
    )
    for (kind, band), d in df.groupby(["kind", "band"], sort=False):
        groups = d[d["group"] != "total"]
        total = d[d["group"] == "total"]
        parts = []
        for h in (12, 24):
            g, t = groups[groups["horizon"] == h], total[total["horizon"] == h]
            parts.append(
                f"{h} months: groups {g['within_band'].sum()}/{len(g)} ({g['within_band'].mean():.1%}), "
                f"total {t['within_band'].sum()}/{len(t)} ({t['within_band'].mean():.1%})"
            )
        print(
            f"  {kind:9s} {band:13s} groups {groups['within_band'].mean():.1%}, total "
            f"{total['within_band'].mean():.1%}; " + "; ".join(parts)
        )
    full = df[df["band"] == "full"]
    for kind, d in full.groupby("kind", sort=False):
        for h in (12, 24):
            e = d[d["horizon"] == h]
            total = e[e["group"] == "total"]
            mae = (
                e[e["group"] != "total"].groupby("group", sort=False)["error"].apply(lambda x: x.abs().mean())
            )
            bias = e[e["group"] != "total"].groupby("group", sort=False)["error"].mean()
            print(
                f"  {kind} {h} months: total mean absolute error {total['error'].abs().mean():.1f} "
                f"({(total['error'].abs() / total['actual']).mean():.2%}); by group "
                + ", ".join(f"{g} {v:.1f}" for g, v in mae.items())
            )
            print("      mean error (bias) by group " + ", ".join(f"{g} {v:+.1f}" for g, v in bias.items()))


if __name__ == "__main__":
    main()
