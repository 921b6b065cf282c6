"""The forecast pages' tables, from a stored results dict (no database)."""

from types import SimpleNamespace

import numpy as np
import pytest

from forecast import tables as ft
from forecast.engine import model as fm
from forecast.engine.results import forecast_compute

COSTS = [
    {"group": "residential", "provider": "external", "weekly_cost": 2850.0, "effective_from": "2020-04-01"},
    {"group": "residential", "provider": "in_house", "weekly_cost": 3000.0, "effective_from": "2020-04-01"},
]


@pytest.fixture(scope="module")
def results():
    entries = np.full(fm.N_STATES, 0.4)
    exits = np.full(fm.N_STATES, 0.03)
    T = np.tile(np.eye(fm.N_GROUPS), (fm.N_BANDS, 1, 1))
    episodes, header = fm.simulate_episodes(entries, exits, T, "2016-03-31", 60, seed=5)
    return forecast_compute(
        episodes,
        header,
        ref_start="2018-03-31",
        ref_end="2021-03-31",
        horizon_months=30,
        unit_costs=COSTS,
        data_start="2016-03-31",
        data_end="2021-03-31",
    )


def test_cost_rows_sum_the_months_of_each_year(results):
    rows = ft.cost_rows(results)
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
    assert "Placed for adoption (in-house)" in ft.uncosted_groups(results)


def test_sufficiency_uses_the_figure_in_force_and_scales_part_years(results):
    caps = [
        SimpleNamespace(
            name="Beds", group="residential", provider="in_house", unit="beds", value=20, effective_year=2020
        ),
        SimpleNamespace(
            name="Beds", group="residential", provider="in_house", unit="beds", value=25, effective_year=2023
        ),
        SimpleNamespace(
            name="Nights",
            group="semi_independent",
            provider="any",
            unit="bed_nights",
            value=12000,
            effective_year=2021,
        ),
    ]
    rows = ft.sufficiency_rows(results, caps)
    beds = [r for r in rows if r["name"] == "Beds"]
    assert [r["capacity"] for r in beds] == [20, 25, 25]  # years to March 2022, 2023, (part) 2024
    yearly = {(y["year"], y["group"]): y for y in results["yearly"]}
    assert beds[0]["demand"] == yearly[(1, "residential")]["in_house"]
    assert beds[0]["balance"] == pytest.approx(20 - beds[0]["demand"])
    nights = [r for r in rows if r["name"] == "Nights"]
    assert nights[2]["months"] == 6
    assert nights[2]["demand"] == pytest.approx(yearly[(3, "semi_independent")]["bed_nights"] * 2)
    table = ft.sufficiency_table(results, caps)
    assert table["rows"][0][-2] in ("Surplus", "Shortfall")


def test_tables_have_cells_for_every_row(results):
    for table in ft.run_tables(results, []):
        assert len(table["cells"]) == len(table["rows"])
        for row in table["rows"]:
            assert len(row) == len(table["columns"])
    assert ft._fmt(-5.94, "pct") == "−5.9%" and ft._fmt(1234.4, "money") == "£1,234"


def test_compare_tables(results):
    groups = ft.compare_groups_table(results, results)
    assert all(r[4] == 0 for r in groups["rows"])  # a run compared with itself differs by nothing
    costs = ft.compare_costs_table(results, results)
    assert [r[1] for r in costs["rows"]].count("All costed placements") == 3


def test_compare_costs_notes_an_uncosted_provider(results):
    import copy

    only_external = copy.deepcopy(results)
    cols = only_external["costs"]["columns"]
    for row in only_external["costs"]["rows"]:
        if row[cols.index("group")] == "residential" and row[cols.index("provider")] == "in_house":
            row[cols.index("cost")] = None
            row[cols.index("children")] = 1.0
    table = ft.compare_costs_table(only_external, only_external)
    residential = [r for r in table["rows"] if r[1] == ft.group_label("residential")]
    assert residential[0][5] == "No unit cost held for in-house: not counted"
    total_note = [r for r in table["rows"] if r[1] == "All costed placements"][0][5]
    assert total_note.startswith("Only the costed providers. Not counted, no unit cost held: ")
    assert ft.group_label("adoption") in total_note


def test_compare_sufficiency(results):
    caps = [
        SimpleNamespace(
            name="Beds", group="residential", provider="any", unit="beds", value=10, effective_year=2020
        )
    ]
    table = ft.compare_sufficiency_table(results, results, caps)
    assert len(table["rows"]) == 3
    row = table["rows"][0]
    assert row[4] == row[5] and row[6] == row[7] == pytest.approx(10 - row[4], abs=0.051)


def test_yearly_view_keeps_each_31_march_and_the_end(results):
    full = ft.group_table(results)
    view = ft.yearly_view(full, results)
    dates = sorted({r[0] for r in view["rows"]})
    assert all(d.endswith("-03-31") for d in dates[:-1]) and dates[-1] == results["dates"][-1]
    assert len(view["rows"]) == len(dates) * 8 < len(full["rows"])
