"""Benchmark: the pure 903 pipeline (read + validate + transform) on one national-scale year.

    .venv/bin/python benchmarks/bench_pipeline.py [--children 100000] [--year 2024]

Generates a synthetic return (100,000 children for one collection year), writes it as CSV files, then
times plain `pd.read_csv(dtype=str)` of the same files (the floor) against read_return, validate_return
and transform_return. No database and no Django settings are needed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()

    import pandas as pd

    from placements.ssda903.read import read_return
    from placements.ssda903.synthetic import write_return
    from placements.ssda903.transform import transform_return
    from placements.ssda903.validate import validate_return

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        [folder] = write_return(
            tmp, children=args.children, first_year=args.year, last_year=args.year, seed=1
        )
        generate = time.perf_counter() - t
        paths = sorted(folder.iterdir())
        size = sum(p.stat().st_size for p in paths)

        t = time.perf_counter()
        for p in paths:
            pd.read_csv(p, dtype=str)
        floor = time.perf_counter() - t

        files = [(p.name, p.read_bytes()) for p in paths]
        t0 = time.perf_counter()
        raw = read_return(files)
        t1 = time.perf_counter()
        problems = validate_return(raw, args.year)
        t2 = time.perf_counter()
        clean = transform_return(raw, args.year, secret_key="benchmark-key")
        t3 = time.perf_counter()

    errors = sum(p.severity == "error" for p in problems)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"generate + write CSV: {generate:.2f} s ({len(paths)} files, {size / 1e6:.1f} MB, "
        f"{clean.summary['episodes']:,} episodes, {clean.summary['children']:,} children)"
    )
    print(f"floor, pd.read_csv(dtype=str) of the same files: {floor:.2f} s")
    print(f"read_return:      {t1 - t0:.2f} s")
    print(f"validate_return:  {t2 - t1:.2f} s ({errors} errors, {len(problems) - errors} warnings)")
    print(f"transform_return: {t3 - t2:.2f} s ({clean.summary['distance_known']:,} episodes with a distance)")
    print(f"read + validate + transform: {t3 - t0:.2f} s ({(t3 - t0) / floor:.1f}× the floor)")
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
