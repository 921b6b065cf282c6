"""Costs of a projection: the share of placement-weeks costed, and the yearly sums of stored monthly rows."""

import numpy as np
import pytest

from forecast.engine.costs import costed_share, project_costs, yearly_costs
from forecast.engine.model import GROUPS, N_GROUPS, N_STATES, project_matrix, rates_from_counts

RES, FOSTER = GROUPS.index("residential"), GROUPS.index("fostered_in_house")


def still(initial):
    """No entries, exits, moves or ageing: the stock stays as it is for 12 months."""
    counts = np.zeros((N_STATES + 1, N_STATES + 1))
    counts[np.arange(N_STATES), np.arange(N_STATES)] = 100
    rates = rates_from_counts(counts, 12, "2019-03-31", "2020-03-31", np.ones(N_GROUPS))
    return project_matrix(
        rates.matrix(), rates.entries, initial, "2020-03-31", 12, None, rates.in_house_share
    )


def test_costed_share_is_the_share_of_placement_weeks_with_a_unit_cost():
    initial = np.zeros(N_STATES)
    initial[RES] = 10  # residential, in-house (share 1)
    initial[FOSTER] = 30
    costs = project_costs(
        still(initial),
        [
            {
                "group": "residential",
                "provider": "in_house",
                "weekly_cost": 4000,
                "effective_from": "2019-01-01",
            }
        ],
    )
    assert costed_share(costs) == pytest.approx(10 / 40)
    assert costs.loc[costs["group"] == "fostered_in_house", "cost"].isna().all()  # blank, not 0
    assert costed_share(costs.assign(placement_weeks=0.0)) is None


def test_yearly_costs_sum_months_and_leave_a_year_with_an_uncosted_month_blank():
    columns = [
        "month",
        "date",
        "group",
        "provider",
        "children",
        "placement_weeks",
        "unit_cost",
        "cost",
        "weekly_cost",
    ]
    rows = [
        [m, f"2021-{m:02d}-28", "residential", "external", 2.0, 8.0, 100.0, 800.0, 200.0]
        for m in range(1, 13)
    ] + [[13, "2022-01-28", "residential", "external", 4.0, 16.0, None, None, None]]
    year1, year2 = yearly_costs(columns, rows)
    assert (year1["year"], year1["months"], year1["end"]) == (1, 12, "2021-12-28")
    assert year1["cost"] == pytest.approx(9600.0) and year1["placement_weeks"] == pytest.approx(96.0)
    assert year1["children"] == pytest.approx(2.0) and year1["weekly_cost"] == pytest.approx(200.0)
    assert year2["cost"] is None and year2["unit_cost"] is None and year2["placement_weeks"] == 16.0
