"""The forecast's downloads: one table as CSV, every table as an XLSX workbook with an About sheet."""

from __future__ import annotations

import io

from django.http import HttpResponse

from forecast.models import ForecastRun
from sufficiency import csvsafe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(table: dict, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csvsafe.writer(response)
    writer.writerow([name for name, _ in table["columns"]])
    for row in table["rows"]:
        writer.writerow(["" if v is None else v for v in row])
    return response


def xlsx_response(tables: list[dict], about: list[str], filename: str) -> HttpResponse:
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
        if table.get("note"):  # e.g. the costs' coverage: what the figures leave out
            sheet.write(1, 0, str(table["note"]))
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


def band_includes(results: dict) -> list[str]:
    """What a stored run's 95% band allows for, in words (the process alone for a run stored without it)."""
    return (results.get("band") or {}).get("includes") or [
        "the chance of which children enter care, move placement and leave, given the fitted rates only"
    ]


def run_about(run: ForecastRun) -> list[str]:
    what = f"scenario '{run.scenario.name}'" if run.scenario_id else "baseline (nothing changes)"
    lines = [
        f"Placement forecast: {run.la}, {what}",
        f"Rates fitted over {run.ref_start:%-d %B %Y} to {run.ref_end:%-d %B %Y}; "
        f"projected {run.horizon_months} months from {run.ref_end:%-d %B %Y}.",
        "Method: monthly stock-and-flow (Markov) model of the authority's own SSDA903 episodes "
        "(forecast.engine).",
        "The 95% band allows for " + "; ".join(band_includes(run.results)) + ".",
        "Costs: placement-weeks times the weekly unit cost in force. Groups and providers with no unit cost "
        "held are blank and left out of every total, so the totals are not the whole spend on placements.",
    ]
    if run.la.is_synthetic:
        lines.append("Synthetic demonstration data: not a real authority's figures.")
    for text in (run.results.get("scenario") or {}).get("descriptions", []):
        lines.append(f"Scenario: {text}")
    return lines
