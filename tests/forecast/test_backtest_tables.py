"""The backtest's table on the run page: a row per origin x horizon x group, the coverage as its question."""

import json

from forecast.backtest_tables import backtest_table, bias_sentence, coverage_sentence, summary_view
from forecast.formatting import date_label


def test_backtest_table_rows_question_note_and_figure(results):
    bt = results["backtest"]
    table = backtest_table(results)
    assert table["id"] == "backtest" and len(table["rows"]) == len(bt["rows"]) > 9
    assert [name for name, _ in table["columns"]][:4] == [
        "Projected from",
        "Months ahead",
        "Date checked",
        "Placement group",
    ]
    first = bt["rows"][0]
    assert table["rows"][0][:3] == [
        date_label(first["origin"]),
        first["horizon"],
        date_label(first["target_date"]),
    ]
    assert table["cells"][0][-1] in ("Yes", "No")
    c = bt["coverage"]
    assert f"in {c['within']} of {c['checks']} past checks by placement group" in table["question"]
    assert f"and in {c['total_within']} of {c['total_checks']} for all children" in table["question"]
    assert table["question"].startswith("How well would the model have done?")
    assert "up to 36 months before it" in table["note"]
    assert "Average error 12 months ahead, by group: lowest " in table["note"]
    names = [t["name"] for t in table["figure"]["data"]]
    assert names == [
        "Projected 12 months ahead, with its 95% band",
        "Projected 24 months ahead, with its 95% band",
        "Actual",
    ]
    json.dumps(table["figure"], allow_nan=False)


def test_no_table_without_a_rolling_backtest():
    assert backtest_table({"backtest": {"kind": "rolling", "skipped": "Not enough data", "rows": []}}) is None
    old = {"backtest": {"fit_start": "2019-03-31", "rows": [{"group": "total"}]}}  # a version 1 result
    assert backtest_table(old) is None
    assert coverage_sentence({"coverage": {"checks": 0}}) is None


def test_bias_sentence_names_the_lowest_and_highest_group():
    bt = {
        "horizons": [12, 24],
        "first_year_bias": {
            "residential": {"mean_error": -5.51},
            "fostered_in_house": {"mean_error": 7.29},
            "adoption": {"mean_error": 0.2},
        },
    }
    assert bias_sentence(bt) == (
        "Average error 12 months ahead, by group: lowest −6 children, Residential (children's homes, secure, "
        "schools); highest +7, Fostered by the local authority (in-house)."
    )
    assert bias_sentence({}) is None


def test_the_page_sums_the_checks_up_by_group_and_months_ahead(results):
    bt = results["backtest"]
    table = backtest_table(results)
    view = summary_view(table, results)
    assert view["id"] == "backtest" and view["question"] == table["question"]
    assert view["note"].endswith("The CSV has every check: each start date, group and date checked.")
    assert len(view["rows"]) <= 9 * len(bt["horizons"]) < len(table["rows"])
    total = [r for r in view["rows"] if r[0] == "All placements" and r[1] == 12]
    checks = [r for r in bt["rows"] if r["group"] == "total" and r["horizon"] == 12]
    within = sum(r["within_band"] for r in checks)
    assert total[0][2] == f"{within} of {len(checks)}"
    assert total[0][3] == sum(r["error"] for r in checks) / len(checks)
    assert total[0][4] == sum(abs(r["error"]) for r in checks) / len(checks)
