"""The one vocabulary of placement groups and the reference's PLACE / PLACE_PROVIDER rule
(placements/groups.py)."""

import numpy as np
import pandas as pd
import pytest

from placements.groups import (
    GROUP_KEYS,
    GROUP_MEASURES,
    clean_codes,
    group_index,
    group_index_of_codes,
)


def groups_of(places, providers):
    return [GROUP_KEYS[i] for i in group_index(clean_codes(places), clean_codes(providers))]


def test_the_eight_groups_are_the_reference_s_measure_codes_in_order():
    assert GROUP_MEASURES == [
        "placement_fostered_relative_friend",
        "placement_fostered_in_house",
        "placement_fostered_agency",
        "placement_adoption",
        "placement_with_parents",
        "placement_residential",
        "placement_semi_independent",
        "placement_other",
    ]


@pytest.mark.parametrize(
    "place, provider, group",
    [
        ("U1", "PR4", "fostered_relative_friend"),  # relatives and friends whatever the provider
        ("U3", None, "fostered_relative_friend"),
        ("U4", "PR1", "fostered_in_house"),
        ("U6", "PR3", "fostered_in_house"),
        ("U5", "PR4", "fostered_agency"),
        ("U4", "PR5", "fostered_agency"),
        ("U4", None, "fostered_agency"),  # blank provider counts as agency
        ("U4", "PR0", "other"),  # neither in-house nor agency by the reference: other
        ("A3", "PR1", "adoption"),
        ("A6", None, "adoption"),
        ("P1", "PR0", "with_parents"),
        ("K2", "PR4", "residential"),
        ("S1", "PR1", "residential"),
        ("H5", "PR4", "semi_independent"),
        ("P2", None, "semi_independent"),
        ("T0", None, "other"),
        ("Z1", None, "other"),
        (None, None, "other"),
    ],
)
def test_group_of_each_place_and_provider(place, provider, group):
    assert groups_of([place], [provider]) == [group]


def test_codes_are_cleaned_before_the_rule():
    assert list(clean_codes([" u4 ", "pr1", None, np.nan])) == ["U4", "PR1", "", ""]
    assert groups_of([" u4", "k2 "], ["pr2 ", "pr4"]) == ["fostered_in_house", "residential"]


def test_the_factorised_form_gives_the_same_groups_row_by_row():
    places = pd.Series(["U4", "U4", None, "K2", "U4", "P1", "U1"])
    providers = pd.Series(["PR1", None, "PR4", "PR4", "PR0", None, "PR1"])
    place_codes, place_values = pd.factorize(places)
    provider_codes, provider_values = pd.factorize(providers)
    by_codes = group_index_of_codes(place_codes, place_values, provider_codes, provider_values)
    assert list(by_codes) == list(group_index(clean_codes(places), clean_codes(providers)))
    assert len(group_index_of_codes(np.zeros(0), [], np.zeros(0), [])) == 0


def test_raw_values_give_the_same_groups_as_the_rule_row_by_row():
    from placements.groups import group_index_of_values

    places = pd.Series(["U4", " u4", None, "K2", "U4", "P1", "U1"])
    providers = pd.Series(["PR1", None, "PR4", "pr4", "PR0", None, "PR1"])
    expected = group_index(clean_codes(places), clean_codes(providers))
    assert list(group_index_of_values(places, providers)) == list(expected)
    assert list(group_index_of_values(list(places), list(providers))) == list(expected)
