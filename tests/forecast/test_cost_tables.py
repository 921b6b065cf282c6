"""Projected costs, their coverage, the cost comparison and a scenario's saving (forecast/cost_tables.py)."""

import copy

import numpy as np
import pytest

from forecast import cost_tables, formatting
from forecast.engine import model as fm
from forecast.engine.results import forecast_compute

COLUMNS = ["month", "date", "group", "provider", "children", "placement_weeks", "unit_cost", "cost"]
MOVE = [{"kind": "residential_to_fostering", "fraction": 0.5, "target": "fostered_in_house"}]
RESIDENTIAL = [
    {"group": "residential", "provider": "external", "weekly_cost": 2850.0, "effective_from": "2015-04-01"},
    {"group": "residential", "provider": "in_house", "weekly_cost": 3000.0, "effective_from": "2015-04-01"},
]
FOSTERING = [
    {
        "group": "fostered_in_house",
        "provider": "in_house",
        "weekly_cost": 450.0,
        "effective_from": "2015-04-01",
    }
]


def stored(rows: list[tuple], specs=None) -> dict:
    """A results dict holding only the cost rows given: (month, group, provider, children, weeks, unit)."""
    out = []
    for month, group, provider, children, weeks, unit in rows:
        date = f"{2021 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-28"
        cost = None if unit is None else weeks * unit
        weekly = None if unit is None else children * unit
        out.append([month, date, group, provider, children, weeks, unit, cost, weekly, None])
    return {
        "groups": list(fm.GROUPS),
        "costs": {"columns": [*COLUMNS, "weekly_cost", "annual_cost"], "rows": out},
        "scenario": None if specs is None else {"name": "s", "adjustments": specs, "descriptions": []},
    }


def test_cost_rows_sum_the_months_of_each_year(results):
    rows = cost_tables.cost_rows(results)
    res_ext = [r for r in rows if r["group"] == "residential" and r["provider"] == "external"]
    assert [r["year"] for r in res_ext] == [1, 2, 3] and [r["months"] for r in res_ext] == [12, 12, 6]
    cols = results["costs"]["columns"]
    monthly = [dict(zip(cols, r, strict=True)) for r in results["costs"]["rows"]]
    year1 = [
        m for m in monthly if m["group"] == "residential" and m["provider"] == "external" and m["month"] <= 12
    ]
    assert res_ext[0]["cost"] == pytest.approx(sum(m["cost"] for m in year1))
    assert res_ext[0]["placement_weeks"] == pytest.approx(sum(m["placement_weeks"] for m in year1))
    assert res_ext[0]["unit_cost"] == 2850.0
    adoption = [r for r in rows if r["group"] == "adoption"]
    assert all(r["cost"] is None for r in adoption)  # no unit cost: blank, not 0
    assert "Placed for adoption (in-house)" in cost_tables.uncosted_groups(results)


def test_coverage_is_the_share_of_placement_weeks_costed():
    results = stored(
        [
            (1, "residential", "external", 10, 40, 2850.0),
            (1, "fostered_in_house", "in_house", 50, 200, None),
            (1, "fostered_agency", "in_house", 0, 0, None),  # nobody projected: not "missing"
            (2, "residential", "external", 10, 60, 2850.0),
        ]
    )
    cov = cost_tables.coverage(results)
    assert cov["share"] == pytest.approx(100 / 300)
    assert cov["missing"] == [("fostered_in_house", "in_house")]
    assert cov["labels"] == ["Fostered by the local authority (in-house)"]  # not "(in-house) (in-house)"
    assert cov["text"] == "Costs cover 33% of projected placement-weeks"


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (None, "No placements are projected, so there is nothing to cost"),
        (0.0, "No unit cost is held for any projected placement, so nothing is costed"),
        (0.004, "Costs cover less than 1% of projected placement-weeks"),
        (0.996, "Costs cover more than 99% of projected placement-weeks"),
        (1.0, "Costs cover all projected placement-weeks"),
    ],
)
def test_coverage_never_rounds_to_none_or_all(share, words):
    assert cost_tables.coverage_text(share) == words


