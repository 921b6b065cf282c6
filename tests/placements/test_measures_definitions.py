"""MEASURE_CODES and MEASURES: the catalogue the UI, exports and "About this measure" pages read."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from placements import measures

EXPECTED_CODES = [
    "cla_31_march", "starts", "ceases", "rate_per_10k", "uasc_31_march",
    "placement_fostered_relative_friend", "placement_fostered_in_house", "placement_fostered_agency",
    "placement_adoption", "placement_with_parents", "placement_residential", "placement_semi_independent",
    "placement_other", "age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_plus", "sex_male",
    "sex_female", "cin_N1", "cin_N2", "cin_N3", "cin_N4", "cin_N5", "cin_N6", "cin_N7", "cin_N8",
    "stability_3plus_count", "stability_3plus_pct", "long_term_eligible", "long_term_stable_count",
    "long_term_stability_pct", "distance_known_count", "distance_over_20_count", "distance_over_20_pct",
]  # fmt: skip


def test_measure_codes_in_the_agreed_order():
    assert measures.MEASURE_CODES == EXPECTED_CODES
    assert list(measures.MEASURES) == EXPECTED_CODES


def test_definitions_are_frozen_and_complete():
    for code, definition in measures.MEASURES.items():
        assert definition.code == code
        assert definition.title and definition.rule and definition.group
        assert definition.unit in {"count", "percent", "rate"}
        assert definition.polarity in {"higher_better", "lower_better", None}
        assert definition.denominator is None or definition.denominator in measures.MEASURES
    with pytest.raises(dataclasses.FrozenInstanceError):
        measures.MEASURES["starts"].title = "changed"


def test_units_polarity_and_denominators():
    percent = {
        "stability_3plus_pct": ("lower_better", "cla_31_march"),
        "long_term_stability_pct": ("higher_better", "long_term_eligible"),
        "distance_over_20_pct": ("lower_better", "distance_known_count"),
    }
    for code, definition in measures.MEASURES.items():
        if code in percent:
            assert (definition.unit, definition.polarity, definition.denominator) == (
                "percent",
                *percent[code],
            )
        elif code == "rate_per_10k":
            assert (definition.unit, definition.polarity) == ("rate", None)
        else:
            assert (definition.unit, definition.polarity) == ("count", None), code


def test_groups():
    groups = {code: d.group for code, d in measures.MEASURES.items()}
    assert groups["cla_31_march"] == "Children looked after"
    assert groups["uasc_31_march"] == "UASC"
    assert {groups[c] for c in measures.PLACEMENT_GROUPS} == {"Placement mix"}
    assert {groups[c] for c in measures.AGE_BANDS} == {"Age"}
    assert groups["sex_female"] == "Sex"
    assert groups["cin_N8"] == "Category of need"
    assert groups["long_term_stability_pct"] == "Stability"
    assert groups["distance_over_20_pct"] == "Distance"


def test_rules_state_the_documented_interpretations():
    rules = {code: d.rule for code, d in measures.MEASURES.items()}
    assert "ceased on 31 March is not open" in rules["cla_31_march"]
    assert "V3 or V4" in rules["cla_31_march"] and "latest collection year" in rules["cla_31_march"]
    assert "PR0" in rules["placement_other"]
    assert "PLACE_PROVIDER blank" in rules["placement_fostered_agency"]
    assert "immediately preceding held episode" in rules["stability_3plus_pct"]
    assert "run of consecutive temporary episodes" in rules["stability_3plus_pct"]
    assert "strictly before" in rules["long_term_stability_pct"]
    assert "30 September" in rules["long_term_eligible"]
    assert "strictly more than 20.0" in rules["distance_over_20_pct"]
    assert "half up" in rules["rate_per_10k"]
    assert "latest return" in rules["sex_male"]


def test_population_forms():
    rows = pd.DataFrame(
        {
            "child": ["A"], "collection_year": [2020], "decom": pd.to_datetime(["2019-06-01"]),
            "dec": pd.to_datetime([None]), "rne": ["S"], "ls": ["C2"], "cin": ["N1"], "place": ["U4"],
            "place_provider": ["PR1"], "rec": [None], "pl_post_key": [None], "distance": [np.nan],
        }
    )  # fmt: skip
    head = pd.DataFrame({"child": [], "collection_year": [], "sex": [], "dob": pd.to_datetime([])})
    uasc = pd.DataFrame({"child": [], "collection_year": [], "duc": pd.to_datetime([])})
    for population, rate in [(np.int64(400), 25.0), (400.0, 25.0), (np.nan, None), (pd.NA, None), (0, None)]:
        assert measures.compute_year(rows, head, uasc, 2020, population)["rate_per_10k"] == rate
