"""Projected costs and the cost comparison (forecast/cost_tables.py), from a stored result."""

import pytest

from forecast import cost_tables, formatting


def test_cost_rows_sum_the_months_of_each_year(results):
    rows = cost_tables.cost_rows(results)
    res_ext = [r for r in rows if r["group"] == "residential" and r["provider"] == "external"]
    assert [r["year"] for r in res_ext] == [1, 2, 3] and [r["months"] for r in res_ext] == [12, 12, 6]
    cols = results["costs"]["columns"]
    monthly = [dict(zip(cols, r, strict=True)) for r in results["costs"]["rows"]]
    year1 = sum(
        m["cost"]
        for m in monthly
        if m["group"] == "residential" and m["provider"] == "external" and m["month"] <= 12
    )
    assert res_ext[0]["cost"] == pytest.approx(year1)
    assert res_ext[0]["unit_cost"] == 2850.0
    adoption = [r for r in rows if r["group"] == "adoption"]
    assert all(r["cost"] is None for r in adoption)  # no unit cost: blank, not 0
    assert "Placed for adoption (in-house)" in cost_tables.uncosted_groups(results)


def test_compare_costs_notes_an_uncosted_provider(results):
    import copy

    only_external = copy.deepcopy(results)
    cols = only_external["costs"]["columns"]
    for row in only_external["costs"]["rows"]:
        if row[cols.index("group")] == "residential" and row[cols.index("provider")] == "in_house":
            row[cols.index("cost")] = None
            row[cols.index("children")] = 1.0
    table = cost_tables.compare_costs_table(only_external, only_external)
    residential = [r for r in table["rows"] if r[1] == formatting.group_label("residential")]
    assert residential[0][5] == "No unit cost held for in-house: not counted"
    total_note = [r for r in table["rows"] if r[1] == "All costed placements"][0][5]
    assert total_note.startswith("Only the costed providers. Not counted, no unit cost held: ")
    assert formatting.group_label("adoption") in total_note