def test_cost_table_names_its_coverage_and_what_is_missing(results):
    table = cost_tables.cost_table(results)
    cov = cost_tables.coverage(results)
    assert 0 < cov["share"] < 1
    assert cov["text"] in table["question"] and cov["text"] in table["note"]
    assert (
        "No unit cost held for: " in table["question"] and "in-house placement for adoption" in table["note"]
    )
    totals = [r for r in table["rows"] if r[1] == "All placements with a unit cost held"]
    assert len(totals) == 3 and all(r[6].endswith("of the year's placement-weeks") for r in totals)
    legend = table["figure"]["layout"]["legend"]["title"]["text"]
    assert legend.startswith("Only the placements with a unit cost held. Costs cover ")
    annotation = table["figure"]["layout"]["annotations"][0]["text"]
    assert annotation == f"<b>Costed: {cost_tables.share_label(cov['share'])} of placement-weeks</b>"
    linked = cost_tables.cost_question(results, "/forecast/costs/unit-costs/?la=E1")
    assert 'href="/forecast/costs/unit-costs/?la=E1"' in linked


def test_cost_table_without_any_cost_has_no_chart():
    table = cost_tables.cost_table(stored([(1, "residential", "external", 10, 40, None)]))
    assert table["figure"] is None
    assert "No unit cost is held for any projected placement" in table["question"]


def test_compare_costs_notes_an_uncosted_provider(results):
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


def test_saving_refused_when_the_group_moved_to_has_no_cost():
    baseline = stored(
        [(1, "residential", "external", 10, 40, 2850.0), (1, "fostered_in_house", "in_house", 50, 200, None)]
    )
    scenario = stored(
        [(1, "residential", "external", 8, 32, 2850.0), (1, "fostered_in_house", "in_house", 52, 208, None)],
        MOVE,
    )
    saving = cost_tables.scenario_saving(baseline, scenario)
    assert saving["refused"] and saving["annual"] == []
    assert saving["missing"] == ["Fostered by the local authority (in-house)"]
    assert saving["reason"] == (
        "The scenario moves children from residential care to in-house fostering, and no unit cost is held for "
        "in-house fostering. Counting only the costed side of the move would show the cost of the children moved "
        "as a saving."
    )
    table = cost_tables.compare_costs_table(baseline, scenario)
    assert not any(r[1] == "All costed placements" for r in table["rows"])  # no total, so no saving
    fostering = [r for r in table["rows"] if r[1] == formatting.group_label("fostered_in_house")]
    assert fostering == [
        ["Year 1 (to 28 January 2021)", fostering[0][1], None, None, None, "No unit cost held: not counted"]
    ]
    assert table["note"].startswith("No total and no saving: ")


def test_saving_refused_when_a_share_target_has_an_uncosted_provider():
    spec = [{"kind": "in_house_share_target", "share": 0.2, "by": "2023-03-31"}]
    baseline = stored(
        [(1, "residential", "external", 10, 40, 2850.0), (1, "residential", "in_house", 1, 4, None)]
    )
    scenario = stored(
        [(1, "residential", "external", 9, 36, 2850.0), (1, "residential", "in_house", 2, 8, None)], spec
    )
    saving = cost_tables.scenario_saving(baseline, scenario)
    assert saving["refused"] and saving["missing"] == [
        "Residential (children's homes, secure, schools) (in-house)"
    ]


