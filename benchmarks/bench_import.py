"""Benchmark: import one national-scale year (100,000 children, ~250,000 episodes) end to end.

    .venv/bin/python benchmarks/bench_import.py --db postgres://postgres@127.0.0.1:5432/bench_import
    .venv/bin/python benchmarks/bench_import.py --db sqlite:////tmp/bench_import.sqlite3

Prints the time to merely read the same CSV files with pandas (the floor), the time of each stage of the
import (parse, validate, transform, write, recompute measures) and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    prepare(args.db)

    import pandas as pd

    from placements.services import import_job_create, import_job_run
    from placements.ssda903.synthetic import generate_return
    from sufficiency.models import LocalAuthority

    t = time.perf_counter()
    tables = generate_return(children=args.children, first_year=args.year, last_year=args.year, seed=1)[
        args.year
    ]
    print(
        f"generate: {time.perf_counter() - t:.1f} s, {len(tables['Episodes']):,} episodes, "
        f"{tables['Header']['CHILD'].nunique():,} children"
    )
    with tempfile.TemporaryDirectory() as tmp:
        uploads = []
        for name, frame in tables.items():
            path = Path(tmp) / f"{name.lower()}.csv"
            frame.to_csv(path, index=False)
            uploads.append((path.name, path.read_bytes()))
        t = time.perf_counter()
        for path in Path(tmp).iterdir():
            pd.read_csv(path, dtype=str)
        floor = time.perf_counter() - t
    del tables

    demo = LocalAuthority.objects.get(code="Z99999999")
    stages: list[tuple[str, float]] = []
    last = [time.perf_counter(), ""]

    job = import_job_create(la=demo, collection_year=args.year, uploads=uploads)
    del uploads
    t0 = time.perf_counter()

    from placements import services

    real_progress = services._progress

    def timed_progress(job, fraction, stage):
        now = time.perf_counter()
        if stage != last[1]:
            if last[1]:
                stages.append((last[1], now - last[0]))
            last[0], last[1] = now, stage
        real_progress(job, fraction, stage)

    services._progress = timed_progress
    job = import_job_run(job)
    total = time.perf_counter() - t0
    stages.append((last[1], time.perf_counter() - last[0]))
    print(f"database: {args.db.split('://')[0]}")
    print(f"outcome: {job.status} ({job.error_count} errors, {job.warning_count} warnings)")
    print(f"pandas.read_csv of the same files (floor): {floor:.1f} s")
    for stage, seconds in stages:
        print(f"  {stage}: {seconds:.1f} s")
    print(f"import end to end: {total:.1f} s")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
