"""transform_return: storage-ready frames, pseudonymised, with no full postcode."""

import hashlib
import hmac

import pandas as pd

from placements.ssda903.read import read_return
from placements.ssda903.synthetic import generate_return
from placements.ssda903.transform import EPISODE_COLUMNS, transform_return

from .util import sample_files

KEY = "test-secret"


def clean_sample():
    return transform_return(read_return(sample_files()), 2024, secret_key=KEY)


def test_episode_frame_shape_and_types():
    clean = clean_sample()
    ep = clean.episodes
    assert list(ep.columns) == EPISODE_COLUMNS
    assert str(ep["decom"].dtype).startswith("datetime64") and str(ep["dec"].dtype).startswith("datetime64")
    assert ep["distance"].dtype == "float64"
    assert (ep["collection_year"] == 2024).all()
    assert ep.loc[0, "rec"] == "X1" and pd.isna(ep.loc[2, "rec"])
    assert ep["pl_outward"].tolist() == ["NR2", "NR2", "CB2", "IP1", "PE30"]
    assert list(clean.header.columns) == ["child", "collection_year", "sex", "dob", "ethnic"]
    assert list(clean.uasc.columns) == ["child", "collection_year", "duc"]


def test_pseudonym_is_hmac_of_child_and_stable_across_years():
    clean = clean_sample()
    expected = hmac.new(KEY.encode(), b"1001", hashlib.sha256).hexdigest()[:32]
    assert clean.episodes.loc[0, "child"] == expected
    assert clean.header.loc[0, "child"] == expected
    again = transform_return(read_return(sample_files()), 2025, secret_key=KEY)
    assert again.episodes.loc[0, "child"] == expected
    other_key = transform_return(read_return(sample_files()), 2024, secret_key="another")
    assert other_key.episodes.loc[0, "child"] != expected


def test_distance_given_or_from_postcodes():
    ep = clean_sample().episodes
    assert ep.loc[3, "distance"] == 35.5  # PL_DISTANCE given
    assert ep.loc[4, "distance"] == 0.0
    assert 55 < ep.loc[2, "distance"] < 61  # NR1 1AA → CB2 1TN worked out from coordinates
    assert ep.loc[0, "distance"] < 2


def test_same_placement_postcode_same_key():
    ep = clean_sample().episodes
    assert ep.loc[0, "pl_post_key"] == ep.loc[1, "pl_post_key"] != ep.loc[2, "pl_post_key"]
    assert len(ep.loc[0, "pl_post_key"]) == 32


def test_summary():
    summary = clean_sample().summary
    assert summary["rows_per_table"] == {"Episodes": 5, "Header": 3, "UASC": 1}
    assert summary["children"] == 3 and summary["episodes"] == 5
    assert str(summary["first_decom"]) == "2022-05-01" and str(summary["last_decom"]) == "2024-01-10"


def test_privacy_no_full_postcode_or_raw_child_survives():
    year = 2024
    tables = generate_return(children=300, first_year=year, last_year=year, seed=5)[year]
    raw = read_return([(f"{k}.csv", v.to_csv(index=False).encode()) for k, v in tables.items()])
    clean = transform_return(raw, year, secret_key=KEY)
    secrets = set(raw.tables["Header"]["CHILD"]) | set(raw.tables["Header"]["UPN"].dropna())
    full_postcodes = set(raw.tables["Episodes"]["HOME_POST"].dropna()) | set(
        raw.tables["Episodes"]["PL_POST"].dropna()
    )
    squashed = {p.replace(" ", "") for p in full_postcodes}
    assert len(squashed) > 100
    for frame in (clean.episodes, clean.header, clean.uasc):
        text = [str(v) for v in frame.to_numpy().ravel()]
        values = set(text)
        assert not values & secrets
        assert not values & full_postcodes and not values & squashed
        joined = "|".join(text).upper()
        assert not any(p in joined for p in list(full_postcodes)[:200])
    assert "UPN" not in clean.header.columns and "mother" not in clean.header.columns
    assert not set(str(v) for v in clean.summary.values()) & secrets
