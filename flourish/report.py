"""The annual progress report as files: XLSX (summary and every value) and PDF (WeasyPrint).

Charts in the PDF are static SVG drawn by flourish.charts.svg (plotly.js cannot run inside WeasyPrint,
and kaleido needs a browser process per image); each chart is followed by its numbers as a table.
"""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.safestring import mark_safe

from flourish import charts, selectors
from sufficiency.pdf import render_pdf
from sufficiency.sources import plain, reader_text


def _groups(data: dict):
    for group in [*data["areas"], data["unplaced"]]:
        if group.measures:
            yield (group.area.name if group.area else "Not yet placed in an area"), group.measures


def attach_svgs(data: dict) -> None:
    """Give each measure of the report `.svg` (markup we generate; values are numbers, labels escaped)."""
    for _, measures in _groups(data):
        for m in measures:
            target = selectors.target_series(m)
            m.svg = mark_safe(charts.svg(m.points, title=m.title, target=target))  # noqa: S308


def report_xlsx(data: dict, values) -> bytes:
    """A Summary sheet (each measure's status as at the year's end, with the rule) and all values."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet("Summary")
    sheet.write(0, 0, f"FLOURISH annual progress report {data['year']}", bold)
    sheet.write(1, 0, f"Status as at {data['upto']:%d %B %Y}, judged on the values up to then.")
    cols = [
        "Area",
        "Measure",
        "Latest period",
        "Value",
        "Unit",
        "Status",
        "Rule",
        "Escalated",
        "Escalation rule",
        "Commentary",
    ]
    for c, text in enumerate(cols):
        sheet.write(3, c, text, head)
    row = 4
    for name, measures in _groups(data):
        for m in measures:
            a = m.assessment
            latest = a.latest
            sheet.write(row, 0, name, wrap)
            sheet.write(row, 1, m.title, wrap)
            sheet.write(row, 2, latest.period if latest else "", wrap)
            if latest and latest.value is not None:
                sheet.write_number(row, 3, latest.value)
            sheet.write(row, 4, m.unit)
            sheet.write(row, 5, a.label)
            sheet.write(row, 6, a.rule, wrap)
            sheet.write(row, 7, "Yes" if a.escalated else "No")
            sheet.write(row, 8, a.escalation_words, wrap)
            sheet.write(row, 9, m.commentary.text if m.commentary else "", wrap)
            row += 1
    sheet.set_column(0, 1, 32)
    sheet.set_column(2, 5, 12)
    sheet.set_column(6, 9, 45)
    sheet.freeze_panes(4, 0)

    sheet = book.add_worksheet("All values")
    cols = [
        "Measure code",
        "Measure",
        "Framework area",
        "Period",
        "Period end",
        "Area",
        "Value",
        "Provisional",
        "Note",
        "England",
        "Region",
        "Statistical neighbour average",
        "Entered by",
    ]
    for c, text in enumerate(cols):
        sheet.write(0, c, text, head)
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, v in enumerate(values, start=1):
        sheet.write(r, 0, v.measure.code)
        sheet.write(r, 1, v.measure.title)
        sheet.write(r, 2, v.measure.area.code if v.measure.area else "")
        sheet.write(r, 3, v.period)
        if v.period_end:
            sheet.write_datetime(r, 4, v.period_end, date_fmt)
        sheet.write(r, 5, v.area)
        sheet.write_number(r, 6, v.value)
        sheet.write(r, 7, "yes" if v.provisional else "no")
        sheet.write(r, 8, plain(reader_text(v.note)))
        for c, x in ((9, v.england), (10, v.region), (11, v.sn_average)):
            if x is not None:
                sheet.write_number(r, c, x)
        sheet.write(r, 12, str(v.entered_by) if v.entered_by else "seed or upload")
    sheet.set_column(0, 1, 30)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def report_pdf(html: str, *, css: str = "", title: str | None = None) -> bytes | None:
    """The report as a tagged PDF (title from `title` or the HTML's <title>); None when WeasyPrint cannot
    run here."""
    return render_pdf(html, title=title, css=css)
