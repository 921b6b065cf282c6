"""The forecast pages (issue 7): projection, costs, backtest and sufficiency of a stored run; scenarios
compared with the baseline; unit costs and capacities. Pages read stored ForecastRun results only; a POST
asks for a run (forecast.services), which a background task computes."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forecast import tables as ft
from forecast.execution import forecast_runs_expire_stale
from forecast.forms import CapacityForm, ForecastChoiceForm, ScenarioForm, UnitCostForm
from forecast.models import Capacity, ForecastRun, ForecastScenario, UnitCost
from forecast.selectors import forecast_data_span, forecast_default_window, forecast_run_find
from forecast.services import forecast_run_request
from placements import selectors as placement_selectors
from sufficiency import csvsafe
from sufficiency.access import authority_for_request
from sufficiency.models import LocalAuthority
from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER, has_role

DEFAULT_HORIZON = 36
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_edit_scenarios(user) -> bool:
    return has_role(user, MANAGER, COMMISSIONER, LEAD_COMMISSIONER)


def can_edit_costs(user) -> bool:
    return has_role(user, DATA_ADMIN)


# ---- choosing the authority and parameters -------------------------------------------------------------


def _visible(user):
    return LocalAuthority.objects.visible_to(user).order_by("is_synthetic", "name")


def _chosen_la(request, code: str | None = None) -> LocalAuthority:
    """?la=CODE if the user may see it (403) and it exists (404); else the first visible one with returns."""
    la = authority_for_request(request, code or None)
    if la is not None:
        return la
    visible = _visible(request.user)
    with_returns = visible.filter(pk__in=placement_selectors.authorities_with_current_returns()).first()
    la = with_returns or visible.first()
    if la is None:
        raise PermissionDenied
    return la


def _check_la(request, la: LocalAuthority) -> None:
    if not _visible(request.user).filter(pk=la.pk).exists():
        raise PermissionDenied


def _parameters(request, la: LocalAuthority, data) -> dict:
    """The chosen (or default) window and horizon, the form, and the years offered."""
    span = forecast_data_span(la=la)
    years = list(range(span[0].year, span[1].year + 1)) if span else []
    default = forecast_default_window(la=la, span=span) if span else None
    initial = {
        "la": la.code,
        "ref_from": default[0].year if default else None,
        "ref_to": default[1].year if default else None,
        "horizon": DEFAULT_HORIZON,
    }
    given = {k: data.get(k) for k in ("ref_from", "ref_to", "horizon") if data.get(k)}
    form = ForecastChoiceForm({**initial, **given}, user=request.user, years=years)
    params = None
    if span and form.is_valid():
        params = {
            "la": la,
            "ref_start": date(form.cleaned_data["ref_from"], 3, 31),
            "ref_end": date(form.cleaned_data["ref_to"], 3, 31),
            "horizon_months": form.cleaned_data["horizon"],
        }
    query = urlencode({"la": la.code, **{k: form.data.get(k) for k in ("ref_from", "ref_to", "horizon")}})
    return {"form": form, "params": params, "span": span, "query": query, "has_data": bool(span)}


def _blocks(run: ForecastRun, capacities) -> list[dict]:
    """Chart + table blocks of a succeeded run, in page order."""
    r = run.results
    tables = {t["id"]: t for t in ft.run_tables(r, capacities)}
    blocks = [
        {
            "table": tables["total"],
            "figure": ft.total_figure(r),
            "question": "How many children will be looked after? The shaded band holds 95% of outcomes "
            "if the rates of the reference window hold.",
        },
        {
            "table": tables["by_group"],
            "figure": ft.split_figure(r, "by_group", r["groups"], ft.group_label),
            "question": "Where will they live?",
        },
        {
            "table": tables["by_band"],
            "figure": ft.split_figure(r, "by_band", r["bands"], lambda b: ft.BAND_LABELS[b]),
            "question": "How old will they be?",
        },
        {"table": tables["group_band"], "figure": None, "question": ""},
        {
            "table": tables["costs"],
            "figure": ft.cost_figure(r),
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
            "question": "Is there enough capacity? Projected demand against the capacity figures held.",
        }
    )
    for b in blocks:
        b["id"] = b["table"]["id"]
        if b["id"] in ("total", "by_group", "by_band"):
            b["table"] = ft.yearly_view(b["table"], r)
        b["figure_id"] = f"figure-{b['id']}"
        b["csv_url"] = reverse("forecast:table_csv", args=[run.pk, b["id"]])
    return blocks


def _run_context(run: ForecastRun | None) -> dict:
    if run is None or run.status != ForecastRun.Status.SUCCEEDED:
        return {"run": run}
    capacities = list(Capacity.objects.filter(la=run.la))
    r = run.results
    end = len(r["dates"]) - 1
    return {
        "run": run,
        "results": r,
        "blocks": _blocks(run, capacities),
        "uncosted": ft.uncosted_groups(r),
        "start_total": r["total"]["mean"][0],
        "end_total": r["total"]["mean"][end],
        "end_low": r["total"]["low"][end],
        "end_high": r["total"]["high"][end],
        "end_date": r["dates"][end],
        "capacities": capacities,
    }


# ---- the forecast ----------------------------------------------------------------------------------------


@require_GET
def forecast(request):
    la = _chosen_la(request)
    chosen = _parameters(request, la, request.GET)
    run = forecast_run_find(**chosen["params"], include_failed=True) if chosen["params"] else None
    return render(
        request,
        "forecast/forecast.html",
        {
            "la": la,
            "authorities": _visible(request.user),
            **chosen,
            **_run_context(run),
            "can_edit_scenarios": can_edit_scenarios(request.user),
            "can_edit_costs": can_edit_costs(request.user),
        },
    )


@require_POST
def forecast_start(request):
    la = _chosen_la(request, request.POST.get("la"))
    chosen = _parameters(request, la, request.POST)
    if chosen["params"] is None:
        messages.error(request, "Choose a reference window that ends after it starts, and a horizon.")
        return redirect(f"{reverse('forecast:forecast')}?la={la.code}")
    forecast_run_request(**chosen["params"], user=request.user)
    return redirect(f"{reverse('forecast:forecast')}?{chosen['query']}#results")


def _run_for_user(request, pk: int) -> ForecastRun:
    run = get_object_or_404(ForecastRun.objects.select_related("la", "scenario"), pk=pk)
    _check_la(request, run.la)
    return run


@require_GET
def forecast_run_status(request, pk: int):
    forecast_runs_expire_stale()  # a run whose worker died shows as failed within a lease, not "running"
    run = _run_for_user(request, pk)
    return JsonResponse(
        {"status": run.status, "status_display": run.get_status_display(), "finished": run.is_finished}
    )


def _csv_response(table: dict, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csvsafe.writer(response)
    writer.writerow([name for name, _ in table["columns"]])
    for row in table["rows"]:
        writer.writerow(["" if v is None else v for v in row])
    return response


def _xlsx_response(tables: list[dict], about: list[str], filename: str) -> HttpResponse:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "£#,##0"})
    count = book.add_format({"num_format": "#,##0.0"})
    sheet = book.add_worksheet("About")
    for i, line in enumerate(about):
        sheet.write(i, 0, line, bold if i == 0 else None)
    sheet.set_column(0, 0, 120)
    for table in tables:
        sheet = book.add_worksheet(table["id"][:31])
        sheet.write(0, 0, table["title"], bold)
        sheet.write_row(2, 0, [name for name, _ in table["columns"]], bold)
        for r, row in enumerate(table["rows"], start=3):
            for c, (value, (_, kind)) in enumerate(zip(row, table["columns"], strict=True)):
                if value is None:
                    continue
                if kind in ("count", "whole", "signed", "pct"):
                    sheet.write_number(r, c, value, count)
                elif kind == "money":
                    sheet.write_number(r, c, value, money)
                elif kind == "bool":
                    sheet.write(r, c, "Yes" if value else "No")
                else:
                    sheet.write(r, c, value)
        sheet.set_column(0, len(table["columns"]), 22)
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _run_about(run: ForecastRun) -> list[str]:
    what = f"scenario '{run.scenario.name}'" if run.scenario_id else "baseline (nothing changes)"
    lines = [
        f"Placement forecast: {run.la}, {what}",
        f"Rates fitted over {run.ref_start:%d %B %Y} to {run.ref_end:%d %B %Y}; "
        f"projected {run.horizon_months} months from {run.ref_end:%d %B %Y}.",
        "Method: monthly stock-and-flow (Markov) model of the authority's own SSDA903 episodes "
        "(forecast.engine.model). The 95% band is the process variance given the fitted rates only.",
        "Costs: placement-weeks times the weekly unit cost in force; groups with no unit cost are blank.",
    ]
    if run.la.is_synthetic:
        lines.append("Synthetic demonstration data: not a real authority's figures.")
    for text in (run.results.get("scenario") or {}).get("descriptions", []):
        lines.append(f"Scenario: {text}")
    return lines


@require_GET
def forecast_table_csv(request, pk: int, table_id: str):
    run = _run_for_user(request, pk)
    if run.status != ForecastRun.Status.SUCCEEDED:
        raise Http404("The forecast is not ready")
    tables = {t["id"]: t for t in ft.run_tables(run.results, Capacity.objects.filter(la=run.la))}
    if table_id not in tables:
        raise Http404("No such table")
    return _csv_response(tables[table_id], f"{run.la.code}-forecast-{run.pk}-{table_id}.csv")


@require_GET
def forecast_xlsx(request, pk: int):
    run = _run_for_user(request, pk)
    if run.status != ForecastRun.Status.SUCCEEDED:
        raise Http404("The forecast is not ready")
    tables = ft.run_tables(run.results, Capacity.objects.filter(la=run.la))
    return _xlsx_response(tables, _run_about(run), f"{run.la.code}-forecast-{run.pk}.xlsx")


# ---- scenarios -------------------------------------------------------------------------------------------


@require_GET
def scenario_list(request):
    la = _chosen_la(request)
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
            "authorities": _visible(request.user),
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
    _check_la(request, scenario.la)
    return scenario


def _comparison(request, scenario: ForecastScenario, data) -> dict:
    chosen = _parameters(request, scenario.la, data)
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
        b, s = baseline.results, run.results
        capacities = list(Capacity.objects.filter(la=scenario.la))
        out["tables"] = [
            ft.compare_groups_table(b, s),
            ft.compare_costs_table(b, s),
            ft.compare_sufficiency_table(b, s, capacities),
        ]
        out["figure"] = ft.compare_figure(b, s, scenario.name)
        out["descriptions"] = s["scenario"]["descriptions"]
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


def can_delete_scenario(user, scenario: ForecastScenario) -> bool:
    return scenario.owner_id == user.pk or has_role(user, LEAD_COMMISSIONER)


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
    chosen = _parameters(request, scenario.la, request.POST)
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
            *_run_about(context["run"])[1:],
        ]
        return _xlsx_response(context["tables"], about, f"{name}.xlsx")
    tables = {t["id"]: t for t in context["tables"]}
    table = tables.get(request.GET.get("table", "compare_groups"))
    if table is None:
        raise Http404("No such table")
    return _csv_response(table, f"{name}-{table['id']}.csv")


# ---- unit costs and capacities ---------------------------------------------------------------------------


@require_GET
def costs(request):
    la = _chosen_la(request)
    return render(
        request,
        "forecast/costs.html",
        {
            "la": la,
            "authorities": _visible(request.user),
            "unit_costs": UnitCost.objects.filter(la=la).select_related("entered_by"),
            "capacities": Capacity.objects.filter(la=la).select_related("entered_by"),
            "can_edit_costs": can_edit_costs(request.user),
        },
    )


def _figure_form(request, form_class, title: str, intro: str):
    if not can_edit_costs(request.user):
        raise PermissionDenied
    initial = {"la": request.GET.get("la")} if request.GET.get("la") else {}
    form = form_class(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.entered_by = request.user
        obj.save()
        messages.success(request, f"Saved: {obj}.")
        return redirect(f"{reverse('forecast:costs')}?la={obj.la.code}")
    return render(
        request, "forecast/figure_form.html", {"form": form, "title": title, "intro": intro}
    )


@require_http_methods(["GET", "POST"])
def unit_cost_create(request):
    return _figure_form(
        request,
        UnitCostForm,
        "Add a unit cost",
        "A weekly cost of a placement group and provider, in force from a date. To change a cost, add the new "
        "figure with the date it applies from: earlier figures stay for earlier months, and every change is "
        "kept in the history.",
    )


@require_http_methods(["GET", "POST"])
def capacity_create(request):
    return _figure_form(
        request,
        CapacityForm,
        "Add a capacity",
        "Beds available at any one time, or bed nights a year, from a year ending 31 March. The sufficiency "
        "table compares projected demand with the latest figure in force each year.",
    )
