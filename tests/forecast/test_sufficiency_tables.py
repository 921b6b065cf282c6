"""Demand against capacity (forecast/sufficiency_tables.py): occupancy, the at-risk level and judgements."""

from types import SimpleNamespace

import pytest

from forecast import sufficiency_tables as st


def _cap(name="Beds", group="residential", provider="in_house", unit="beds", value=20, year=2020, **kw):
    return SimpleNamespace(
        name=name, group=group, provider=provider, unit=unit, value=value, effective_year=year, **kw
    )


def _yearly(*in_house: float, group: str = "residential") -> dict:
    """Results with only the yearly demand of one group: `in_house` children in each projection year."""
    return {
        "yearly": [
            {
                "year": i + 1,
                "year_end": f"{2022 + i}-03-31",
                "months": 12,
                "group": group,
                "children": n + 10,
                "in_house": n,
                "external": 10,
                "bed_nights": (n + 10) * 365,
                "in_house_bed_nights": n * 365,
            }
            for i, n in enumerate(in_house)
        ]
    }


@pytest.mark.parametrize(
    ("demand", "capacity", "at_risk", "level"),
    [
        (19.7, 20, 90, "at_risk"),  # 98.5% full: not a "surplus"
        (18, 20, 90, "at_risk"),  # exactly 90%
        (17.9, 20, 90, "room"),
        (19.7, 20, 99, "room"),  # a data admin's own level
        (20.3, 20, 90, "shortfall"),
        (0, 0, 90, "at_risk"),  # nothing held: no room
        (None, 20, 90, None),
    ],
)
def test_occupancy_level(demand, capacity, at_risk, level):
    assert st.occupancy_level(demand, capacity, at_risk) == level


def test_table_shows_occupancy_and_judgement_not_surplus():
    table = st.sufficiency_table(_yearly(19.7, 12, 21), [_cap()])
    assert [c[0] for c in table["columns"]][2:8] == [
        "Judgement",
        "Occupancy",
        "Projected demand",
        "Capacity held",
        "Unit",
        "Room (+) or shortfall (−)",
    ]
    assert [r[2] for r in table["rows"]] == ["At risk (≥90% full)", "Room", "Shortfall"]
    assert table["rows"][0][3] == 98.5 and table["cells"][0][3:6] == ["98.5%", "20", "20"]
    assert table["cells"][0][1] == "To 31 March 2022" and table["cells"][0][7] == "0"


def test_the_at_risk_level_is_the_capacity_figure_in_force():
    caps = [_cap(value=20, year=2020, at_risk_percent=95), _cap(value=20, year=2023, at_risk_percent=80)]
    rows = st.sufficiency_rows(_yearly(18.5, 17), caps)
    assert [(r["at_risk_percent"], r["level"]) for r in rows] == [(95, "room"), (80, "at_risk")]
    assert rows[1]["judgement"] == "At risk (≥80% full)"


def test_sufficiency_uses_the_figure_in_force_and_scales_part_years(results):
    caps = [
        _cap(value=20, year=2020),
        _cap(value=25, year=2023),
        _cap(
            name="Nights", group="semi_independent", provider="any", unit="bed_nights", value=12000, year=2021
        ),
    ]
    rows = st.sufficiency_rows(results, caps)
    beds = [r for r in rows if r["name"] == "Beds"]
    assert [r["capacity"] for r in beds] == [20, 25, 25]  # years to March 2022, 2023, (part) 2024
    yearly = {(y["year"], y["group"]): y for y in results["yearly"]}
    assert beds[0]["demand"] == yearly[(1, "residential")]["in_house"]
    assert beds[0]["balance"] == pytest.approx(20 - beds[0]["demand"])
    assert beds[0]["occupancy"] == pytest.approx(100 * beds[0]["demand"] / 20)
    nights = [r for r in rows if r["name"] == "Nights"]
    assert nights[2]["months"] == 6
    assert nights[2]["demand"] == pytest.approx(yearly[(3, "semi_independent")]["bed_nights"] * 2)


def test_compare_sufficiency_puts_the_scenario_beside_the_baseline():
    table = st.compare_sufficiency_table(_yearly(15, 16), _yearly(19, 22), [_cap()])
    assert table["rows"][0][2:] == ["Room", "At risk (≥90% full)", 75.0, 95.0, 15, 19, 20]
    assert table["rows"][1][3] == "Shortfall"


def test_capacity_warnings_name_what_the_scenario_takes_beyond_the_baseline():
    caps = [_cap(name="In-house residential beds")]
    warnings = st.capacity_warnings(_yearly(15, 16), _yearly(19, 22.4), caps)
    assert warnings == [
        "In-house residential beds: at risk in year 1 (to 31 March 2022), 95% full (baseline 75% full): "
        "on average 19.0 children for 20 beds"
    ]  # the first year only, per capacity
    assert st.capacity_warnings(_yearly(15, 16), _yearly(15, 20.3), caps) == [
        "In-house residential beds: a shortfall in year 2 (to 31 March 2023), 102% full (baseline 80% full): "
        "on average 20.3 children for 20 beds"
    ]
    assert st.capacity_warnings(_yearly(19, 22), _yearly(19, 22), caps) == []  # no worse than the baseline
