"""The engine's episode data (forecast/engine/data.py): the placement group of each episode."""

import numpy as np
import pandas as pd

from forecast.engine.data import group_of
from placements.groups import GROUP_KEYS, clean_codes, group_index


def test_group_of_applies_the_reference_rule_once_per_pair_of_codes():
    rng = np.random.default_rng(3)
    places = np.array(["U1", "U4", "u5 ", "K2", "H5", "P1", "A3", "Z1", None, "T0", "", "K3"], dtype=object)
    providers = np.array(["PR1", "PR4", "pr0", None, "PR5", " PR3", ""], dtype=object)
    place = pd.Series(places[rng.integers(0, len(places), 5000)])
    provider = pd.Series(providers[rng.integers(0, len(providers), 5000)])
    expected = group_index(clean_codes(place), clean_codes(provider))
    assert list(group_of(place, provider)) == list(expected)
    assert [GROUP_KEYS[i] for i in group_of(["U4", "U4", "k2"], [None, "PR0", "pr1"])] == [
        "fostered_agency",
        "other",
        "residential",
    ]
    assert len(group_of([], [])) == 0
