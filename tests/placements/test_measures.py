"""The SSDA903 measure rules (placements/measures.py), one hand-built case per rule and edge case.

Collection year 2020 throughout unless said: start(Y) = 1 April 2019, ref(Y) = 31 March 2020.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placements import measures

UNSET = object()


def ep(
    child: str = "A",
    decom: str = "2019-01-01",
    dec: str | None = None,
    *,
    rne: str | None = "S",
    place: str | None = "U4",
    provider: str | None = "PR1",
    rec: object = UNSET,
    ls: str | None = "C2",
    cin: str | None = "N1",
    key: str | None = None,
    distance: float = np.nan,
    year: int = 2020,
) -> dict:
    """One episode row; REC defaults to E11 for a closed episode and blank for an open one."""
    if rec is UNSET:
        rec = None if dec is None else "E11"
    return {
        "child": child,
        "collection_year": year,
        "decom": decom,
        "dec": dec,
        "rne": rne,
        "ls": ls,
        "cin": cin,
        "place": place,
        "place_provider": provider,
        "rec": rec,
        "pl_post_key": key,
        "distance": distance,
    }


def episodes(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=measures.EPISODE_COLUMNS)
    df["decom"] = pd.to_datetime(df["decom"])
    df["dec"] = pd.to_datetime(df["dec"])
    df["distance"] = df["distance"].astype("float64")
    df["collection_year"] = df["collection_year"].astype("int64")
    return df


def header(*rows: tuple) -> pd.DataFrame:
    """rows of (child, sex, dob[, collection_year])."""
    records = [
        {"child": r[0], "sex": r[1], "dob": r[2], "collection_year": r[3] if len(r) > 3 else 2020}
        for r in rows
    ]
    df = pd.DataFrame(records, columns=["child", "collection_year", "sex", "dob"])
    df["dob"] = pd.to_datetime(df["dob"])
    return df


def uasc(*rows: tuple) -> pd.DataFrame:
    """rows of (child, duc[, collection_year])."""
    records = [{"child": r[0], "duc": r[1], "collection_year": r[2] if len(r) > 2 else 2020} for r in rows]
    df = pd.DataFrame(records, columns=["child", "collection_year", "duc"])
    df["duc"] = pd.to_datetime(df["duc"])
    return df


def run(
    rows: list[dict] | pd.DataFrame,
    year: int = 2020,
    *,
    head: pd.DataFrame | None = None,
    uas: pd.DataFrame | None = None,
    population: int | None = None,
) -> dict:
    df = rows if isinstance(rows, pd.DataFrame) else episodes(*rows)
    return measures.compute_year(
        measures.build_longitudinal(df),
        header() if head is None else head,
        uasc() if uas is None else uas,
        year,
        population,
    )


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


def _placements(rows: list[dict], year: int = 2020) -> tuple[int, float | None]:
    result = run(rows, year)
    return result["stability_3plus_count"], result["stability_3plus_pct"]


def test_three_placements_with_new_carers_in_the_year():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", rec="X1"),
        ep("A", "2019-07-01", rne="B"),
    ]
    assert _placements(rows) == (1, 100.0)


def test_only_new_carer_episodes_count_after_the_first():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="L", rec="X1"),
        ep("A", "2019-07-01", "2019-08-01", rne="T", rec="X1"),
        ep("A", "2019-08-01", "2019-09-01", rne="U", rec="X1"),
        ep("A", "2019-09-01", rne="P"),
    ]
    assert _placements(rows) == (0, 0.0)


def test_first_overlapping_episode_counts_whatever_its_rne():
    rows = [
        ep("A", "2017-01-01", "2019-04-01", rec="X1"),  # ends on 1 April 2019: overlaps the year
        ep("A", "2019-04-01", "2019-06-01", rne="P", rec="X1"),
        ep("A", "2019-06-01", rne="P"),
    ]
    assert _placements(rows)[0] == 1
    rows[0] = ep("A", "2017-01-01", "2019-03-31", rec="X1")  # ends before the year: not counted
    assert _placements(rows)[0] == 0
    rows = [
        ep("B", "2019-01-01", "2019-06-01", rne="L", rec="X1"),  # first: counts though RNE is L
        ep("B", "2019-06-01", "2019-07-01", rne="P", rec="X1"),
        ep("B", "2019-07-01", rne="B"),
    ]
    assert _placements(rows)[0] == 1


def test_first_placement_after_a_temporary_one_in_the_year_counts_as_first():
    rows = [
        ep("A", "2019-05-01", "2019-05-10", place="T0", rec="X1"),
        ep("A", "2019-05-10", "2019-06-01", rne="L", rec="X1"),  # first non-temporary: counts
        ep("A", "2019-06-01", "2019-07-01", rne="P", rec="X1"),
        ep("A", "2019-07-01", rne="P", place="K2"),
    ]
    assert _placements(rows)[0] == 1


def test_temporary_placements_are_ignored():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-06-05", rne="P", place="T0", rec="X1"),
        ep("A", "2019-06-05", "2019-06-09", rne="P", place="T4", rec="X1"),
        ep("A", "2019-06-09", rne="P", place="K2"),
    ]
    assert _placements(rows)[0] == 0  # 2 placements: U4, K2


def test_return_after_a_temporary_placement_is_not_a_new_placement():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", key="k1", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", place="K2", key="k2", rec="X1"),
        ep("A", "2019-07-01", "2019-07-05", rne="P", place="T1", rec="X1"),
        ep("A", "2019-07-05", rne="P", place="K2", key="k2"),  # back to the same home
    ]
    assert _placements(rows)[0] == 0
    rows[3] = ep("A", "2019-07-05", rne="P", place="K2", key="k3")  # a different home: new placement
    assert _placements(rows)[0] == 1
    rows[3] = ep("A", "2019-07-05", rne="P", place="K1", key="k2")  # different PLACE: new placement
    assert _placements(rows)[0] == 1


def test_return_needs_pl_post_given_on_both_episodes():
    base = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", place="K2", key=None, rec="X1"),
        ep("A", "2019-07-01", "2019-07-05", rne="P", place="T1", rec="X1"),
        ep("A", "2019-07-05", rne="P", place="K2", key=None),
    ]
    assert _placements(base)[0] == 1  # blank PL_POST on both: not shown to be the same, so new
    base[1] = ep("A", "2019-06-01", "2019-07-01", rne="P", place="K2", key="k2", rec="X1")
    assert _placements(base)[0] == 1


def test_return_after_a_run_of_temporary_placements_compares_with_the_episode_before_the_run():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", key="k9", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", place="K2", key="k2", rec="X1"),
        ep("A", "2019-07-01", "2019-07-05", rne="P", place="T1", key="k2", rec="X1"),
        ep("A", "2019-07-05", "2019-07-09", rne="P", place="T3", rec="X1"),
        ep("A", "2019-07-09", rne="P", place="K2", key="k2"),
    ]
    assert _placements(rows)[0] == 0


def test_return_only_when_the_immediately_preceding_episode_is_temporary():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", place="K2", key="k2", rec="X1"),
        ep("A", "2019-07-01", "2019-07-05", rne="P", place="T1", rec="X1"),
        ep("A", "2019-07-05", "2019-07-09", rne="L", place="R1", key="k5", rec="X1"),  # not temporary
        ep("A", "2019-07-09", rne="P", place="K2", key="k2"),  # follows R1, so a new placement
    ]
    assert _placements(rows)[0] == 1


def test_return_uses_the_full_history_before_the_year():
    rows = [
        ep("A", "2018-01-01", "2019-03-01", place="K2", key="k2", rec="X1"),  # before the year
        ep("A", "2019-03-01", "2019-04-10", place="T0", rne="P", rec="X1"),  # overlaps, temporary
        ep("A", "2019-04-10", "2019-06-01", place="K2", key="k2", rne="P", rec="X1"),  # first counted
        ep("A", "2019-06-01", "2019-07-01", place="U4", rne="P", rec="X1"),
        ep("A", "2019-07-01", place="U5", rne="P"),
    ]
    assert _placements(rows)[0] == 1  # 3 placements (the first counts as one whatever it is)


def test_stability_pct_over_cla_and_only_children_looked_after_on_31_march():
    moves = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", rec="X1"),
        ep("A", "2019-07-01", rne="P"),
    ]
    left = [dict(r, child="L") for r in moves[:2]] + [ep("L", "2019-07-01", "2019-08-01", rne="P")]
    others = [ep(f"C{i}", "2019-06-01") for i in range(7)]
    assert _placements(moves + left + others) == (1, 12.5)


# ---- long-term stability ----------------------------------------------------------------------------


def _long_term(rows: list[dict], dob: str = "2010-01-01", year: int = 2020) -> tuple[int, int, float | None]:
    children = {r["child"] for r in rows}
    result = run(rows, year, head=header(*[(c, "1", dob) for c in children]))
    return (result["long_term_eligible"], result["long_term_stable_count"], result["long_term_stability_pct"])


def test_long_term_eligible_period_began_on_or_before_30_september_y_minus_3():
    assert _long_term([ep("A", "2017-09-30")]) == (1, 1, 100.0)
    assert _long_term([ep("A", "2017-10-01")])[0] == 0


def test_long_term_eligible_period_of_care_as_for_cin():
    rows = [
        ep("A", "2015-01-01", "2018-01-01", rec="E11"),
        ep("A", "2018-01-01", rne="S"),  # a new period of care: began too late
    ]
    assert _long_term(rows)[0] == 0
    rows = [ep("B", "2016-01-01", "2018-01-01", rec="X1", rne="P"), ep("B", "2018-01-01", rne="L")]
    assert _long_term(rows)[0] == 1  # no S held: the earliest held episode begins the period


def test_long_term_eligible_only_under_16_with_a_known_dob():
    rows = [ep("A", "2015-01-01")]
    assert _long_term(rows, dob="2004-04-01")[0] == 1  # 15 on 31 March 2020
    assert _long_term(rows, dob="2004-03-31")[0] == 0  # 16 that day
    assert run(rows, head=header(("A", "1", None)))["long_term_eligible"] == 0
    assert run(rows)["long_term_eligible"] == 0  # no Header row


def test_long_term_stable_placement_began_on_or_before_31_march_y_minus_2():
    base = ep("A", "2015-01-01", "2018-03-31", rec="X1")
    assert _long_term([base, ep("A", "2018-03-31", rne="P", place="K2")]) == (1, 1, 100.0)
    assert _long_term([base, ep("A", "2018-04-01", rne="P", place="K2")]) == (1, 0, 0.0)


def test_long_term_placement_not_reset_by_legal_status_change_temporary_or_return():
    rows = [
        ep("A", "2015-01-01", "2017-01-01", key="k1", rec="X1"),
        ep("A", "2017-01-01", "2019-01-01", rne="L", key="k1", rec="X1"),  # same carer
        ep("A", "2019-01-01", "2019-01-05", rne="P", place="T2", rec="X1"),  # temporary
        ep("A", "2019-01-05", "2019-06-01", rne="P", key="k1", rec="X1"),  # return
        ep("A", "2019-06-01", rne="T", key="k1"),  # same carer
    ]
    assert _long_term(rows) == (1, 1, 100.0)
    rows[3] = ep("A", "2019-01-05", "2019-06-01", rne="P", key="k7", rec="X1")  # not a return: new
    assert _long_term(rows) == (1, 0, 0.0)


def test_long_term_begin_is_earliest_held_episode_when_no_new_placement():
    rows = [ep("A", "2015-01-01", "2019-01-01", rne="L", rec="X1"), ep("A", "2019-01-01", rne="U")]
    assert _long_term(rows) == (1, 1, 100.0)


def test_long_term_adoption_placement_counts_from_the_placement_before_it():
    rows = [
        ep("A", "2015-01-01", "2016-06-01", rec="X1"),
        ep("A", "2016-06-01", "2019-11-01", rne="P", place="U5", rec="X1"),  # began before 31/3/2018
        ep("A", "2019-11-01", rne="P", place="A4"),  # adoption placement, recent
    ]
    assert _long_term(rows) == (1, 1, 100.0)
    rows[1] = ep("A", "2018-06-01", "2019-11-01", rne="P", place="U5", rec="X1")  # began too late
    assert _long_term(rows) == (1, 0, 0.0)


def test_long_term_adoption_begin_is_the_adoption_placements_own_begin_then_the_one_before():
    rows = [
        ep("A", "2015-01-01", "2018-06-01", rec="X1"),  # placement before the adoption placement
        ep("A", "2018-06-01", "2019-01-01", rne="P", place="A3", rec="X1"),  # adoption placement begins
        ep("A", "2019-01-01", rne="L", place="A3"),  # open episode: same placement, new legal status
    ]
    assert _long_term(rows) == (1, 1, 100.0)


def test_long_term_adoption_with_no_earlier_new_placement_uses_earliest_held_episode():
    rows = [
        ep("A", "2015-01-01", "2018-06-01", rne="L", rec="X1"),  # earliest held (not a new placement)
        ep("A", "2018-06-01", rne="P", place="A5"),
    ]
    assert _long_term(rows) == (1, 1, 100.0)
    rows = [ep("B", "2015-01-01", place="A5")]  # the adoption placement is the only episode
    assert _long_term(rows) == (1, 1, 100.0)


def test_long_term_pct_blank_when_nobody_eligible():
    assert _long_term([ep("A", "2019-01-01")]) == (0, 0, None)


# ---- distance ---------------------------------------------------------------------------------------


def test_distance_over_20_is_strictly_more_than_20():
    rows = [
        ep("exact", "2019-06-01", distance=20.0),
        ep("over", "2019-06-01", distance=20.01),
        ep("under", "2019-06-01", distance=19.99),
        ep("unknown", "2019-06-01"),
        ep("far_but_left", "2019-06-01", "2019-08-01", distance=80.0),
    ]
    result = run(rows)
    assert result["distance_known_count"] == 3
    assert result["distance_over_20_count"] == 1
    assert result["distance_over_20_pct"] == 33.3


def test_distance_from_the_open_episode_and_blank_pct_when_none_known():
    rows = [ep("A", "2018-06-01", "2019-06-01", distance=50.0, rec="X1"), ep("A", "2019-06-01", rne="P")]
    result = run(rows)
    assert (result["distance_known_count"], result["distance_over_20_count"]) == (0, 0)
    assert result["distance_over_20_pct"] is None


# ---- output shape, types, missing forms -------------------------------------------------------------


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


def test_same_place_and_pl_post_without_a_temporary_placement_between_is_a_new_placement():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", place="K2", key="k2", rec="X1"),
        ep("A", "2019-07-01", rne="P", place="K2", key="k2"),  # RNE P, no temporary before: counts
    ]
    assert _placements(rows)[0] == 1
