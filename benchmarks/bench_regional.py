"""Benchmark: a region's returns imported by two workers at once, and an import's time against years held.

    .venv/bin/python benchmarks/bench_regional.py --db postgres://postgres@127.0.0.1:5432/bench_regional
    .venv/bin/python benchmarks/bench_regional.py --db postgres://postgres@127.0.0.1:5432/bench_regional --scaling

Regional run (default): the 11 authorities of the East of England (created if the database lacks them),
--years years each of synthetic returns of --children children over those years (6,000 gives about 1,100
children looked after on 31 March, the size of Norfolk), queued as import jobs year by year and run by
--workers `manage.py db_worker` processes in parallel against the one database. Prints the total time,
each import's time against the years its authority already held, and, with everything held, the server
time (median and 90th percentile) of every authority's dashboard and of the regional page when the portal
has one.

--scaling: --pairs authorities (5), their years imported one after another in one process, all but the
last; then, --pairs times, another authority's 1st year and one of those authorities' last year, one
straight after the other. Prints every import's time, each pair's ratio of the last year to the 1st, and
their median (target: the 10th year in at most 1.2 times the time of the 1st). --children 360000 --years
10 gives about 100,000 children a year (Header rows), the national scale of the issue. Each import also
shows the CPU time of this process (the database's work is not in it) and the load average: on a machine
shared with other work the wall times move with the load, which is why the ratio is taken of imports run
one after the other, several times, rather than of the first and the last import of the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import ROOT, prepare  # noqa: E402

REGION = ("E12000006", "East of England")
EAST_OF_ENGLAND = [
    ("E06000055", "Bedford"),
    ("E10000003", "Cambridgeshire"),
    ("E06000056", "Central Bedfordshire"),
    ("E10000012", "Essex"),
    ("E10000015", "Hertfordshire"),
    ("E06000032", "Luton"),
    ("E10000020", "Norfolk"),
    ("E06000031", "Peterborough"),
    ("E06000033", "Southend-on-Sea"),
    ("E10000029", "Suffolk"),
    ("E06000034", "Thurrock"),
]
TARGET_RATIO = 1.2


def authorities():
    """The region and its authorities, created where the database does not hold them."""
    from sufficiency.models import LocalAuthority

    region, _ = LocalAuthority.objects.get_or_create(
        code=REGION[0], defaults={"name": REGION[1], "kind": LocalAuthority.Kind.REGION}
    )
    las = []
    for code, name in EAST_OF_ENGLAND:
        la, _ = LocalAuthority.objects.get_or_create(
            code=code, defaults={"name": name, "kind": LocalAuthority.Kind.LA, "region": region}
        )
        if la.region_id is None:
            LocalAuthority.objects.filter(pk=la.pk).update(region=region)
        las.append(la)
    return region, las


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(len(ordered) * fraction)) - 1)]


def time_page(client, url: str, requests: int) -> tuple[float, float] | None:
    """Median and 90th percentile server time of a page in ms (after warm-up); None if it is not 200."""
    for _ in range(2):
        if client.get(url).status_code != 200:
            return None
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, url
    return statistics.median(times), percentile(times, 0.9)


def regional_url(region_code: str) -> str | None:
    """The regional page's address if the portal has one (a URL whose name mentions a region)."""
    from django.urls import NoReverseMatch, get_resolver, reverse

    names = []

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                space = f"{pattern.namespace}:" if pattern.namespace else ""
                walk(pattern, prefix + space)
            elif pattern.name and "region" in pattern.name:
                names.append(prefix + pattern.name)

    walk(get_resolver())
    for name in names:
        for kwargs in ({}, {"code": region_code}, {"la": region_code}, {"region": region_code}):
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            return url if kwargs else f"{url}?la={region_code}&region={region_code}"
    return None


def run_workers(count: int, env: dict) -> float:
    """Start `count` db_worker processes that run every queued task and exit; returns the wall time."""
    t = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                f"--worker-id=bench-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]
    for worker in workers:
        worker.wait()
    return time.perf_counter() - t


