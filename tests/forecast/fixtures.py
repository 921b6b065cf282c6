"""Fixtures shared by the forecast tests (imported by the test modules that use them)."""

import tempfile
from datetime import date
from pathlib import Path

import pytest

from forecast.models import UnitCost
from forecast.services import forecast_run_request
from placements.services import import_job_create, import_job_run
from sufficiency.models import LocalAuthority

DEMO = "Z99999999"


def import_synthetic(la, *, children=400, first=2018, last=2021, seed=7):
    """Generate synthetic returns and import them for `la` through the real import service."""
    from placements.ssda903.synthetic import generate_return

    returns = generate_return(children=children, first_year=first, last_year=last, seed=seed)
    for year, tables in sorted(returns.items()):
        with tempfile.TemporaryDirectory() as tmp:
            uploads = []
            for name, frame in tables.items():
                path = Path(tmp) / f"{name.lower()}.csv"
                frame.to_csv(path, index=False)
                uploads.append((path.name, path.read_bytes()))
        job = import_job_run(import_job_create(la=la, collection_year=year, uploads=uploads))
        assert job.status == "succeeded", job.summary


@pytest.fixture
def run_now(django_capture_on_commit_callbacks):
    """forecast_run_request with the on-commit enqueue executed (the immediate backend runs the task)."""

    def _run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run, created = forecast_run_request(**kwargs)
        run.refresh_from_db()
        return run, created

    return _run


@pytest.fixture
def demo_la(seeded_core):
    """The demo authority with four synthetic years (2018-2021) and one unit cost."""
    la = LocalAuthority.objects.get(code=DEMO)
    import_synthetic(la)
    UnitCost.objects.create(
        la=la, group="residential", provider="external", weekly_cost=2850, effective_from=date(2020, 1, 1)
    )
    return la
