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
from datetime import date

from django.db import transaction
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


def forecast_run_execute(run: ForecastRun) -> ForecastRun:
    """Read the authority's episodes, compute, store. A failure is recorded on the run, not raised."""
    run.status = ForecastRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    t0 = time.perf_counter()
    try:
        span = forecast_data_span(la=run.la)
        if span is None:
            raise ValueError(f"No SSDA903 returns are imported for {run.la}.")
        episodes, header = forecast_frames(la=run.la)
        scenario = run.scenario
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
