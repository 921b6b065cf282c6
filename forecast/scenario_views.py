"""Scenarios: list, create, compare with the baseline (asking for both runs), download and delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forecast import compare_tables, cost_tables, sufficiency_tables
from forecast.choices import (
    can_delete_scenario,
    can_edit_scenarios,
    check_authority,
    chosen_forecast_authority,
    run_parameters,
)
from forecast.exports import csv_response, run_about, xlsx_response
from forecast.forms import ScenarioForm, authorities_for
from forecast.models import Capacity, ForecastRun, ForecastScenario
from forecast.selectors import forecast_run_find
from forecast.services import forecast_run_request


@require_GET
def scenario_list(request):
    la = chosen_forecast_authority(request)
    scenarios = (
        ForecastScenario.objects.filter(la=la)
        .select_related("owner")
        .prefetch_related("actions")
        .order_by("name")
    )
    return render(
        request,
        "forecast/scenario_list.html",
        {
            "la": la,
            "authorities": authorities_for(request.user),
            "scenarios": scenarios,
            "can_edit_scenarios": can_edit_scenarios(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def scenario_create(request):
    if not can_edit_scenarios(request.user):
        raise PermissionDenied
    initial = {"la": request.GET.get("la")} if request.GET.get("la") else {}
    form = ScenarioForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            scenario = ForecastScenario(
                la=data["la"],
                name=data["name"].strip(),
                description=data["description"],
                owner=request.user,
                adjustments=data["adjustments"],
            )
            scenario.full_clean()
            scenario.save()
            scenario.actions.set(data["actions"])
        messages.success(request, f"Scenario '{scenario.name}' saved.")
        return redirect("forecast:scenario", pk=scenario.pk)
    return render(request, "forecast/scenario_form.html", {"form": form})


def _scenario_for_user(request, pk: int) -> ForecastScenario:
    scenario = get_object_or_404(ForecastScenario.objects.select_related("la", "owner"), pk=pk)
    check_authority(request, scenario.la)
    return scenario


def _comparison_figures(scenario: ForecastScenario, b: dict, s: dict, query: str) -> dict:
    """The headline (children, and the cost difference or why none is shown), the two charts (difference by
    group, and the two totals) with their tables, the other tables, and every table for the downloads."""
    capacities = list(Capacity.objects.filter(la=scenario.la))
    difference = compare_tables.difference_table(b, s)
    total = compare_tables.compare_total_table(b, s)
    tables = [
        compare_tables.compare_groups_table(b, s),
        cost_tables.compare_costs_table(b, s),
        sufficiency_tables.compare_sufficiency_table(b, s, capacities),
    ]
    charts = [
        {
            "id": "compare_difference",
            "table": difference,
            "figure": compare_tables.difference_figure(b, s),
            "question": "How many more (+) or fewer (−) children in each placement group than the baseline, "
            "at each year end. Groups that do not change by half a child are left out of the chart; the "
            "total is in the table and on the chart of all children.",
        },
        {
            "id": "compare_total",
            "table": compare_tables.year_ends_view(total, b),
            "figure": compare_tables.compare_figure(b, s, scenario.name),
            "question": "All children looked after, each projection with its 95% band. The axis starts near "
            "the figures, not at 0, so any gap between the two lines shows; where they meet, the scenario moves "
            "children between groups without changing the total.",
        },
    ]
    url = reverse("forecast:scenario_download", args=[scenario.pk, "csv"])
    for block in charts:
        block["figure_id"] = f"figure-{block['id']}"
        block["csv_url"] = f"{url}?{query}&table={block['id']}"
    saving = tables[1].get("saving") or cost_tables.scenario_saving(b, s)
    headline = compare_tables.children_headline(b, s)
    full_years = [y for y in saving["annual"] if y["months"] == 12]
    if not saving["refused"] and full_years and full_years[-1]["end"] == headline["date"]:
        headline["money"] = saving["headline"]  # the same year as the children: one sentence
    return {
        "headline": headline,
        "saving": saving,
        "capacities": capacities,
        "capacity_warnings": sufficiency_tables.capacity_warnings(b, s, capacities),
        "charts": charts,
        "tables": [difference, total, *tables],
        "table_blocks": [
            {
                "id": t["id"],
                "table": t,
                "csv_url": f"{url}?{query}&table={t['id']}",
                "collapsed": t["id"] == "compare_groups",  # the chart above leads; the table has every group
            }
            for t in tables
        ],
        "descriptions": s["scenario"]["descriptions"],
    }


def _comparison(request, scenario: ForecastScenario, data) -> dict:
    chosen = run_parameters(request, scenario.la, data)
    baseline = run = None
    if chosen["params"]:
        baseline = forecast_run_find(**chosen["params"], include_failed=True)
        run = forecast_run_find(**chosen["params"], scenario=scenario, include_failed=True)
    ready = bool(baseline and run and baseline.status == run.status == ForecastRun.Status.SUCCEEDED)
    out = {
        "scenario": scenario,
        "la": scenario.la,
        "baseline": baseline,
        "run": run,
        "ready": ready,
        **chosen,
    }
    if ready:
        out.update(_comparison_figures(scenario, baseline.results, run.results, chosen["query"]))
    return out


@require_GET
def scenario_detail(request, pk: int):
    scenario = _scenario_for_user(request, pk)
    context = _comparison(request, scenario, request.GET)
    context["actions"] = scenario.actions.select_related("priority").order_by("pk")
    context["can_delete"] = can_delete_scenario(request.user, scenario)
    if not context.get("descriptions"):
        from forecast.engine.scenarios import describe_spec

        context["descriptions"] = [describe_spec(s) for s in scenario.adjustments]
    return render(request, "forecast/scenario_compare.html", context)


@require_http_methods(["GET", "POST"])
def scenario_delete(request, pk: int):
    """Its owner or a lead commissioner deletes a scenario (and its stored runs), after confirming."""
    scenario = _scenario_for_user(request, pk)
    if not can_delete_scenario(request.user, scenario):
        raise PermissionDenied
    if request.method == "POST":
        la_code, name = scenario.la.code, scenario.name
        scenario.delete()
        messages.success(request, f"Scenario '{name}' deleted.")
        return redirect(f"{reverse('forecast:scenarios')}?la={la_code}")
    return render(request, "forecast/scenario_delete.html", {"scenario": scenario})


@require_POST
def scenario_run(request, pk: int):
    scenario = _scenario_for_user(request, pk)
    chosen = run_parameters(request, scenario.la, request.POST)
    if chosen["params"] is None:
        messages.error(request, "Choose a reference window that ends after it starts, and a horizon.")
        return redirect("forecast:scenario", pk=scenario.pk)
    forecast_run_request(**chosen["params"], user=request.user)
    forecast_run_request(**chosen["params"], scenario=scenario, user=request.user)
    url = reverse("forecast:scenario", args=[scenario.pk])
    return redirect(f"{url}?{chosen['query']}#comparison")


@require_GET
def scenario_download(request, pk: int, fmt: str):
    scenario = _scenario_for_user(request, pk)
    context = _comparison(request, scenario, request.GET)
    if not context["ready"]:
        raise Http404("The comparison is not ready")
    name = f"{scenario.la.code}-scenario-{scenario.pk}"
    if fmt == "xlsx":
        about = [
            f"Scenario '{scenario.name}' compared with the baseline: {scenario.la}",
            *run_about(context["run"])[1:],
        ]
        return xlsx_response(context["tables"], about, f"{name}.xlsx")
    tables = {t["id"]: t for t in context["tables"]}
    table = tables.get(request.GET.get("table", "compare_groups"))
    if table is None:
        raise Http404("No such table")
    return csv_response(table, f"{name}-{table['id']}.csv")
