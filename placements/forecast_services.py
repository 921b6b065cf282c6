"""Writes for the forecast (issue 7): run the pure model (placements.forecast) on an authority's imported
episodes and store what the pages show. The pages read ForecastRun.results only, never episodes.

`forecast_run_request` finds a stored run for the same authority, window, horizon and inputs (returns,
unit costs, scenario) or records a queued one and enqueues `forecast_run_task`; the task calls
`forecast_run_execute`, which reads the episodes, calls `forecast_compute` (pure: frames in, dict out)
and stores its result.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import date

import pandas as pd
from django.db import transaction
from django.utils import timezone

from placements import measures
from placements.forecast.results import RESULTS_VERSION, forecast_compute
from placements.models import (
    ChildHeader,
    Episode,
    ForecastRun,
    ForecastScenario,
    Return,
    UnitCost,
)
from sufficiency.models import LocalAuthority

logger = logging.getLogger(__name__)

MAX_HORIZON = 60


# ---- inputs ------------------------------------------------------------------------------------------


def forecast_data_span(*, la: LocalAuthority) -> tuple[date, date] | None:
    """First and last 31 March on which the authority's current returns give the whole stock, or None.

    The first return (year ending 31 March Y) holds every episode open during its year, so the stock on
    31 March Y-1 is known too (an episode open then and still open on 1 April is in that return)."""
    years = list(Return.objects.current().for_la(la).values_list("collection_year", flat=True))
    if not years:
        return None
    return date(min(years) - 1, 3, 31), date(max(years), 3, 31)


def forecast_default_window(
    *, la: LocalAuthority, years: int = 3, span: tuple[date, date] | None = None
) -> tuple[date, date] | None:
    """The last `years` years of data (fewer when less is held), ending on the last 31 March held."""
    span = span or forecast_data_span(la=la)
    if span is None:
        return None
    start = (pd.Timestamp(span[1]) - pd.DateOffset(years=years)).date()
    return max(start, span[0]), span[1]


def forecast_frames(*, la: LocalAuthority) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The authority's longitudinal episodes (measures.build_longitudinal: one row per child and DECOM,
    latest return first, short breaks out) and one header row per child (the latest return's)."""
    returns = dict(Return.objects.current().for_la(la).values_list("pk", "collection_year"))
    ep_fields = ["child", "decom", "dec", "ls", "place", "place_provider"]
    rows = Episode.objects.filter(ret_id__in=list(returns)).values_list("ret_id", *ep_fields)
    episodes = pd.DataFrame.from_records(list(rows), columns=["ret_id", *ep_fields])
    episodes["collection_year"] = episodes["ret_id"].map(returns).astype("int64")
    episodes = episodes.drop(columns="ret_id")
    for field in ("decom", "dec"):
        episodes[field] = pd.to_datetime(episodes[field])
    for field in ("ls", "place", "place_provider"):
        episodes[field] = episodes[field].astype(object).where(episodes[field] != "", None)
    hrows = ChildHeader.objects.filter(ret_id__in=list(returns)).values_list("ret_id", "child", "dob")
    header = pd.DataFrame.from_records(list(hrows), columns=["ret_id", "child", "dob"])
    header["collection_year"] = header["ret_id"].map(returns).astype("int64")
    header["dob"] = pd.to_datetime(header["dob"])
    episodes = measures.build_longitudinal(episodes)
    header = measures.latest_per_child(header.drop(columns="ret_id"))
    return episodes, header


def unit_cost_rows(*, la: LocalAuthority) -> list[dict]:
    """The authority's placement unit costs as placements.forecast.costs expects them."""
    return [
        {
            "group": r["group"],
            "provider": r["provider"],
            "weekly_cost": float(r["weekly_cost"]),
            "effective_from": r["effective_from"].isoformat(),
            "source": r["source"],
            "label": r["label"],
        }
        for r in UnitCost.objects.for_la(la)
        .placements_only()
        .order_by("effective_from", "pk")
        .values("group", "provider", "weekly_cost", "effective_from", "source", "label")
    ]


def forecast_inputs_key(*, la: LocalAuthority, scenario: ForecastScenario | None = None) -> str:
    """Changes whenever anything a run reads changes: current returns, unit costs, the scenario."""
    digest = hashlib.sha256()
    for pk, checksum in Return.objects.current().for_la(la).order_by("pk").values_list("pk", "checksum"):
        digest.update(f"r{pk}:{checksum};".encode())
    for row in unit_cost_rows(la=la):
        digest.update(repr(sorted(row.items())).encode())
    if scenario is not None:
        action_ids = sorted(scenario.actions.values_list("pk", flat=True))
        digest.update(f"s{scenario.pk}:{scenario.adjustments!r}:{action_ids}".encode())
    digest.update(f"v{RESULTS_VERSION}".encode())
    return digest.hexdigest()


# ---- runs --------------------------------------------------------------------------------------------


def forecast_run_find(
    *,
    la: LocalAuthority,
    ref_start: date,
    ref_end: date,
    horizon_months: int,
    scenario: ForecastScenario | None = None,
    include_failed: bool = False,
) -> ForecastRun | None:
    """The stored (or queued) run for these parameters and the current inputs, if any; with
    include_failed, the latest run even when it failed (so a page can say why)."""
    runs = ForecastRun.objects.filter(
        la=la,
        ref_start=ref_start,
        ref_end=ref_end,
        horizon_months=horizon_months,
        scenario=scenario,
        inputs_key=forecast_inputs_key(la=la, scenario=scenario),
    )
    if not include_failed:
        runs = runs.exclude(status=ForecastRun.Status.FAILED)
    return runs.order_by("-created_at").first()


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
