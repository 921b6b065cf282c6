"""Benchmark: the forecast service path on a national-scale authority held in the database.

    .venv/bin/python benchmarks/bench_forecast_service.py --db postgres://postgres@127.0.0.1:5432/bench_forecast
    .venv/bin/python benchmarks/bench_forecast_service.py --db sqlite:////tmp/bench_forecast.sqlite3

Imports five synthetic years (--children over 2016/17 to 2020/21, about 160,000 by default) for the demo
authority through the real import service, then times forecast_run_execute (read the episodes from the
database, clean them, fit, project 36 months with the band's full uncertainty, history, costs, the
rolling backtest, store the results) and the forecast page, which reads the stored results only (median of --requests, after warm-up).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import prepare  # noqa: E402
from benchmarks.bench_dashboard import import_years  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite:////tmp/bench_forecast.sqlite3")
    parser.add_argument("--children", type=int, default=160_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the database of an earlier run (no import)"
    )
    args = parser.parse_args()
    if args.reuse:
        import os

        import django

        os.environ.update(DATABASE_URL=args.db, DEBUG="true", DJANGO_SETTINGS_MODULE="sufficiency.settings")
        django.setup()
    else:
        prepare(args.db)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forecast import selectors as fs
    from forecast.execution import forecast_run_execute
    from forecast.models import ForecastRun
    from placements.models import Episode
    from sufficiency.models import LocalAuthority, User

    la = LocalAuthority.objects.get(code="Z99999999")
    if not args.reuse:
        t = time.perf_counter()
        import_years(la, args.children, 2017, 2021, seed=11)
        print(
            f"imported {Episode.objects.count():,} episode rows in {time.perf_counter() - t:.0f} s",
            flush=True,
        )

    window = fs.forecast_default_window(la=la)
    run = ForecastRun.objects.create(
        la=la,
        ref_start=window[0],
        ref_end=window[1],
        horizon_months=36,
        inputs_key=fs.forecast_inputs_key(la=la),
    )
    t0 = time.perf_counter()
    episodes, header = fs.forecast_frames(la=la)
    t1 = time.perf_counter()
    print(f"read + clean {len(episodes):,} episodes, {len(header):,} children: {t1 - t0:.2f} s")
    t0 = time.perf_counter()
    run = forecast_run_execute(run)
    elapsed = time.perf_counter() - t0
    total = run.results["total"]
    print(
        f"forecast_run_execute ({run.status}): {elapsed:.2f} s end to end "
        f"(window {window[0]} to {window[1]}, 36 months; stock {total['mean'][0]:,.0f} -> "
        f"{total['mean'][-1]:,.0f}, 95% {total['low'][-1]:,.0f}-{total['high'][-1]:,.0f})"
    )

    c = run.results["backtest"].get("coverage")
    if c:
        print(
            f"rolling backtest: {c['within']} of {c['checks']} group checks and {c['total_within']} of "
            f"{c['total_checks']} total checks in the 95% band, from {c['origins']} origins"
        )

    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", password="bench-password-123"
    )
    client = Client()
    client.force_login(user)
    url = f"/forecast/?la={la.code}&ref_from={window[0].year}&ref_to={window[1].year}&horizon=36"
    for _ in range(3):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(args.requests):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"forecast page: median {statistics.median(times):.0f} ms, {len(queries.captured_queries)} queries")


if __name__ == "__main__":
    main()
