"""Fixtures shared by the forecast tests (imported by the test modules that use them)."""

from datetime import date

import pytest

from forecast.models import UnitCost
from forecast.services import forecast_run_request
from placements.seed import import_synthetic_returns
from sufficiency.models import LocalAuthority

DEMO = "Z99999999"


def import_synthetic(la, *, children=400, first=2018, last=2021, seed=7):
    """Generate synthetic returns and import them for `la` through the real import service."""
    for job in import_synthetic_returns(la, children=children, first=first, last=last, seed=seed):
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
