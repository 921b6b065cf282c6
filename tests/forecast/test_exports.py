"""The forecast's downloads (forecast/exports.py): the About sheet's words and the CSV of one table."""

from datetime import date
from types import SimpleNamespace

from forecast.exports import band_includes, csv_response, run_about


def a_run(results):
    return SimpleNamespace(
        scenario_id=None,
        scenario=None,
        la=SimpleNamespace(is_synthetic=True, __str__=lambda self: "Anyshire"),
        ref_start=date(2018, 3, 31),
        ref_end=date(2021, 3, 31),
        horizon_months=24,
        results=results,
    )


def test_the_about_sheet_says_what_the_band_allows_for_and_dates_as_people_write_them():
    results = {"band": {"includes": ["chance", "the rates' own uncertainty"]}}
    about = run_about(a_run(results))
    assert (
        "Rates fitted over 31 March 2018 to 31 March 2021; projected 24 months from 31 March 2021." in about
    )
    assert "The 95% band allows for chance; the rates' own uncertainty." in about
    assert any("not the whole spend" in line for line in about)
    assert about[-1] == "Synthetic demonstration data: not a real authority's figures."


def test_a_run_stored_without_the_band_s_words_is_said_to_hold_chance_alone():
    assert band_includes({}) == [
        "the chance of which children enter care, move placement and leave, given the fitted rates only"
    ]


def test_csv_writes_raw_rows_blank_for_none_and_defuses_formulas():
    table = {"columns": [("Group", "text"), ("Projected", "count")], "rows": [["=SUM(A1)", None], ["x", 1.5]]}
    body = csv_response(table, "t.csv").content.decode()
    assert body.splitlines() == ["Group,Projected", "'=SUM(A1),", "x,1.5"]


def test_each_sheet_states_its_table_s_note_under_the_title():
    import io

    from openpyxl import load_workbook

    from forecast.exports import xlsx_response

    table = {
        "id": "costs",
        "title": "Projected cost",
        "note": "Costs cover 8% of projected placement-weeks.",
        "columns": [("Group", "text"), ("Cost", "money")],
        "rows": [["Residential", 1000.0]],
    }
    book = load_workbook(io.BytesIO(xlsx_response([table], ["About"], "f.xlsx").content))
    sheet = book["costs"]
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "Projected cost",
        "Costs cover 8% of projected placement-weeks.",
        "Group",
    ]
    assert sheet["B4"].value == 1000.0
