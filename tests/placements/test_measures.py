"""The SSDA903 measure rules (placements/measures.py), one hand-built case per rule and edge case: who is
looked after, starts and ceases, rates, UASC, placement groups, age, sex and category of need, the frames.
Placement moves, stability, long-term stability and distance are in test_measures_stability.py.

Collection year 2020 throughout unless said: start(Y) = 1 April 2019, ref(Y) = 31 March 2020.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placements import measures
from tests.placements.measure_cases import ep, episodes, header, run, uasc

# ---- open on 31 March; V3/V4; latest return wins ----------------------------------------------------


def test_open_on_31_march_versus_ceased_that_day():
    result = run(
        [
            ep("open", "2019-06-01"),
            ep("ceased_31_march", "2019-06-01", "2020-03-31"),
            ep("ceased_1_april", "2019-06-01", "2020-04-01"),
            ep("started_31_march", "2020-03-31"),
            ep("starts_1_april", "2020-04-01"),
        ]
    )
    assert result["cla_31_march"] == 3  # open, ceased_1_april, started_31_march


def test_v3_v4_dropped_before_anything_else():
    result = run(
        [
            ep("A", "2019-06-01", year=2020),
            ep("A", "2019-06-01", ls="V3", place="K2", year=2021),  # later return, short break: ignored
            ep("B", "2019-06-01", ls="v4"),  # codes are case-insensitive
            ep("C", "2019-06-01", ls="V4", rne="S"),
        ]
    )
    assert result["cla_31_march"] == 1
    assert result["starts"] == 1
    assert result["placement_fostered_in_house"] == 1  # the 2020 row survived, not the V3 K2 row
    assert result["placement_residential"] == 0


def test_latest_return_wins_for_the_same_child_and_decom():
    rows = [
        ep("A", "2019-06-01", place="U1", year=2021),
        ep("A", "2019-06-01", place="K2", year=2022),
        ep("A", "2019-06-01", place="P1", year=2020),
    ]
    longitudinal = measures.build_longitudinal(episodes(*rows))
    assert len(longitudinal) == 1
    assert longitudinal.loc[0, "place"] == "K2"
    assert longitudinal.loc[0, "collection_year"] == 2022
    result = run(rows)
    assert result["placement_residential"] == 1
    assert result["cla_31_march"] == 1


def test_latest_return_wins_even_when_it_closes_the_episode():
    rows = [ep("A", "2019-06-01", year=2020), ep("A", "2019-06-01", "2020-01-10", rec="E4A", year=2021)]
    result = run(rows)
    assert result["cla_31_march"] == 0
    assert result["ceases"] == 1


def test_build_longitudinal_sorts_by_child_then_decom_and_is_idempotent():
    rows = [
        ep("B", "2019-01-01"),
        ep("A", "2019-05-01", rne="P"),
        ep("A", "2018-01-01", "2019-05-01", rec="X1"),
        ep("A", "2018-01-01", "2019-05-01", rec="X1", year=2019),
    ]
    once = measures.build_longitudinal(episodes(*rows))
    assert list(zip(once["child"], once["decom"].dt.strftime("%Y-%m-%d"), strict=True)) == [
        ("A", "2018-01-01"),
        ("A", "2019-05-01"),
        ("B", "2019-01-01"),
    ]
    assert list(once["collection_year"]) == [2020, 2020, 2020]
    pd.testing.assert_frame_equal(measures.build_longitudinal(once), once)


def test_latest_per_child_takes_the_latest_collection_year_whatever_the_order():
    head = header(
        ("A", "1", "2010-01-01", 2021), ("A", "2", "2011-01-01", 2022), ("A", "M", "2012-01-01", 2019)
    )
    latest = measures.latest_per_child(head)
    assert len(latest) == 1
    assert latest.loc[0, "sex"] == "2"
    assert latest.loc[0, "dob"] == pd.Timestamp("2011-01-01")


# ---- starts, ceases, rate ---------------------------------------------------------------------------


def test_starts_count_distinct_children_with_rne_s_in_the_year():
    result = run(
        [
            ep("twice", "2019-05-01", "2019-06-01", rec="E11"),
            ep("twice", "2019-09-01"),  # a second start in the same year: still one child
            ep("first_day", "2019-04-01"),
            ep("last_day", "2020-03-31"),
            ep("day_before", "2019-03-31"),
            ep("day_after", "2020-04-01"),
            ep("not_s", "2019-05-01", rne="P"),
        ]
    )
    assert result["starts"] == 3


def test_ceases_need_rec_not_blank_and_not_x1():
    result = run(
        [
            ep("E11", "2018-01-01", "2019-06-01", rec="E11"),
            ep("X1", "2018-01-01", "2019-06-01", rec="X1"),
            ep("x1_lower", "2018-01-01", "2019-06-01", rec="x1"),
            ep("blank_none", "2018-01-01", "2019-06-01", rec=None),
            ep("blank_empty", "2018-01-01", "2019-06-01", rec=""),
            ep("blank_nan", "2018-01-01", "2019-06-01", rec=np.nan),
            ep("first_day", "2018-01-01", "2019-04-01", rec="E8"),
            ep("last_day", "2018-01-01", "2020-03-31", rec="E8"),
            ep("day_before", "2018-01-01", "2019-03-31", rec="E8"),
            ep("day_after", "2018-01-01", "2020-04-01", rec="E8"),
            ep("twice", "2018-01-01", "2019-05-01", rec="E13"),
            ep("twice", "2019-07-01", "2019-08-01", rec="E13"),
        ]
    )
    assert result["ceases"] == 4  # E11, first_day, last_day, twice


def test_rate_per_10k_one_decimal_and_blank_without_population():
    rows = [ep(f"C{i}", "2019-06-01") for i in range(3)]
    assert run(rows, population=7)["rate_per_10k"] == 4285.7  # 4285.714...
    assert run(rows, population=400)["rate_per_10k"] == 75.0
    assert run(rows, population=None)["rate_per_10k"] is None
    assert run(rows, population=0)["rate_per_10k"] is None
    # 1 / 40,000 x 10,000 = 0.25 exactly: half up gives 0.3
    assert run([ep("A", "2019-06-01")], population=40_000)["rate_per_10k"] == 0.3


def test_round_half_up_on_the_exact_ratio():
    assert measures.round_half_up(1, 400) == 0.3  # 0.25: float round() would give 0.2
    assert measures.round_half_up(3, 400) == 0.8  # 0.75
    assert measures.round_half_up(1, 8) == 12.5
    assert measures.round_half_up(1, 3) == 33.3
    assert measures.round_half_up(2, 3) == 66.7
    assert measures.round_half_up(1, 1600) == 0.1  # 0.0625
    assert measures.round_half_up(0, 5) == 0.0
    assert measures.round_half_up(5, 0) is None
    assert measures.round_half_up(5, None) is None


# ---- UASC -------------------------------------------------------------------------------------------


def test_uasc_with_and_without_duc():
    rows = [ep(c, "2019-06-01") for c in ("blank", "after", "on_ref", "before", "not_uasc")]
    rows.append(ep("left_care", "2019-06-01", "2019-12-01"))
    uas = uasc(
        ("blank", None),
        ("after", "2020-04-01"),
        ("on_ref", "2020-03-31"),
        ("before", "2019-12-01"),
        ("left_care", None),
    )
    assert run(rows, uas=uas)["uasc_31_march"] == 2  # blank, after


def test_uasc_latest_return_row_wins():
    rows = [ep("A", "2019-06-01")]
    uas = uasc(("A", None, 2019), ("A", "2019-10-01", 2021))  # the later return records that status ceased
    assert run(rows, uas=uas)["uasc_31_march"] == 0


def test_uasc_table_empty():
    assert run([ep("A", "2019-06-01")], uas=uasc())["uasc_31_march"] == 0


# ---- placement mix ----------------------------------------------------------------------------------

PLACEMENT_CASES = [
    ("U1", None, "placement_fostered_relative_friend"),
    ("U3", "PR1", "placement_fostered_relative_friend"),
    ("U4", "PR1", "placement_fostered_in_house"),
    ("U5", "PR2", "placement_fostered_in_house"),
    ("U6", "PR3", "placement_fostered_in_house"),
    ("U4", "PR4", "placement_fostered_agency"),
    ("U5", "PR5", "placement_fostered_agency"),
    ("U6", None, "placement_fostered_agency"),
    ("U6", "", "placement_fostered_agency"),
    ("U4", "PR0", "placement_other"),
    ("A3", None, "placement_adoption"),
    ("A6", None, "placement_adoption"),
    ("P1", None, "placement_with_parents"),
    ("K1", "PR1", "placement_residential"),
    ("K2", "PR4", "placement_residential"),
    ("R1", None, "placement_residential"),
    ("S1", None, "placement_residential"),
    ("H5", None, "placement_semi_independent"),
    ("K3", None, "placement_semi_independent"),
    ("P2", None, "placement_semi_independent"),
    ("T0", None, "placement_other"),
    ("R2", None, "placement_other"),
    ("Z1", None, "placement_other"),
    (None, None, "placement_other"),
]


@pytest.mark.parametrize(("place", "provider", "group"), PLACEMENT_CASES)
def test_placement_group_of_each_code(place, provider, group):
    result = run([ep("A", "2019-06-01", place=place, provider=provider)])
    assert result[group] == 1
    assert sum(result[g] for g in measures.PLACEMENT_GROUPS) == 1


def test_eight_placement_groups_sum_to_cla():
    rows = [ep(f"C{i}", "2019-06-01", place=p, provider=pr) for i, (p, pr, _) in enumerate(PLACEMENT_CASES)]
    rows.append(ep("gone", "2019-06-01", "2020-03-31", place="K2"))
    result = run(rows)
    assert result["cla_31_march"] == len(PLACEMENT_CASES)
    assert sum(result[g] for g in measures.PLACEMENT_GROUPS) == result["cla_31_march"]
    assert result["placement_other"] == 5
    assert result["placement_fostered_agency"] == 4


def test_placement_of_the_open_episode_with_the_latest_decom():
    rows = [
        ep("A", "2018-01-01", place="U1"),  # still open (data as given), earlier DECOM
        ep("A", "2019-06-01", place="K2", rne="P"),
        ep("B", "2019-01-01", "2019-06-01", place="K2", rec="X1"),
        ep("B", "2019-06-01", place="P1", rne="P"),
    ]
    result = run(rows)
    assert result["cla_31_march"] == 2
    assert result["placement_residential"] == 1
    assert result["placement_with_parents"] == 1
    assert result["placement_fostered_relative_friend"] == 0


# ---- age and sex ------------------------------------------------------------------------------------


def _one_child_age(dob: str | None) -> dict:
    result = run([ep("A", "2019-06-01")], head=header(("A", "1", dob)))
    return {band: result[band] for band in measures.AGE_BANDS}


@pytest.mark.parametrize(
    ("dob", "band"),
    [
        ("2019-04-01", "age_under_1"),
        ("2019-03-31", "age_1_4"),  # first birthday on 31 March: counts as had
        ("2015-04-01", "age_1_4"),  # 4 on 31 March 2020
        ("2015-03-31", "age_5_9"),
        ("2010-04-01", "age_5_9"),
        ("2010-03-31", "age_10_15"),
        ("2004-04-01", "age_10_15"),
        ("2004-03-31", "age_16_plus"),
        ("2004-02-29", "age_16_plus"),  # 29 February birthday: (2, 29) <= (3, 31)
        ("2000-01-01", "age_16_plus"),
    ],
)
def test_age_bands_in_whole_years_on_31_march(dob, band):
    ages = _one_child_age(dob)
    assert ages == {b: int(b == band) for b in measures.AGE_BANDS}


def test_missing_dob_in_no_age_band_and_missing_header_too():
    assert sum(_one_child_age(None).values()) == 0
    result = run([ep("A", "2019-06-01"), ep("B", "2019-06-01")], head=header(("A", "1", "2010-01-01")))
    assert result["cla_31_march"] == 2
    assert sum(result[b] for b in measures.AGE_BANDS) == 1
    assert result["sex_male"] == 1


def test_29_february_birthday_in_a_leap_year_reference_date():
    # ref(2024) = 31 March 2024; born 29 Feb 2008: 16 on 29 Feb 2024
    result = run([ep("A", "2023-06-01")], 2024, head=header(("A", "1", "2008-02-29")))
    assert result["age_16_plus"] == 1
    assert result["long_term_eligible"] == 0


def test_sex_coded_1_2_and_m_f_u():
    codes = ["1", "2", "M", "F", "U", "m", " f ", None, "", "9"]
    rows = [ep(f"C{i}", "2019-06-01") for i in range(len(codes))]
    head = header(*[(f"C{i}", code, "2010-01-01") for i, code in enumerate(codes)])
    result = run(rows, head=head)
    assert result["sex_male"] == 3
    assert result["sex_female"] == 3


def test_sex_of_children_not_looked_after_on_31_march_ignored():
    rows = [ep("A", "2019-06-01"), ep("B", "2019-06-01", "2019-07-01")]
    result = run(rows, head=header(("A", "2", "2010-01-01"), ("B", "2", "2010-01-01")))
    assert (result["sex_male"], result["sex_female"]) == (0, 1)


# ---- category of need -------------------------------------------------------------------------------


def test_cin_from_the_latest_rne_s_episode_at_or_before_31_march():
    rows = [
        ep("A", "2015-01-01", "2016-01-01", cin="N4", rec="E11"),
        ep("A", "2017-01-01", "2018-01-01", cin="N2", rec="X1"),  # period of care starts here
        ep("A", "2018-01-01", cin="N5", rne="P"),
    ]
    result = run(rows)
    assert result["cin_N2"] == 1
    assert result["cin_N4"] + result["cin_N5"] == 0


def test_cin_from_the_earliest_held_episode_where_no_start_is_held():
    rows = [
        ep("A", "2016-01-01", "2018-01-01", cin="N7", rne="P", rec="X1"),
        ep("A", "2018-01-01", cin="N3", rne="L"),
        ep("A", "2020-04-01", cin="N8", rne="S"),  # after 31 March: not this period
    ]
    result = run(rows)
    assert [result[f"cin_N{i}"] for i in range(1, 9)] == [0, 0, 0, 0, 0, 0, 1, 0]


def test_cin_blank_or_unknown_is_no_category():
    result = run(
        [ep("A", "2019-06-01", cin=None), ep("B", "2019-06-01", cin="N9"), ep("C", "2019-06-01", cin="n1")]
    )
    assert sum(result[f"cin_N{i}"] for i in range(1, 9)) == 1
    assert result["cin_N1"] == 1


# ---- placements during the year ---------------------------------------------------------------------


def test_empty_year_counts_zero_and_percentages_blank():
    result = run([ep("A", "2010-01-01", "2011-01-01")])
    assert list(result) == measures.MEASURE_CODES
    for code in ("stability_3plus_pct", "long_term_stability_pct", "distance_over_20_pct", "rate_per_10k"):
        assert result[code] is None
    assert result["cla_31_march"] == 0


def test_empty_frames():
    result = run(episodes(), head=header(), uas=uasc(), population=1000)
    assert result["cla_31_march"] == 0
    assert result["rate_per_10k"] == 0.0
    assert result["stability_3plus_pct"] is None


def test_counts_are_python_ints_and_percentages_floats():
    rows = [ep(f"C{i}", "2016-06-01", distance=30.0) for i in range(3)]
    result = run(rows, head=header(("C0", "F", "2010-01-01")), population=1234)
    assert result["long_term_eligible"] == 1
    for code, value in result.items():
        definition = measures.MEASURES[code]
        if definition.unit == "count":
            assert type(value) is int, code
        else:
            assert type(value) is float, code


def test_missing_forms_and_string_dtypes_are_treated_alike():
    rows = [
        ep("A", "2018-01-01", "2019-06-01", rec="X1", key="k1"),
        ep("A", "2019-06-01", "2019-06-05", rne="p", place="t0", rec="X1"),
        ep("A", "2019-06-05", "2019-08-01", rne="P", key="k1", rec="E11", provider=" pr4 "),
        ep("B", "2019-06-01", provider=""),
        ep("C", "2019-06-01", provider=np.nan, rec=np.nan),
    ]
    plain = run(rows, population=1000)
    df = episodes(*rows)
    for column in ("child", "rne", "ls", "cin", "place", "place_provider", "rec", "pl_post_key"):
        df[column] = df[column].astype("string")
    assert run(df, population=1000) == plain
    assert plain["placement_fostered_agency"] == 2
    assert plain["ceases"] == 1


def test_compute_year_accepts_raw_episodes_too():
    rows = [ep("A", "2019-06-01", year=2020), ep("A", "2019-06-01", place="K2", year=2021, ls="V3")]
    raw = measures.compute_year(episodes(*rows), header(), uasc(), 2020, None)
    assert raw == run(rows)
    assert raw["placement_fostered_in_house"] == 1


def test_compute_years_long_frame_ordered_by_year_then_code():
    rows = [
        ep("A", "2018-06-01"),
        ep("B", "2019-06-01", year=2021),
        ep("C", "2019-06-01", "2020-06-01", rec="E8"),
    ]
    head = header(("A", "1", "2010-01-01", 2019), ("A", "2", "2010-01-01", 2021))
    table = measures.compute_years(episodes(*rows), head, uasc(), [2021, 2019, 2020], {2019: 100, 2020: 0})
    assert list(table.columns) == ["year", "measure", "value"]
    assert list(table["year"]) == [y for y in (2019, 2020, 2021) for _ in measures.MEASURE_CODES]
    assert list(table["measure"]) == measures.MEASURE_CODES * 3
    value = table.set_index(["year", "measure"])["value"]
    assert value[(2019, "cla_31_march")] == 1
    assert value[(2020, "cla_31_march")] == 3
    assert value[(2021, "cla_31_march")] == 2
    assert value[(2021, "ceases")] == 1
    assert value[(2019, "rate_per_10k")] == 100.0
    assert value[(2020, "rate_per_10k")] is None  # population 0
    assert value[(2021, "rate_per_10k")] is None  # no population held
    assert value[(2020, "sex_female")] == 1 and value[(2020, "sex_male")] == 0  # latest header wins
    for year in (2019, 2020, 2021):
        expected = measures.compute_year(
            measures.build_longitudinal(episodes(*rows)), head, uasc(), year, {2019: 100}.get(year)
        )
        got = {r.measure: r.value for r in table[table["year"] == year].itertuples()}
        assert got == expected
