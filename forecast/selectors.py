"""Reads for the forecast (issue 7): the span of an authority's returns, its episodes as the model takes
them, unit costs, the key of a run's inputs and stored runs. Pages read stored ForecastRun results only;
only the background task reads episodes (forecast_frames)."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd

from forecast.engine.results import RESULTS_VERSION
from forecast.models import ForecastRun, ForecastScenario, UnitCost
from placements import selectors as placement_selectors
from sufficiency.models import LocalAuthority


def forecast_data_span(*, la: LocalAuthority) -> tuple[date, date] | None:
    """First and last 31 March on which the authority's current returns give the whole stock, or None.

    The first return (year ending 31 March Y) holds every episode open during its year, so the stock on
    31 March Y-1 is known too (an episode open then and still open on 1 April is in that return)."""
    years = placement_selectors.current_return_years(la=la)
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
    """The authority's longitudinal episodes and one header row per child (placements' named read)."""
    return placement_selectors.longitudinal_episodes(la=la)


def unit_cost_rows(*, la: LocalAuthority) -> list[dict]:
    """The authority's placement unit costs as forecast.engine.costs expects them."""
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
    for pk, checksum in placement_selectors.current_return_checksums(la=la):
        digest.update(f"r{pk}:{checksum};".encode())
    for row in unit_cost_rows(la=la):
        digest.update(repr(sorted(row.items())).encode())
    if scenario is not None:
        action_ids = sorted(scenario.actions.values_list("pk", flat=True))
        digest.update(f"s{scenario.pk}:{scenario.adjustments!r}:{action_ids}".encode())
    digest.update(f"v{RESULTS_VERSION}".encode())
    return digest.hexdigest()


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
