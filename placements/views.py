"""Placements pages for every signed-in user: the dashboard, its tables, downloads and the measures API."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from placements import measures, selectors
from placements.charts import CHARTS_BY_ID
from sufficiency import csvsafe
from sufficiency.access import authority_for_request, visible_authorities
from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN, has_role
from sufficiency.templatetags.portal_format import plain_number


def _chosen_la(request) -> LocalAuthority:
    """The authority asked for (?la=CODE), else Norfolk, else the first with data; 403 if not granted."""
    la = authority_for_request(request)
    if la is not None:
        return la
    visible = visible_authorities(request.user)
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
    data["can_import_comparators"] = has_role(request.user, DATA_ADMIN)
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
    writer = csvsafe.writer(response)
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
    la = _chosen_la(request)
    return render(
        request,
        "placements/chart_about.html",
        {
            "spec": spec,
            "la": la,
            "published": selectors.published_figures(la=la, codes=[d["code"] for d in definitions]) if la else [],
            "definitions": definitions,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def dashboard_xlsx(request):
    import xlsxwriter

    data = _dashboard_context(request)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
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


# ---- every figure held: CSV and XLSX; the computed measures: JSON ------------------------------------------

DOWNLOAD_COLUMNS = ["year", "measure", "value", "source", "area", "document", "title"]


def _download_rows(request) -> tuple[LocalAuthority, list[dict]]:
    la = _chosen_la(request)
    return la, selectors.measures_for_download(la=la, year=_year(request.GET.get("year")))


def _measure_rows(request) -> tuple[LocalAuthority, list[tuple[int, str, float | None]]]:
    la = _chosen_la(request)
    return la, selectors.computed_measures(la=la, year=_year(request.GET.get("year")))


@require_GET
def measures_csv(request):
    """Computed, published and comparator figures, one a row, with their source and document."""
    la, rows = _download_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{la.code}-measures.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(DOWNLOAD_COLUMNS)
    for row in rows:
        writer.writerow([plain_number(row[c]) if c == "value" else row[c] for c in DOWNLOAD_COLUMNS])
    return response


@require_GET
def measures_xlsx(request):
    import xlsxwriter

    la, rows = _download_rows(request)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("measures")
    sheet.write_row(0, 0, DOWNLOAD_COLUMNS, book.add_format({"bold": True}))
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(DOWNLOAD_COLUMNS):
            if column in ("year", "value"):
                if row[column] is not None:
                    sheet.write_number(r, c, row[column])
            else:
                sheet.write(r, c, row[column])
    sheet.set_column(1, 1, 30)
    sheet.set_column(4, 6, 36)
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{la.code}-measures.xlsx"'
    return response


@require_GET
def comparators_template_csv(request):
    """A comparator file of the right shape for the chosen authority, values blank, to fill in and import.

    One row a comparator area (England, the authority's region, the average of its statistical
    neighbours) for each compared measure and each year the authority holds figures for.
    """
    la = _chosen_la(request)
    data = selectors.dashboard_values(la=la)
    years = selectors.dashboard_years(data) or [_year(request.GET.get("year")) or 2024]
    areas = [selectors.ENGLAND]
    if la.region_id:
        areas.append(la.region.code)
    areas.append(f"SN_AVG_{la.code}")
    codes = [code for spec in CHARTS_BY_ID.values() if spec.comparators for code in spec.measures]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{la.code}-comparators-template.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(["area_code", "year", "measure", "value", "source_document", "source_section", "note"])
    for year in years:
        for code in codes:
            for area in areas:
                writer.writerow([area, year, code, "", "", "", selectors.measure_title(code)])
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
