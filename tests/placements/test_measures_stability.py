"""The SSDA903 placement rules (placements/measures.py): placements in the year, returns after temporary
placements, stability, long-term stability and distance from home; one hand-built case per rule.

Collection year 2020 throughout unless said: start(Y) = 1 April 2019, ref(Y) = 31 March 2020.
"""

from __future__ import annotations

from tests.placements.measure_cases import ep, header, run


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


def test_same_place_and_pl_post_without_a_temporary_placement_between_is_a_new_placement():
    rows = [
        ep("A", "2019-05-01", "2019-06-01", rec="X1"),
        ep("A", "2019-06-01", "2019-07-01", rne="P", place="K2", key="k2", rec="X1"),
        ep("A", "2019-07-01", rne="P", place="K2", key="k2"),  # RNE P, no temporary before: counts
    ]
    assert _placements(rows)[0] == 1