def regional(args) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from placements.models import Episode, ImportJob, YearlyFigure
    from placements.services import import_job_create
    from placements.ssda903.synthetic import csv_uploads, generate_return
    from placements.tasks import import_job_task

    region, las = authorities()
    las = las[: args.authorities]
    first = args.last_year - args.years + 1
    t = time.perf_counter()
    returns = {
        la.pk: generate_return(children=args.children, first_year=first, last_year=args.last_year, seed=n + 1)
        for n, la in enumerate(las)
    }
    children = statistics.mean(len(r[args.last_year]["Header"]) for r in returns.values())
    episodes = statistics.mean(len(r[args.last_year]["Episodes"]) for r in returns.values())
    print(
        f"generated {len(las)} authorities x {args.years} years in {time.perf_counter() - t:.0f} s "
        f"(about {children:,.0f} children and {episodes:,.0f} episodes a return)",
        flush=True,
    )

    # Queued year by year, so the workers take different authorities at once (as data admins would).
    database_backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    jobs = []
    with override_settings(TASKS=database_backend):
        for year in range(first, args.last_year + 1):
            for la in las:
                job = import_job_create(
                    la=la, collection_year=year, uploads=csv_uploads(returns[la.pk][year])
                )
                import_job_task.enqueue(str(job.pk))
                jobs.append(job.pk)
    del returns
    env = {**os.environ, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    total = run_workers(args.workers, env)

    done = list(ImportJob.objects.filter(pk__in=jobs).order_by("started_at"))
    statuses = {job.status for job in done}
    print(f"{len(done)} imports by {args.workers} workers: {total:.0f} s in all; outcomes {sorted(statuses)}")
    for job in done:
        if job.status != ImportJob.Status.SUCCEEDED:
            print(
                f"  {job.la.name} {job.collection_year}: {job.status} - {job.stage} {job.summary.get('error', '')}"
            )
    by_held: dict[int, list[float]] = {}
    for job in done:
        held = sum(
            1
            for other in done
            if other.la_id == job.la_id and other.finished_at and other.finished_at <= job.started_at
        )
        by_held.setdefault(held, []).append((job.finished_at - job.started_at).total_seconds())
    print("years held before the import -> import time (median, max over the authorities)")
    for held, seconds in sorted(by_held.items()):
        print(
            f"  {held:2d}: {statistics.median(seconds):5.2f} s  {max(seconds):5.2f} s  ({len(seconds)} imports)"
        )
    if 0 in by_held and max(by_held) > 0:
        ratio = statistics.median(by_held[max(by_held)]) / statistics.median(by_held[0])
        print(f"  ratio of medians, year {max(by_held) + 1} / year 1: {ratio:.2f}")

    computed = YearlyFigure.objects.filter(source=YearlyFigure.Source.COMPUTED).count()
    print(f"held: {Episode.objects.count():,} episodes, {computed:,} computed measures")
    user = get_user_model().objects.create_superuser("bench", password="bench-password-123456")
    client = Client()
    client.force_login(user)
    dashboards = []
    for la in las:
        timing = time_page(client, f"/placements/?la={la.code}", args.requests)
        if timing:
            dashboards.append(timing)
    medians = [m for m, _ in dashboards]
    print(
        f"dashboards ({len(dashboards)} authorities, {args.requests} requests each): "
        f"median {statistics.median(medians):.0f} ms, p90 {percentile([p for _, p in dashboards], 0.9):.0f} ms"
    )
    url = regional_url(region.code)
    timing = time_page(client, url, args.requests) if url else None
    if timing:
        print(f"regional page {url}: median {timing[0]:.0f} ms, p90 {timing[1]:.0f} ms")
    else:
        print("regional page: not in this version of the portal (not measured)")


def scaling(args) -> None:
    from placements.services import import_job_create, import_job_run
    from placements.ssda903.synthetic import csv_uploads, generate_return

    first = args.last_year - args.years + 1
    t = time.perf_counter()
    returns = generate_return(children=args.children, first_year=first, last_year=args.last_year, seed=7)
    print(
        f"generated {args.years} years in {time.perf_counter() - t:.0f} s "
        f"(about {len(returns[args.last_year]['Header']):,} children a year)",
        flush=True,
    )
    _, las = authorities()
    if len(las) < 2 * args.pairs + 1:
        raise SystemExit(f"--pairs {args.pairs} needs {2 * args.pairs + 1} authorities; there are {len(las)}")
    warm_up, grown, fresh = las[0], las[1 : 1 + args.pairs], las[1 + args.pairs : 1 + 2 * args.pairs]

    def timed(la, year) -> tuple[float, float]:
        files = csv_uploads(returns[year])
        t, c = time.perf_counter(), time.process_time()
        job = import_job_run(import_job_create(la=la, collection_year=year, uploads=files))
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        print(
            f"  {la.name}, {year}: {wall:.2f} s (CPU here {cpu:.2f} s, load {os.getloadavg()[0]:.1f}), "
            f"{job.status}, measures recomputed for {job.summary.get('years_recomputed')}",
            flush=True,
        )
        return wall, cpu

    # Warm-up: one import elsewhere, so the first timed one does not pay for the process starting.
    import_job_run(import_job_create(la=warm_up, collection_year=first, uploads=csv_uploads(returns[first])))
    for held, year in enumerate(range(first, args.last_year)):
        print(f"year {year}, {held} years held by each of {len(grown)} authorities:", flush=True)
        for la in grown:
            timed(la, year)
    # Each pair: an authority's 1st year, then another's last with every earlier year held, one straight
    # after the other, so that both meet the same machine (on a shared machine, times move by a fifth
    # from one minute to the next) and the same warm database.
    print(f"pairs: one authority's 1st year ({first}), then another's year {args.years} ({args.last_year})")
    ratios, cpu_ratios = [], []
    for new, old in zip(fresh, grown, strict=True):
        one, one_cpu = timed(new, first)
        last, last_cpu = timed(old, args.last_year)
        ratios.append(last / one)
        cpu_ratios.append(last_cpu / one_cpu)
        print(
            f"    year {args.years} / year 1: {ratios[-1]:.2f} (CPU time of this process {cpu_ratios[-1]:.2f})"
        )
    ratio = statistics.median(ratios)
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(
        f"year {args.years} / year 1, median of {len(ratios)} pairs: {ratio:.2f} ({verdict} the target of "
        f"{TARGET_RATIO}); each pair {', '.join(f'{r:.2f}' for r in ratios)}; CPU time of this process, "
        f"median {statistics.median(cpu_ratios):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--scaling", action="store_true", help="one authority: import time against years held"
    )
    parser.add_argument(
        "--children", type=int, default=6_000, help="children of one authority over all years"
    )
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--last-year", type=int, default=2024)
    parser.add_argument("--authorities", type=int, default=len(EAST_OF_ENGLAND))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--pairs", type=int, default=5, help="--scaling: authorities whose last year is timed beside a 1st"
    )
    args = parser.parse_args()
    media = tempfile.mkdtemp(prefix="bench-regional-media-")
    os.environ["MEDIA_ROOT"] = media  # shared by this process and the workers it starts
    prepare(args.db)
    print(f"database: {args.db.split('://')[0]}")
    (scaling if args.scaling else regional)(args)


if __name__ == "__main__":
    main()
