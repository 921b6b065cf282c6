"""Running a forecast (called by the background task): fit and project on an authority's episodes, store
the result on the run; and giving up runs whose worker died (a lapsed lease)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from forecast.engine.results import forecast_compute
from forecast.models import ForecastRun
from forecast.selectors import forecast_data_span, forecast_frames, unit_cost_rows
from sufficiency.leases import heartbeat, lease_lapsed

logger = logging.getLogger(__name__)


STOPPED_MESSAGE = "The forecast stopped before it finished (the background worker stopped). Run it again."
NEVER_STARTED_MESSAGE = "The forecast never started (the background worker was not running). Run it again."


def forecast_runs_expire_stale() -> int:
    """Mark forecast runs whose worker died as failed, so no page waits for them and a new run can start.

    Dead: RUNNING with a lease (`heartbeat_at`) older than IMPORT_JOB_LEASE_SECONDS or started more than
    FORECAST_RUN_MAX_SECONDS ago, or QUEUED for longer than IMPORT_JOB_QUEUE_MAX_SECONDS. A failed run's
    results are never shown. Returns how many runs were marked failed.
    """
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
