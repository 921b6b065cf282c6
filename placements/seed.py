"""Seed data for the placements app: the seed documents' published and comparator figures, and the
synthetic demo authority ("Demo County", code Z99999999) whose generated returns are imported so the
dashboards have computed figures on first run. Nothing synthetic is ever stored under a real authority.
"""

import csv
from pathlib import Path

from django.conf import settings

from placements.models import Population, Return, YearlyFigure
from placements.services import comparators_load, import_job_create, import_job_run, published_load
from sufficiency.models import LocalAuthority

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_LA_CODE = "Z99999999"
DEMO_FIRST, DEMO_LAST = 2016, 2024
DEMO_CHILDREN = 5200  # about Norfolk's size: roughly 1,100 looked after on 31 March
DEMO_POPULATION = 170_000  # synthetic, for the demo authority's rate per 10,000


def load_demo_returns(
    *, children: int = DEMO_CHILDREN, first: int = DEMO_FIRST, last: int = DEMO_LAST
) -> str:
    """Generate and import the demo authority's returns (skipped when they are already held)."""
    demo = LocalAuthority.objects.get(code=DEMO_LA_CODE)
    if not demo.is_synthetic:
        raise RuntimeError("Refusing to put synthetic data under a real authority")
    for year in range(first, last + 1):
        Population.objects.get_or_create(
            la=demo,
            year=year,
            defaults={"population": DEMO_POPULATION, "source": "Synthetic figure for the demo authority"},
        )
    if Return.objects.current().for_la(demo).count() == last - first + 1:
        return "demo returns already held"
    jobs = import_synthetic_returns(demo, children=children, first=first, last=last, seed=2026)
    for job in jobs:
        if job.status not in ("succeeded", "unchanged"):
            raise RuntimeError(f"Demo return {job.collection_year} did not import: {job.status} {job.summary}")
    return f"demo returns imported for {jobs[0].collection_year}–{jobs[-1].collection_year}"


def import_synthetic_returns(la, *, children: int, first: int, last: int, seed: int) -> list:
    """Generate synthetic returns for the years `first`–`last` and import each through the import service
    (as an upload would); returns the import jobs, oldest year first. For the demo authority, benchmarks
    and tests."""
    from placements.ssda903.synthetic import csv_uploads, generate_return

    returns = generate_return(children=children, first_year=first, last_year=last, seed=seed)
    return [
        import_job_run(import_job_create(la=la, collection_year=year, uploads=csv_uploads(tables)))
        for year, tables in sorted(returns.items())
    ]


def prune_moved_figures(path: Path, *, area_column: str, sources: list[str]) -> int:
    """Delete stored figures of the fixture's documents that the fixture no longer holds under that
    year (a period corrected in the fixture, e.g. a report's in-year figure moved to the report's
    year), so a re-seeded database does not show the figure twice. Returns how many were deleted."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    held = {(r[area_column], int(r["year"]), r["measure"], r["source_document"]) for r in rows}
    documents = {r["source_document"] for r in rows if r["source_document"]}
    stale = [
        pk
        for pk, code, year, measure, document in YearlyFigure.objects.filter(
            source__in=sources, source_document__in=documents
        ).values_list("pk", "la__code", "year", "measure", "source_document")
        if (code, year, measure, document) not in held
    ]
    YearlyFigure.objects.filter(pk__in=stale).delete()
    return len(stale)


def load_seed(*, synthetic: bool = True) -> str:
    parts = []
    published = FIXTURES / "published_measures.csv"
    if published.exists():
        parts.append(f"{published_load(published)} published figures")
        prune_moved_figures(published, area_column="la_code", sources=[YearlyFigure.Source.PUBLISHED])
    comparators = FIXTURES / "comparators.csv"
    if comparators.exists():
        parts.append(f"{comparators_load(comparators)} comparator figures")
        prune_moved_figures(comparators, area_column="area_code", sources=[YearlyFigure.Source.COMPARATOR])
    if synthetic:
        parts.append(load_demo_returns())
    return ", ".join(parts) or "nothing to load"
