"""Postcode lookup against the ONS postcode directory."""

import numpy as np
import pandas as pd

from placements.ssda903 import postcodes


def test_resolve_known_postcodes_and_spacing_case():
    out = postcodes.resolve(pd.Series(["NR1 1AA", "nr11aa", "SW1A 1AA", "BT1 1AA", "ZZ99 9ZZ", None, "NR1"]))
    assert out.loc[0].tolist() == out.loc[1].tolist()
    assert abs(out.loc[0, "lat"] - 52.63) < 0.02 and abs(out.loc[0, "lon"] - 1.31) < 0.02  # Norwich
    assert (
        abs(out.loc[2, "lat"] - 51.501) < 0.01 and abs(out.loc[2, "lon"] + 0.141) < 0.01
    )  # Buckingham Palace
    assert (
        abs(out.loc[3, "lat"] - 54.60) < 0.02 and abs(out.loc[3, "lon"] + 5.93) < 0.02
    )  # Belfast (Irish Grid)
    assert out.loc[[4, 5, 6]].isna().all().all()


def test_distance_miles():
    a = postcodes.resolve(["NR1 1AA", "NR1 1AA"])
    b = postcodes.resolve(["CB2 1TN", "ZZ99 9ZZ"])
    d = postcodes.distance_miles(a, b)
    assert 55 < d[0] < 61  # Norwich to Cambridge as the crow flies
    assert np.isnan(d[1])


def test_outward_codes():
    out = postcodes.outward(pd.Series(["NR1 1AA", "sw1a1aa", "NR1", "junk", None, " E1  6AN "]))
    assert out.tolist()[:3] == ["NR1", "SW1A", "NR1"]
    assert pd.isna(out[3]) and pd.isna(out[4])
    assert out[5] == "E1"