def test_saving_computed_when_both_sides_are_costed():
    rows_b, rows_s = [], []
    for m in range(1, 13):
        rows_b += [
            (m, "residential", "external", 10, 40, 2850.0),
            (m, "fostered_in_house", "in_house", 50, 200, 450.0),
        ]
        rows_s += [
            (m, "residential", "external", 8, 32, 2850.0),
            (m, "fostered_in_house", "in_house", 52, 208, 450.0),
        ]
    rows_b.append((1, "adoption", "in_house", 5, 20, None))  # not moved: left out, and named by the coverage
    rows_s.append((1, "adoption", "in_house", 5, 20, None))
    saving = cost_tables.scenario_saving(stored(rows_b), stored(rows_s, MOVE))
    assert not saving["refused"] and saving["missing"] == []
    (year,) = saving["annual"]
    assert year["difference"] == pytest.approx(12 * (-8 * 2850.0 + 8 * 450.0))
    assert saving["coverage"] == pytest.approx(12 * 240 / (12 * 240 + 20))
    assert saving["headline"] == "£230,000 a year less, on the costs held"
    assert "of the scenario's projected placement-weeks" in saving["sentence"]


@pytest.fixture(scope="module")
def episodes():
    entries = np.full(fm.N_STATES, 0.4)
    exits = np.full(fm.N_STATES, 0.03)
    T = np.tile(np.eye(fm.N_GROUPS), (fm.N_BANDS, 1, 1))
    return fm.simulate_episodes(entries, exits, T, "2016-03-31", 60, seed=5)


def compute(episodes, costs, specs=None):
    return forecast_compute(
        *episodes,
        ref_start="2018-03-31",
        ref_end="2021-03-31",
        horizon_months=24,
        unit_costs=costs,
        scenario_name=None if specs is None else "Move",
        scenario_specs=specs,
        backtest=False,
    )


def test_saving_of_a_computed_scenario_needs_the_fostering_cost(episodes):
    refused = cost_tables.scenario_saving(
        compute(episodes, RESIDENTIAL), compute(episodes, RESIDENTIAL, MOVE)
    )
    assert refused["refused"] and "Fostered by the local authority (in-house)" in refused["missing"]
    costs = RESIDENTIAL + FOSTERING
    saving = cost_tables.scenario_saving(compute(episodes, costs), compute(episodes, costs, MOVE))
    assert not saving["refused"] and [y["year"] for y in saving["annual"]] == [1, 2]
    assert all(y["difference"] < 0 for y in saving["annual"])  # fostering costs less than residential
    assert 0 < saving["coverage"] < 1


def test_saving_shown_but_understated_when_only_a_provider_moved_out_of_has_no_cost():
    """In-house residential has children but no cost; the scenario only takes children out of it, so the
    saving on the costs held is shown, at least the true one, and names what it leaves out."""
    rows_b, rows_s = [], []
    for m in range(1, 13):
        rows_b += [
            (m, "residential", "external", 10, 40, 2850.0),
            (m, "residential", "in_house", 2, 8, None),
            (m, "fostered_in_house", "in_house", 50, 200, 450.0),
        ]
        rows_s += [
            (m, "residential", "external", 8, 32, 2850.0),
            (m, "residential", "in_house", 1.6, 6.4, None),
            (m, "fostered_in_house", "in_house", 52.4, 209.6, 450.0),
        ]
    saving = cost_tables.scenario_saving(stored(rows_b), stored(rows_s, MOVE))
    assert not saving["refused"] and saving["missing"] == []
    assert saving["understated"] == ["Residential (children's homes, secure, schools) (in-house)"]
    (year,) = saving["annual"]
    assert year["difference"] == pytest.approx(12 * (-8 * 2850.0 + 9.6 * 450.0))
    assert "in-house residential care, which the scenario moves children out of" in saving["sentence"]
    assert saving["sentence"].endswith("so the true saving is at least this.")


def test_saving_refused_when_the_group_moved_out_of_has_no_cost_at_all():
    baseline = stored(
        [(1, "residential", "external", 10, 40, None), (1, "fostered_in_house", "in_house", 50, 200, 450.0)]
    )
    scenario = stored(
        [(1, "residential", "external", 8, 32, None), (1, "fostered_in_house", "in_house", 52, 208, 450.0)],
        MOVE,
    )
    saving = cost_tables.scenario_saving(baseline, scenario)
    assert saving["refused"] and saving["missing"] == [
        "Residential (children's homes, secure, schools) (external)"
    ]
