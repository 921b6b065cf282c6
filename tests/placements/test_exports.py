"""The placements downloads: chart CSV, the dashboard and figures workbooks, the figures CSV and the blank
comparator file, written from presenters' data (no database)."""

import csv
import io

from openpyxl import load_workbook

from placements import exports
from placements.charts import CHARTS_BY_ID, Series, chart_table
from sufficiency.models import LocalAuthority


def _csv(write, *args, **kwargs) -> list[list[str]]:
    out = io.StringIO()
    write(out, *args, **kwargs)
    return list(csv.reader(io.StringIO(out.getvalue())))


def _table():
    return chart_table(
        [
            Series("Children (computed from returns)", "computed", "cla_31_march", {2020: 1083.0, 2021: None}),
            Series("=cmd|' /C calc'!A0", "published", "cla_31_march", {2021: 1101.0}),
        ]
    )


def _row(year, measure, value, source="computed", area="Norfolk", document="Imported SSDA903 returns"):
    return {
        "year": year,
        "measure": measure,
        "title": measure.replace("_", " "),
        "value": value,
        "source": source,
        "area": area,
        "document": document,
    }


def test_chart_csv_has_a_row_a_year_and_a_column_a_series():
    rows = _csv(exports.chart_csv, _table())
    # A series named like a formula is written as text, never run by a spreadsheet.
    assert rows == [
        ["year", "Children (computed from returns)", "'=cmd|' /C calc'!A0"],
        ["2019/20", "1083", ""],
        ["2020/21", "", "1101"],
    ]


def test_dashboard_workbook_has_the_tiles_and_a_sheet_a_chart():
    la = LocalAuthority(code="E10000020", name="Norfolk")
    data = {
        "la": la,
        "tiles": [
            {"title": "Children looked after on 31 March", "value": 1083.0, "source": "computed"},
            {"title": "Starts", "value": None, "source": ""},
        ],
        "charts": [{"spec": CHARTS_BY_ID["cla"], "table": _table()}],
    }
    book = load_workbook(io.BytesIO(exports.dashboard_xlsx(data)))
    assert book.sheetnames == ["About", "cla"]
    about = book["About"]
    assert about["A1"].value == "Placements dashboard: Norfolk"
    assert about["A2"].value.startswith("Computed figures come from imported SSDA903 returns")
    assert [about["A4"].value, about["B4"].value, about["C4"].value] == [
        "Children looked after on 31 March",
        1083,
        "computed",
    ]
    assert about["B5"].value is None
    sheet = book["cla"]
    assert sheet["A1"].value == "Children looked after at 31 March"
    assert [c.value for c in sheet[3]] == ["Year", "Children (computed from returns)", "=cmd|' /C calc'!A0"]
    assert sheet["B3"].data_type == "s" and sheet["C3"].data_type == "s"  # text, not a formula
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=4)] == [
        ["2019/20", 1083, None],
        ["2020/21", None, 1101],
    ]


def test_a_synthetic_authoritys_workbook_says_so():
    la = LocalAuthority(code="Z99999999", name="Demo County", is_synthetic=True)
    book = load_workbook(io.BytesIO(exports.dashboard_xlsx({"la": la, "tiles": [], "charts": []})))
    assert book["About"]["A2"].value == "Synthetic demonstration data: not a real authority's figures"


def test_measures_csv_and_workbook_hold_the_same_rows():
    rows = [
        _row(2020, "cla_31_march", 1101.0, "published", document="Norfolk Sufficiency Strategy 2020–23"),
        _row(2020, "rate_per_10k", 67.25, "comparator", area="England", document="=HYPERLINK(1)"),
        _row(2021, "cla_31_march", None),
    ]
    written = _csv(exports.measures_csv, rows)
    assert written[0] == exports.DOWNLOAD_COLUMNS
    assert written[1:] == [
        ["2020", "cla_31_march", "1101", "published", "Norfolk", "Norfolk Sufficiency Strategy 2020–23", "cla 31 march"],
        ["2020", "rate_per_10k", "67.25", "comparator", "England", "'=HYPERLINK(1)", "rate per 10k"],
        ["2021", "cla_31_march", "", "computed", "Norfolk", "Imported SSDA903 returns", "cla 31 march"],
    ]
    sheet = load_workbook(io.BytesIO(exports.measures_xlsx(rows)))["measures"]
    assert [c.value for c in sheet[1]] == exports.DOWNLOAD_COLUMNS
    assert [c.value for c in sheet[2]] == [
        2020, "cla_31_march", 1101, "published", "Norfolk", "Norfolk Sufficiency Strategy 2020–23", "cla 31 march"
    ]  # fmt: skip
    assert sheet["F3"].value == "=HYPERLINK(1)" and sheet["F3"].data_type == "s"
    assert sheet["C4"].value is None and sheet.max_row == 4


def test_comparator_template_has_a_blank_row_an_area_measure_and_year():
    rows = _csv(
        exports.comparators_template_csv,
        areas=["E92000001", "SN_AVG_E10000020"],
        years=[2020, 2021],
        codes={"rate_per_10k": "Rate per 10,000"},
    )
    assert rows == [
        exports.COMPARATOR_COLUMNS,
        ["E92000001", "2020", "rate_per_10k", "", "", "", "Rate per 10,000"],
        ["SN_AVG_E10000020", "2020", "rate_per_10k", "", "", "", "Rate per 10,000"],
        ["E92000001", "2021", "rate_per_10k", "", "", "", "Rate per 10,000"],
        ["SN_AVG_E10000020", "2021", "rate_per_10k", "", "", "", "Rate per 10,000"],
    ]
