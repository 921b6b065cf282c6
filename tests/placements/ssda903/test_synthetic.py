"""Synthetic returns: valid every year, realistic in shape, fast."""

import pandas as pd
import pytest

from placements import measures
from placements.ssda903.read import read_return
from placements.ssda903.synthetic import generate_return, write_return
from placements.ssda903.transform import transform_return
from placements.ssda903.validate import validate_return


@pytest.fixture(scope="module")
def returns():
    return generate_return(children=6000, first_year=2021, last_year=2026, seed=11)


def test_every_year_passes_validation_with_no_errors(returns):
    assert sorted(returns) == list(range(2021, 2027))
    for year, tables in returns.items():
        raw = read_return([(f"{k.lower()}.csv", v.to_csv(index=False).encode()) for k, v in tables.items()])
        assert raw.problems == []
        problems = validate_return(raw, year)
        assert [p for p in problems if p.severity == "error"] == [], (year, problems[:5])
        assert problems == []  # every postcode resolves too


def test_episodes_span_years_and_sex_codes_follow_the_year(returns):
    a = returns[2023]["Episodes"].set_index(["CHILD", "DECOM"])
    b = returns[2024]["Episodes"].set_index(["CHILD", "DECOM"])
    shared = a.index.intersection(b.index)
    assert len(shared) > 0.3 * len(b)
    # Open at the end of 2022/23, so DEC blank there; the same episode may have ended in 2023/24.
    assert a.loc[shared, "DEC"].isna().all()
    assert set(returns[2024]["Header"]["SEX"]) == {"1", "2"}
    assert set(returns[2025]["Header"]["SEX"]) == {"M", "F"}
    places = set(returns[2026]["Episodes"]["PLACE"])
    assert "H5" not in places and "Z1" not in places
    assert "K3" not in set(returns[2024]["Episodes"]["PLACE"])


def test_shape_is_close_to_the_national_picture(returns):
    eps, heads, uascs = [], [], []
    for year, tables in returns.items():
        raw = read_return([(f"{k}.csv", v.to_csv(index=False).encode()) for k, v in tables.items()])
        clean = transform_return(raw, year, secret_key="k")
        eps.append(clean.episodes)
        heads.append(clean.header)
        uascs.append(clean.uasc)
    values = measures.compute_year(pd.concat(eps), pd.concat(heads), pd.concat(uascs), 2025, None)
    cla = values["cla_31_march"]
    share = {
        k: values[k] / cla for k in values if k.startswith(("placement_", "age_")) or k == "uasc_31_march"
    }
    foster = (
        share["placement_fostered_relative_friend"]
        + share["placement_fostered_in_house"]
        + share["placement_fostered_agency"]
    )
    assert 0.62 < foster < 0.80
    assert 0.12 < share["placement_fostered_relative_friend"] / foster < 0.28
    assert 0.22 < share["placement_fostered_agency"] / foster < 0.42
    assert 0.08 < share["placement_residential"] + share["placement_semi_independent"] < 0.18
    assert 0.04 < share["placement_with_parents"] < 0.10
    assert 0.01 < share["placement_adoption"] < 0.05
    assert share["age_10_15"] + share["age_16_plus"] > 0.55
    assert 0.03 < share["uasc_31_march"] < 0.08
    assert 5 < values["stability_3plus_pct"] < 15
    assert 12 < values["distance_over_20_pct"] < 28
    assert 0.25 < values["starts"] / cla < 0.5 and 0.25 < values["ceases"] / cla < 0.5
    codes = pd.concat([t["Episodes"] for t in returns.values()])
    assert codes["PLACE"].isin(["T0", "T1", "T2", "T3", "T4"]).any()
    assert (codes["RNE"] == "L").any() and (codes["REC"] == "X1").any()
    assert codes["PL_DISTANCE"].isna().any() and codes["PL_DISTANCE"].notna().any()


def test_seeded_and_deterministic():
    a = generate_return(children=200, first_year=2024, last_year=2024, seed=3)[2024]["Episodes"]
    b = generate_return(children=200, first_year=2024, last_year=2024, seed=3)[2024]["Episodes"]
    pd.testing.assert_frame_equal(a, b)


def test_write_return(tmp_path):
    folders = write_return(tmp_path, children=100, first_year=2023, last_year=2024, seed=1)
    assert [f.name for f in folders] == ["2023", "2024"]
    assert sorted(p.name for p in folders[0].iterdir()) == ["episodes.csv", "header.csv", "uasc.csv"]


def test_100k_children_one_year():
    """Speed is measured by benchmarks/bench_pipeline.py, not here."""
    tables = generate_return(children=100_000, first_year=2024, last_year=2024, seed=1)[2024]
    assert tables["Header"]["CHILD"].nunique() == 100_000
    assert len(tables["Episodes"]) > 170_000
