"""The forecast page of a stored run: projection, costs, backtest and sufficiency, with CSV and XLSX
downloads. Pages read stored ForecastRun results only; a POST asks for a run (forecast.services), which a
background task computes. Scenarios are in scenario_views, unit costs and capacities in cost_views; a capacity's at-risk level, which
the sufficiency tables judge occupancy by, is changed here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forecast import backtest_tables, charts, cost_tables
from forecast import tables as ft
from forecast.choices import (
    can_edit_costs,
    can_edit_scenarios,
    check_authority,
    chosen_forecast_authority,
    run_parameters,
)
from forecast.execution import forecast_runs_expire_stale
from forecast.exports import csv_response, run_about, xlsx_response
from forecast.formatting import BAND_LABELS, group_label
from forecast.forms import CapacityAtRiskForm, authorities_for
from forecast.models import Capacity, ForecastRun
from forecast.selectors import forecast_run_find
from forecast.services import forecast_run_request


def _blocks(run: ForecastRun, capacities, *, can_edit_costs: bool = False) -> list[dict]:
    """Chart + table blocks of a succeeded run, in page order. A table dict may carry its own "question" (the
    words above it) and "figure", which win over the defaults here."""
    r = run.results
    tables = {t["id"]: t for t in ft.run_tables(r, capacities)}
    blocks = [
        {
            "table": tables["total"],
            "figure": charts.total_figure(r),
            "question": "How many children will be looked after? The shaded band should hold the actual "
            "number 95 times in 100: it allows for chance, for the rates being estimated from a limited number "
            "of children, and for entries changing from year to year.",
        },
        {
            "table": tables["by_group"],
            "figure": charts.split_figure(r, "by_group", r["groups"], group_label),
            "question": "Where will they live?",
        },
        {
            "table": tables["by_band"],
            "figure": charts.split_figure(r, "by_band", r["bands"], lambda b: BAND_LABELS[b]),
            "question": "How old will they be?",
        },
        {"table": tables["group_band"], "figure": None, "question": "", "collapsed": True},
        {
            "table": tables["costs"],
            "figure": cost_tables.cost_figure(r),
            "question": "What will the placements cost? Placement-weeks times the weekly unit cost in force.",
        },
    ]
    if "backtest" in tables:
        blocks.append(
            {
                "table": tables["backtest"],
                "figure": None,
                "question": "How well would the model have done? Fitted on earlier data, projected to a date "
                "already known, compared with what happened.",
            }
        )
    blocks.append(
        {
            "table": tables["sufficiency"],
            "figure": None,
            "question": "Is there enough capacity? Occupancy is projected demand over the capacity held: "
            "at risk from 90% full (or the level set with the capacity), a shortfall above 100%.",
        }
    )
    for b in blocks:
        b["id"] = b["table"]["id"]
        b["question"] = b["table"].get("question", b["question"])  # a table may say what it answers
        b["figure"] = b["table"].get("figure", b["figure"])
        if b["id"] in ("total", "by_group", "by_band"):
            b["table"] = ft.yearly_view(b["table"], r)
        if b["id"] == "backtest":  # every check is in the CSV; the page sums them up by group
            b["table"] = backtest_tables.summary_view(b["table"], r)
        b["figure_id"] = f"figure-{b['id']}"
        b["csv_url"] = reverse("forecast:table_csv", args=[run.pk, b["id"]])
        if b["id"] == "costs" and can_edit_costs:  # beside the cost chart: where to enter what is missing
            b["question"] = cost_tables.cost_question(r, f"{reverse('forecast:unit_costs')}?la={run.la.code}")
    return blocks


def _run_context(run: ForecastRun | None, *, can_edit_costs: bool = False) -> dict:
    if run is None or run.status != ForecastRun.Status.SUCCEEDED:
        return {"run": run}
    capacities = list(Capacity.objects.filter(la=run.la))
    r = run.results
    end = len(r["dates"]) - 1
    return {
        "run": run,
        "results": r,
        "blocks": _blocks(run, capacities, can_edit_costs=can_edit_costs),
        "uncosted": cost_tables.uncosted_groups(r),
        "start_total": r["total"]["mean"][0],
        "end_total": r["total"]["mean"][end],
        "end_low": r["total"]["low"][end],
        "end_high": r["total"]["high"][end],
        "end_date": r["dates"][end],
        "capacities": capacities,
    }


@require_GET
def forecast(request):
    la = chosen_forecast_authority(request)
    chosen = run_parameters(request, la, request.GET)
    run = forecast_run_find(**chosen["params"], include_failed=True) if chosen["params"] else None
    return render(
        request,
        "forecast/forecast.html",
        {
            "la": la,
            "authorities": authorities_for(request.user),
            **chosen,
            **_run_context(run, can_edit_costs=can_edit_costs(request.user)),
            "can_edit_scenarios": can_edit_scenarios(request.user),
            "can_edit_costs": can_edit_costs(request.user),
        },
    )


@require_POST
def forecast_start(request):
    la = chosen_forecast_authority(request, request.POST.get("la"))
    chosen = run_parameters(request, la, request.POST)
    if chosen["params"] is None:
        messages.error(request, "Choose a reference window that ends after it starts, and a horizon.")
        return redirect(f"{reverse('forecast:forecast')}?la={la.code}")
    forecast_run_request(**chosen["params"], user=request.user)
    return redirect(f"{reverse('forecast:forecast')}?{chosen['query']}#results")


def _run_for_user(request, pk: int) -> ForecastRun:
    run = get_object_or_404(ForecastRun.objects.select_related("la", "scenario"), pk=pk)
    check_authority(request, run.la)
    return run


@require_GET
def forecast_run_status(request, pk: int):
    forecast_runs_expire_stale()  # a run whose worker died shows as failed within a lease, not "running"
    run = _run_for_user(request, pk)
    return JsonResponse(
        {"status": run.status, "status_display": run.get_status_display(), "finished": run.is_finished}
    )


@require_GET
def forecast_table_csv(request, pk: int, table_id: str):
    run = _run_for_user(request, pk)
    if run.status != ForecastRun.Status.SUCCEEDED:
        raise Http404("The forecast is not ready")
    tables = {t["id"]: t for t in ft.run_tables(run.results, Capacity.objects.filter(la=run.la))}
    if table_id not in tables:
        raise Http404("No such table")
    return csv_response(tables[table_id], f"{run.la.code}-forecast-{run.pk}-{table_id}.csv")


@require_GET
def forecast_xlsx(request, pk: int):
    run = _run_for_user(request, pk)
    if run.status != ForecastRun.Status.SUCCEEDED:
        raise Http404("The forecast is not ready")
    tables = ft.run_tables(run.results, Capacity.objects.filter(la=run.la))
    return xlsx_response(tables, run_about(run), f"{run.la.code}-forecast-{run.pk}.xlsx")


@require_http_methods(["GET", "POST"])
def capacity_at_risk(request, pk: int):
    """A data admin changes the occupancy from which a capacity is judged at risk (the history keeps the
    earlier level). A change someone else saved since the page was opened is shown, not overwritten."""
    if not can_edit_costs(request.user):
        raise PermissionDenied
    capacity = get_object_or_404(Capacity.objects.select_related("la"), pk=pk)
    check_authority(request, capacity.la)
    level = capacity.at_risk_percent
    form = CapacityAtRiskForm(request.POST or None, initial={"at_risk_percent": level, "seen": level})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            current = Capacity.objects.select_for_update().get(pk=pk)
            if current.at_risk_percent == form.cleaned_data["seen"]:
                current.at_risk_percent = form.cleaned_data["at_risk_percent"]
                current.save(update_fields=["at_risk_percent"])
                messages.success(request, f"{current.name}: at risk from {current.at_risk_percent}% full.")
                return redirect(f"{reverse('forecast:costs')}?la={current.la.code}")
        form = CapacityAtRiskForm(
            {**request.POST.dict(), "seen": current.at_risk_percent},
            initial={"at_risk_percent": current.at_risk_percent},
        )
        form.is_valid()
        form.add_error(
            "at_risk_percent",
            f"Someone else changed the level to {current.at_risk_percent}% while you had this page open: "
            "check it and save again",
        )
        capacity = current
    return render(request, "forecast/capacity_at_risk.html", {"form": form, "capacity": capacity})
