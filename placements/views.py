"""Placements pages for every signed-in user: the dashboard, its tables, downloads and the measures API."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from placements import exports, measures, presenters, selectors
from placements.charts import CHARTS_BY_ID
from placements.labels import measure_title, published_meta
from sufficiency.access import chosen_authority
from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN, has_role


def _chosen_la(request) -> LocalAuthority:
    """The authority asked for (?la=CODE), else the default one, preferring one with figures held."""
    return chosen_authority(request, prefer=selectors.las_with_data(request.user))


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 1990 <= int(value) <= 2100 else None


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _dashboard_context(request) -> dict:
    la = _chosen_la(request)
    first, last = _year(request.GET.get("from")), _year(request.GET.get("to"))
    if first and last and first > last:
        first, last = last, first
    data = presenters.dashboard(selectors.dashboard_values(la=la), la=la, first_year=first, last_year=last)
    data["authorities"] = selectors.las_with_data(request.user)
    data["query"] = request.GET.urlencode()
    data["can_import_comparators"] = has_role(request.user, DATA_ADMIN)
    return data


@require_GET
def dashboard(request):
    return render(request, "placements/dashboard.html", _dashboard_context(request))


@require_GET
def chart_csv(request, chart_id: str):
    if chart_id not in CHARTS_BY_ID:
        raise Http404("No such chart")
    data = _dashboard_context(request)
    chart = next(c for c in data["charts"] if c["spec"].id == chart_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    exports.chart_csv(response, chart["table"])
    return _attachment(response, f"{data['la'].code}-{chart_id}.csv")


@require_GET
def chart_about(request, chart_id: str):
    spec = CHARTS_BY_ID.get(chart_id)
    if spec is None:
        raise Http404("No such chart")
    definitions = [
        {
            "code": code,
            "title": measure_title(code),
            "definition": measures.MEASURES.get(code),
            "meta": published_meta().get(code),
        }
        for code in [*spec.measures, *spec.extra_published]
    ]
    la = _chosen_la(request)
    rows = selectors.published_rows(la=la, codes=[d["code"] for d in definitions])
    return render(
        request,
        "placements/chart_about.html",
        {
            "spec": spec,
            "la": la,
            "published": presenters.published_figures(rows),
            "definitions": definitions,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def dashboard_xlsx(request):
    data = _dashboard_context(request)
    response = HttpResponse(exports.dashboard_xlsx(data), content_type=exports.XLSX_TYPE)
    return _attachment(response, f"{data['la'].code}-placements-dashboard.xlsx")


# ---- every figure held: CSV and XLSX; the computed measures: JSON ------------------------------------------


def _download_rows(request) -> tuple[LocalAuthority, list[dict]]:
    la = _chosen_la(request)
    rows = selectors.figures_held(la=la, year=_year(request.GET.get("year")))
    return la, presenters.download_rows(rows, la)


@require_GET
def measures_csv(request):
    """Computed, published and comparator figures, one a row, with their source and document."""
    la, rows = _download_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    exports.measures_csv(response, rows)
    return _attachment(response, f"{la.code}-measures.csv")


@require_GET
def measures_xlsx(request):
    la, rows = _download_rows(request)
    response = HttpResponse(exports.measures_xlsx(rows), content_type=exports.XLSX_TYPE)
    return _attachment(response, f"{la.code}-measures.xlsx")


@require_GET
def comparators_template_csv(request):
    """A comparator file of the right shape for the chosen authority, values blank, to fill in and import.

    One row a comparator area (England, the authority's region, the average of its statistical
    neighbours) for each compared measure and each year the authority holds figures for.
    """
    la = _chosen_la(request)
    years = presenters.dashboard_years(selectors.dashboard_values(la=la))
    years = years or [_year(request.GET.get("year")) or 2024]
    areas = [selectors.ENGLAND]
    if la.region_id:
        areas.append(la.region.code)
    areas.append(f"SN_AVG_{la.code}")
    compared = [code for spec in CHARTS_BY_ID.values() if spec.comparators for code in spec.measures]
    codes = {code: measure_title(code) for code in compared}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    exports.comparators_template_csv(response, areas=areas, years=years, codes=codes)
    return _attachment(response, f"{la.code}-comparators-template.csv")


@require_GET
def measures_api(request):
    la = _chosen_la(request)
    rows = selectors.computed_measures(la=la, year=_year(request.GET.get("year")))
    return JsonResponse(
        {
            "la": {"code": la.code, "name": la.name, "is_synthetic": la.is_synthetic},
            "measures": [
                {
                    "year": year,
                    "measure": measure,
                    "value": value,
                    "display": presenters.format_value(measure, value),
                }
                for year, measure, value in rows
            ],
        }
    )
