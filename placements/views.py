"""Placements pages for every signed-in user: the dashboard, its tables, downloads and the measures API."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from placements import measures, selectors
from placements.charts import CHARTS_BY_ID
from sufficiency.models import LocalAuthority


def _chosen_la(request) -> LocalAuthority:
    """The authority asked for (?la=CODE), else Norfolk, else the first with data; 403 if not granted."""
    visible = LocalAuthority.objects.visible_to(request.user)
    code = request.GET.get("la")
    if code:
        la = LocalAuthority.objects.filter(code=code).select_related("region").first()
        if la is None:
            raise Http404("No such authority")
        if not visible.filter(pk=la.pk).exists():
            raise PermissionDenied
        return la
    la = visible.filter(code=settings.DEFAULT_LA_CODE).select_related("region").first()
    if la is None:
        la = selectors.las_with_data(request.user).select_related("region").first()
    if la is None:
        la = visible.select_related("region").first()
    if la is None:
        raise PermissionDenied
    return la


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 1990 <= int(value) <= 2100 else None


def _dashboard_context(request) -> dict:
    la = _chosen_la(request)
    first, last = _year(request.GET.get("from")), _year(request.GET.get("to"))
    if first and last and first > last:
        first, last = last, first
    data = selectors.dashboard(la=la, first_year=first, last_year=last)
    data["authorities"] = selectors.las_with_data(request.user)
    data["query"] = request.GET.urlencode()
    return data


@require_GET
def dashboard(request):
    return render(request, "placements/dashboard.html", _dashboard_context(request))


def _chart(request, chart_id: str) -> tuple[dict, dict]:
    spec = CHARTS_BY_ID.get(chart_id)
    if spec is None:
        raise Http404("No such chart")
    data = _dashboard_context(request)
    chart = next(c for c in data["charts"] if c["spec"].id == chart_id)
    return data, chart


@require_GET
def chart_csv(request, chart_id: str):
    data, chart = _chart(request, chart_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{data["la"].code}-{chart_id}.csv"'
    writer = csv.writer(response)
    table = chart["table"]
    writer.writerow(["year", *table["columns"]])
    for row in table["rows"]:
        writer.writerow([row["label"], *["" if v is None else v for v in row["values"]]])
    return response


@require_GET
def chart_about(request, chart_id: str):
    spec = CHARTS_BY_ID.get(chart_id)
    if spec is None:
        raise Http404("No such chart")
    definitions = []
    for code in [*spec.measures, *spec.extra_published]:
        definition = measures.MEASURES.get(code)
        definitions.append(
            {
                "code": code,
                "title": selectors.measure_title(code),
                "definition": definition,
                "meta": selectors.published_meta().get(code),
            }
        )
    return render(
        request,
        "placements/chart_about.html",
        {
            "spec": spec,
            "definitions": definitions,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def dashboard_xlsx(request):
    import xlsxwriter

    data = _dashboard_context(request)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    about = book.add_worksheet("About")
    about.write(0, 0, f"Placements dashboard: {data['la']}", bold)
    about.write(
        1,
        0,
        "Synthetic demonstration data: not a real authority's figures"
        if data["la"].is_synthetic
        else "Computed figures come from imported SSDA903 returns; published figures from the seed documents.",
    )
    for i, tile in enumerate(data["tiles"], start=3):
        about.write(i, 0, tile["title"])
        about.write(i, 1, tile["value"] if tile["value"] is not None else "")
        about.write(i, 2, tile["source"])
    for chart in data["charts"]:
        sheet = book.add_worksheet(chart["spec"].id[:31])
        sheet.write(0, 0, chart["spec"].title, bold)
        sheet.write_row(2, 0, ["Year", *chart["table"]["columns"]], bold)
        for r, row in enumerate(chart["table"]["rows"], start=3):
            sheet.write(r, 0, row["label"])
            for c, value in enumerate(row["values"], start=1):
                if value is not None:
                    sheet.write_number(r, c, value)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, len(chart["table"]["columns"]), 28)
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{data["la"].code}-placements-dashboard.xlsx"'
    return response


# ---- the computed measures: CSV, XLSX and JSON ------------------------------------------------------------


def _measure_rows(request) -> tuple[LocalAuthority, list[tuple[int, str, float | None]]]:
    la = _chosen_la(request)
    return la, selectors.computed_measures(la=la, year=_year(request.GET.get("year")))


@require_GET
def measures_csv(request):
    la, rows = _measure_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{la.code}-measures.csv"'
    writer = csv.writer(response)
    writer.writerow(["year", "measure", "value"])
    for year, measure, value in rows:
        writer.writerow([year, measure, selectors.format_value(measure, value)])
    return response


@require_GET
def measures_xlsx(request):
    import xlsxwriter

    la, rows = _measure_rows(request)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("measures")
    sheet.write_row(0, 0, ["year", "measure", "value", "title"], book.add_format({"bold": True}))
    for r, (year, measure, value) in enumerate(rows, start=1):
        sheet.write_number(r, 0, year)
        sheet.write(r, 1, measure)
        if value is not None:
            sheet.write_number(r, 2, value)
        sheet.write(r, 3, selectors.measure_title(measure))
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{la.code}-measures.xlsx"'
    return response


@require_GET
def measures_api(request):
    la, rows = _measure_rows(request)
    return JsonResponse(
        {
            "la": {"code": la.code, "name": la.name, "is_synthetic": la.is_synthetic},
            "measures": [
                {
                    "year": year,
                    "measure": measure,
                    "value": value,
                    "display": selectors.format_value(measure, value),
                }
                for year, measure, value in rows
            ],
        }
    )
