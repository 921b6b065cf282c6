"""Writes for the forecast (issue 7): run the pure model (placements.forecast) on an authority's imported
episodes and store what the pages show. The pages read ForecastRun.results only, never episodes.

Reads (the episodes, unit costs, stored runs) are in placements.forecast_selectors.
`forecast_run_request` finds a stored run for the same authority, window, horizon and inputs (returns,
unit costs, scenario) or records a queued one and enqueues `forecast_run_task`; the task calls
`forecast_run_execute`, which reads the episodes, calls `forecast_compute` (pure: frames in, dict out)
and stores its result.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from placements.forecast.results import forecast_compute
from placements.forecast_selectors import (
    forecast_data_span,
    forecast_frames,
    forecast_inputs_key,
    forecast_run_find,
    unit_cost_rows,
)
from placements.models import ForecastRun, ForecastScenario
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
    from placements.tasks import forecast_run_task

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


STOPPED_MESSAGE = "The forecast stopped before it finished (the background worker stopped). Run it again."
NEVER_STARTED_MESSAGE = "The forecast never started (the background worker was not running). Run it again."


def forecast_runs_expire_stale() -> int:
    """Mark forecast runs whose worker died as failed, so no page waits for them and a new run can start.

    Dead: RUNNING with a lease (`heartbeat_at`) older than IMPORT_JOB_LEASE_SECONDS or started more than
    FORECAST_RUN_MAX_SECONDS ago, or QUEUED for longer than IMPORT_JOB_QUEUE_MAX_SECONDS. A failed run's
    results are never shown. Returns how many runs were marked failed.
    """
    from placements.services import lease_lapsed

    now = timezone.now()
    running = ForecastRun.objects.filter(status=ForecastRun.Status.RUNNING).filter(
        lease_lapsed(now) | Q(started_at__lt=now - timedelta(seconds=settings.FORECAST_RUN_MAX_SECONDS))
    )
    queued = ForecastRun.objects.filter(
        status=ForecastRun.Status.QUEUED,
        created_at__lt=now - timedelta(seconds=settings.IMPORT_JOB_QUEUE_MAX_SECONDS),
    )
    failed = running.update(
        status=ForecastRun.Status.FAILED, error=STOPPED_MESSAGE, results={}, finished_at=now
    )
    failed += queued.update(status=ForecastRun.Status.FAILED, error=NEVER_STARTED_MESSAGE, finished_at=now)
    return failed


def forecast_run_execute(run: ForecastRun) -> ForecastRun:
    """Read the authority's episodes, compute, store. A failure is recorded on the run, not raised.

    The run holds a lease while it computes (renewed by a heartbeat thread); if its worker is killed,
    `forecast_runs_expire_stale` marks it failed.
    """
    from placements.services import heartbeat

    run.status = ForecastRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "started_at", "heartbeat_at"])
    t0 = time.perf_counter()
    try:
        span = forecast_data_span(la=run.la)
        if span is None:
            raise ValueError(f"No SSDA903 returns are imported for {run.la}.")
        episodes, header = forecast_frames(la=run.la)
        scenario = run.scenario
        with heartbeat(ForecastRun, run.pk):
            run.results = forecast_compute(
                episodes,
                header,
                ref_start=run.ref_start,
                ref_end=run.ref_end,
                horizon_months=run.horizon_months,
                unit_costs=unit_cost_rows(la=run.la),
                scenario_name=scenario.name if scenario else None,
                scenario_specs=list(scenario.adjustments) if scenario else None,
                data_start=span[0],
                data_end=span[1],
            )
        run.status = ForecastRun.Status.SUCCEEDED
        run.error = ""
    except Exception as exc:  # recorded on the run so the page can say what went wrong
        logger.exception("Forecast run %s failed", run.pk)
        run.status = ForecastRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
    run.seconds = round(time.perf_counter() - t0, 3)
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "results", "error", "seconds", "finished_at"])
    return run
