"""Benchmark: the placements dashboard's server time does not grow with the number of episodes held.

    .venv/bin/python benchmarks/bench_dashboard.py --db postgres://postgres@127.0.0.1:5432/bench_dashboard

1. one small year is imported (the demo authority, 2,000 children) and the dashboard is timed;
2. ten national-scale years (--children over the ten years; 500,000 gives about 2.5 million episodes) are
   imported for the same authority, and the dashboard is timed again.
Prints the median and 90th percentile server time of each (Django test client, --requests each, after
warm-up), the number of SQL queries per page, and the ratio between the two medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import prepare  # noqa: E402


def import_years(la, children: int, first: int, last: int, seed: int) -> int:
    from placements.services import import_job_create, import_job_run
    from placements.ssda903.synthetic import csv_uploads, generate_return

    episodes = 0
    returns = generate_return(children=children, first_year=first, last_year=last, seed=seed)
    for year, tables in sorted(returns.items()):
        uploads = csv_uploads(tables)
        t = time.perf_counter()
        job = import_job_run(import_job_create(la=la, collection_year=year, uploads=uploads))
        episodes += len(tables["Episodes"])
        print(f"  imported {year}: {len(tables['Episodes']):,} episodes, {job.status}, "
              f"{time.perf_counter() - t:.1f} s", flush=True)
    return episodes


def time_dashboard(client, la_code: str, requests: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/placements/?la={la_code}"
    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--children", type=int, default=500_000, help="children over all the years")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    prepare(args.db)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from placements.models import Episode
    from sufficiency.models import LocalAuthority

    demo = LocalAuthority.objects.get(code="Z99999999")
    user = get_user_model().objects.create_superuser("bench", password="bench-password-123456")
    client = Client()
    client.force_login(user)

    print("one small year:")
    import_years(demo, 2000, 2024, 2024, seed=3)
    small = time_dashboard(client, demo.code, args.requests)
    print(f"  episodes held: {Episode.objects.count():,}")
    print(f"  dashboard median {small[0]:.1f} ms, p90 {small[1]:.1f} ms, {small[2]} queries")

    print(f"{args.years} national-scale years ({args.children:,} children in all):")
    first = 2024 - args.years + 1
    import_years(demo, args.children, first, 2024, seed=4)
    large = time_dashboard(client, demo.code, args.requests)
    print(f"  episodes held: {Episode.objects.count():,}")
    print(f"  dashboard median {large[0]:.1f} ms, p90 {large[1]:.1f} ms, {large[2]} queries")
    print(f"ratio of medians (large / small): {large[0] / small[0]:.2f}")


if __name__ == "__main__":
    main()
