"""The placements downloads: the dashboard's tables (CSV a chart, or every table in one XLSX), every figure
held (CSV and XLSX) and the blank comparator file. Pure writers over what the presenters give; no database.

Every text cell goes through `sufficiency.csvsafe` (CSV) or is written as text (XLSX, formulas off), so a
name that starts with "=" is never run by a spreadsheet.
"""

from __future__ import annotations

import io

import xlsxwriter

from sufficiency import csvsafe
from sufficiency.templatetags.portal_format import plain_number

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOAD_COLUMNS = ["year", "measure", "value", "source", "area", "document", "title"]
COMPARATOR_COLUMNS = ["area_code", "year", "measure", "value", "source_document", "source_section", "note"]


def _workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})


def chart_csv(stream, table: dict) -> None:
    """One chart's table (`charts.chart_table`): a row a year, a column a series."""
    writer = csvsafe.writer(stream)
    writer.writerow(["year", *table["columns"]])
    for row in table["rows"]:
        writer.writerow([row["label"], *["" if v is None else v for v in row["values"]]])


def dashboard_xlsx(data: dict) -> bytes:
    """The dashboard (`presenters.dashboard`) as a workbook: an About sheet with the tiles, then one sheet
    a chart with its table."""
    buffer = io.BytesIO()
    book = _workbook(buffer)
    bold = book.add_format({"bold": True})
    la = data["la"]
    about = book.add_worksheet("About")
    about.write(0, 0, f"Placements dashboard: {la}", bold)
    about.write(
        1,
        0,
        "Synthetic demonstration data: not a real authority's figures"
        if la.is_synthetic
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
    return buffer.getvalue()


def measures_csv(stream, rows: list[dict]) -> None:
    """Every figure held (`presenters.download_rows`), one a row, with its source and document."""
    writer = csvsafe.writer(stream)
    writer.writerow(DOWNLOAD_COLUMNS)
    for row in rows:
        writer.writerow([plain_number(row[c]) if c == "value" else row[c] for c in DOWNLOAD_COLUMNS])


def measures_xlsx(rows: list[dict]) -> bytes:
    """The same rows as `measures_csv`, in one sheet, years and values as numbers."""
    buffer = io.BytesIO()
    book = _workbook(buffer)
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
    return buffer.getvalue()


def comparators_template_csv(stream, *, areas: list[str], years: list[int], codes: dict[str, str]) -> None:
    """A comparator file of the right shape to fill in and import: one row an area, measure and year, the
    value blank and the measure's title in the note. `codes` maps each compared measure to its title."""
    writer = csvsafe.writer(stream)
    writer.writerow(COMPARATOR_COLUMNS)
    for year in years:
        for code, title in codes.items():
            for area in areas:
                writer.writerow([area, year, code, "", "", "", title])
