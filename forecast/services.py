"""Writes for the forecast (issue 7): run the pure model (forecast.engine) on an authority's imported
episodes and store what the pages show. The pages read ForecastRun.results only, never episodes.

Reads (the episodes, unit costs, stored runs) are in forecast.selectors.
`forecast_run_request` finds a stored run for the same authority, window, horizon and inputs (returns,
unit costs, scenario) or records a queued one and enqueues `forecast_run_task` (forecast.tasks); the
task calls `forecast_run_execute` (forecast.execution), which reads the episodes, calls
`forecast_compute` (pure: frames in, dict out) and stores its result.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction

from forecast.execution import forecast_runs_expire_stale
from forecast.models import ForecastRun, ForecastScenario
from forecast.selectors import (
    forecast_inputs_key,
    forecast_run_find,
)
from forecast.tasks import forecast_run_task
from sufficiency.models import LocalAuthority

logger = logging.getLogger(__name__)

MAX_HORIZON = 60


# ---- runs --------------------------------------------------------------------------------------------


def forecast_run_request(
    *,
    la: LocalAuthority,
    ref_start: date,
    ref_end: date,
    horizon_months: int,
    scenario: ForecastScenario | None = None,
    user=None,
) -> tuple[ForecastRun, bool]:
    """The stored run for these parameters, or a new queued one enqueued after commit (created=True)."""
    if not 1 <= horizon_months <= MAX_HORIZON:
        raise ValueError(f"the horizon must be 1 to {MAX_HORIZON} months")
    if ref_start >= ref_end:
        raise ValueError("the reference window must start before it ends")
    forecast_runs_expire_stale()  # a run whose worker died must not stand in for a new one
    existing = forecast_run_find(
        la=la, ref_start=ref_start, ref_end=ref_end, horizon_months=horizon_months, scenario=scenario
    )
    if existing is not None:
        return existing, False
    run = ForecastRun.objects.create(
        la=la,
        ref_start=ref_start,
        ref_end=ref_end,
        horizon_months=horizon_months,
        scenario=scenario,
        inputs_key=forecast_inputs_key(la=la, scenario=scenario),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: forecast_run_task.enqueue(run.pk))
    return run, True
