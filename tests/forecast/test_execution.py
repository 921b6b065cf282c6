"""Forecast runs whose worker died are given up (forecast.execution)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forecast.execution import forecast_runs_expire_stale
from forecast.models import ForecastRun
from forecast.selectors import forecast_inputs_key, forecast_run_find
from sufficiency.models import LocalAuthority


@pytest.fixture
def norfolk(seeded_core):
    return LocalAuthority.objects.get(code="E10000020")


def test_a_forecast_run_whose_worker_died_is_failed_and_never_shown(norfolk, settings):
    params = {"la": norfolk, "ref_start": timezone.now().date().replace(year=2019), "horizon_months": 12}
    params["ref_end"] = params["ref_start"] + timedelta(days=365)
    lapsed = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS + 5)
    dead = ForecastRun.objects.create(
        **params,
        inputs_key=forecast_inputs_key(la=norfolk, scenario=None),
        status=ForecastRun.Status.RUNNING,
        started_at=lapsed,
        heartbeat_at=lapsed,
        results={"half": "written"},
    )
    alive = ForecastRun.objects.create(
        **{**params, "horizon_months": 24},
        inputs_key=dead.inputs_key,
        status=ForecastRun.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    assert forecast_run_find(**params) == dead  # stands in for a new run until the sweep

    assert forecast_runs_expire_stale() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ForecastRun.Status.FAILED and dead.results == {} and "Run it again" in dead.error
    assert alive.status == ForecastRun.Status.RUNNING
    assert forecast_run_find(**params) is None
