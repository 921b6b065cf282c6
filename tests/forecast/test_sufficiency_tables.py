"""Demand against capacity (forecast/sufficiency_tables.py), from a stored result."""

from types import SimpleNamespace

import pytest

from forecast import sufficiency_tables


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
    rows = sufficiency_tables.sufficiency_rows(results, caps)
    beds = [r for r in rows if r["name"] == "Beds"]
    assert [r["capacity"] for r in beds] == [20, 25, 25]  # years to March 2022, 2023, (part) 2024
    yearly = {(y["year"], y["group"]): y for y in results["yearly"]}
    assert beds[0]["demand"] == yearly[(1, "residential")]["in_house"]
    assert beds[0]["balance"] == pytest.approx(20 - beds[0]["demand"])
    nights = [r for r in rows if r["name"] == "Nights"]
    assert nights[2]["months"] == 6
    assert nights[2]["demand"] == pytest.approx(yearly[(3, "semi_independent")]["bed_nights"] * 2)
    table = sufficiency_tables.sufficiency_table(results, caps)
    assert table["rows"][0][-2] in ("Surplus", "Shortfall")


def test_compare_sufficiency(results):
    caps = [
        SimpleNamespace(
            name="Beds", group="residential", provider="any", unit="beds", value=10, effective_year=2020
        )
    ]
    table = sufficiency_tables.compare_sufficiency_table(results, results, caps)
    assert len(table["rows"]) == 3
    row = table["rows"][0]
    assert row[4] == row[5] and row[6] == row[7] == pytest.approx(10 - row[4], abs=0.051)
