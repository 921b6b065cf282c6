"""A scenario beside its baseline (forecast/compare_tables.py), from stored results."""

import calendar

import pytest

from forecast import compare_tables, cost_tables

GROUPS = ["fostered_in_house", "residential", "other"]


def _month_end(m: int) -> str:
    """The month end m months after 31 March 2021."""
    year, month = 2021 + (m + 2) // 12, (m + 2) % 12 + 1
    return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]}"


def _results(ends: dict[str, float], start: dict[str, float], more: list[str] = ()) -> dict:
    """Results whose groups go in a straight line from `start` to `ends` over 24 months."""
    by_group = {}
    groups = [*GROUPS, *more]
    for g in groups:
        mean = [start[g] + (ends[g] - start[g]) * m / 24 for m in range(25)]
        by_group[g] = {"mean": mean, "low": [v - 5 for v in mean], "high": [v + 5 for v in mean]}
    total = [sum(by_group[g]["mean"][m] for g in groups) for m in range(25)]
    return {
        "groups": groups,
        "dates": [_month_end(m) for m in range(25)],
        "by_group": by_group,
        "total": {"mean": total, "low": [v - 9 for v in total], "high": [v + 9 for v in total]},
        "history": {"dates": ["2019-03-31", "2020-03-31", "2021-03-31"], "total": [900, 950, 1000]},
    }


START = {"fostered_in_house": 300.0, "residential": 100.0, "other": 600.0}
BASELINE = _results({"fostered_in_house": 310.0, "residential": 110.0, "other": 620.0}, START)
SCENARIO = _results({"fostered_in_house": 331.2, "residential": 86.6, "other": 620.3}, START)


def test_headline_names_whole_children_and_leaves_out_groups_that_do_not_change():
    headline = compare_tables.children_headline(BASELINE, SCENARIO)
    assert headline["date_label"] == "31 March 2023"
    assert headline["text"] == (
        "2 fewer children looked after in all: 23 fewer in residential care, 21 more in in-house fostering"
    )
    assert headline["changes"] == [("residential", -23), ("fostered_in_house", 21), ("total", -2)]


def test_headline_names_the_three_largest_changes_and_counts_the_others():
    ends = {"fostered_in_house": 290.0, "residential": 95.0, "other": 612.0}
    groups = {**START, "adoption": 50.0, "with_parents": 40.0}
    baseline = _results(
        {**ends, "adoption": 50.0, "with_parents": 40.0}, groups, ["adoption", "with_parents"]
    )
    scenario = _results(
        {**ends, "fostered_in_house": 280.0, "residential": 90.0, "adoption": 47.0, "with_parents": 38.0},
        groups,
        ["adoption", "with_parents"],
    )
    text = compare_tables.children_headline(baseline, scenario)["text"]
    assert text == (
        "20 fewer children looked after in all: 10 fewer in in-house fostering, 5 fewer in residential care, "
        "3 fewer placed for adoption and smaller changes in 1 other group"
    )


def test_headline_of_a_scenario_that_changes_no_child():
    headline = compare_tables.children_headline(BASELINE, BASELINE)
    assert headline["changes"] == []
    assert headline["text"] == "no placement group differs from the baseline by a whole child"


def test_difference_table_and_chart_at_each_year_end():
    table = compare_tables.difference_table(BASELINE, SCENARIO)
    assert [c[0] for c in table["columns"]] == ["Placement group", "31 March 2022", "31 March 2023"]
    rows = {r[0]: r[1:] for r in table["rows"]}
    assert rows["Residential (children's homes, secure, schools)"] == [
        pytest.approx(-11.7),
        pytest.approx(-23.4),
    ]
    assert table["cells"][-1][0] == "All placements"
    figure = compare_tables.difference_figure(BASELINE, SCENARIO)
    names = [t["name"] for t in figure["data"]]
    assert names == [
        "Fostered by the local authority (in-house)",
        "Residential (children's homes, secure, schools)",
    ]  # "other" changes by 0.3 at most, and the total is the other chart's gap: left out
    assert all(t["type"] == "bar" for t in figure["data"])
    assert figure["data"][1]["y"] == [-11.7, -23.4]
    assert figure["layout"]["yaxis"]["zeroline"] and figure["layout"]["yaxis"]["rangemode"] == "normal"


def test_the_two_line_chart_is_not_drawn_from_zero():
    figure = compare_tables.compare_figure(BASELINE, SCENARIO, "More fostering")
    assert figure["layout"]["yaxis"]["rangemode"] == "normal"
    legend = [t["name"] for t in figure["data"] if t.get("showlegend", True)]
    assert "More fostering: projected" in legend and "Baseline: projected" in legend


def test_total_table_keeps_every_month_and_shows_the_year_ends():
    table = compare_tables.compare_total_table(BASELINE, SCENARIO)
    assert len(table["rows"]) == 25 and table["cells"][0][0] == "31 March 2021"
    view = compare_tables.year_ends_view(table, BASELINE)
    assert [r[0] for r in view["rows"]] == ["2021-03-31", "2022-03-31", "2023-03-31"]
    assert view["cells"][2][1] == "1,040" and view["rows"][2][1] == 1040.0  # whole on the page


def test_compare_tables(results):
    groups = compare_tables.compare_groups_table(results, results)
    assert all(r[4] == 0 for r in groups["rows"])  # a run compared with itself differs by nothing
    costs = cost_tables.compare_costs_table(results, results)
    assert [r[1] for r in costs["rows"]].count("All costed placements") == 3
