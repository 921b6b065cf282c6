"""validate_episodes: the Episodes table checked: codes by collection year, dates against the year and
the child's birth, the sequence of each child's episodes, distances and postcodes."""

from placements.ssda903 import codes
from placements.ssda903.validate import validate_return
from placements.ssda903.validate_checks import Collector
from placements.ssda903.validate_episodes import check_episodes

from .util import episode, errors, header, make_return, only_error


def test_p2_only_before_28_october_2023():
    ok = make_return([episode(decom="27/10/2023", place="P2", provider="PR4")])
    assert validate_return(ok, 2024) == []
    p = only_error(make_return([episode(decom="28/10/2023", place="P2", provider="PR4")]))
    assert p.column == "PLACE" and "28/10/2023" in p.message


def test_k3_only_from_2024_25():
    raw = make_return([episode(decom="01/05/2023", place="K3", provider="PR4")])
    p = only_error(raw, 2024)
    assert p.column == "PLACE" and "2023/24" in p.message and "from 2024/25" in p.message
    assert validate_return(raw, 2025) == []


def test_h5_z1_until_2024_25_and_z11_from_2025_26():
    raw = make_return([episode(child="1", place="H5"), episode(child="2", place="Z1", provider="")])
    assert validate_return(raw, 2025) == []
    assert {p.value for p in errors(validate_return(raw, 2026))} == {"H5", "Z1"}
    raw = make_return([episode(place="Z12", provider="")])
    assert only_error(raw, 2025).value == "Z12"
    assert validate_return(raw, 2026) == []


def test_code_lists_by_year():
    assert "K3" not in codes.place_codes(2024) and "K3" in codes.place_codes(2025)
    assert "H5" in codes.place_codes(2025) and "H5" not in codes.place_codes(2026)
    assert {"Z11", "Z14"} <= codes.place_codes(2026) and "Z1" not in codes.place_codes(2026)
    assert {"1", "2", "M", "F", "U"} == codes.SEX


def test_dec_before_decom():
    p = only_error(make_return([episode(decom="01/05/2023", dec="01/04/2023", rec="E4A")]))
    assert p.column == "DEC" and "before the episode's start" in p.message


def test_overlapping_episodes():
    raw = make_return(
        [
            episode(decom="01/05/2023", dec="01/07/2023", rec="E4A"),
            episode(decom="01/06/2023", rne="S"),
        ]
    )
    p = only_error(raw)
    assert (p.row, p.column) == (3, "DECOM")
    assert "overlaps the child's previous episode" in p.message and "01/05/2023 to 01/07/2023" in p.message


def test_open_episode_followed_by_another_is_an_overlap():
    raw = make_return([episode(decom="01/05/2023"), episode(decom="01/06/2023")])
    p = only_error(raw)
    assert p.row == 3 and "has no end date" in p.message


def test_episodes_ending_and_starting_the_same_day_are_fine_with_or_without_x1():
    raw = make_return(
        [
            episode(decom="01/05/2023", dec="01/06/2023", rec="X1"),
            episode(decom="01/06/2023", rne="P", dec="01/07/2023", rec="E4A"),
            episode(decom="01/07/2023", rne="S"),  # a new period of care the day the last one ended
        ]
    )
    assert validate_return(raw, 2024) == []


def test_x1_without_a_next_episode_the_same_day():
    raw = make_return(
        [episode(decom="01/05/2023", dec="01/06/2023", rec="X1"), episode(decom="05/06/2023", rne="S")]
    )
    p = only_error(raw)
    assert (p.row, p.column, p.value) == (2, "REC", "X1")
    assert "no episode starting on 01/06/2023" in p.message
    p = only_error(make_return([episode(decom="01/05/2023", rec="X1")]))
    assert "has no end date" in p.message


def test_child_not_in_header():
    raw = make_return([episode(child="1001"), episode(child="9999")], [header("1001")])
    p = only_error(raw)
    assert (p.row, p.column, p.value) == (3, "CHILD", "9999")
    assert "not in the Header table" in p.message


def test_duplicate_child_decom():
    raw = make_return([episode(decom="01/05/2023", dec="01/06/2023", rec="E4A"), episode(decom="01/05/2023")])
    p = only_error(raw)
    assert p.row == 3 and "more than one episode starting on 01/05/2023" in p.message


def test_decom_after_end_of_collection_year():
    p = only_error(make_return([episode(decom="01/04/2024")]), 2024)
    assert p.column == "DECOM" and "after the end of the 2023/24 collection year (31/03/2024)" in p.message


def test_pl_distance_must_be_a_number():
    raw = make_return([episode()])
    raw.tables["Episodes"]["PL_DISTANCE"] = ["far"]
    p = only_error(raw)
    assert (p.column, p.value) == ("PL_DISTANCE", "far")


def test_unresolved_postcode_is_a_warning_showing_only_the_outward_code():
    found = validate_return(make_return([episode(home="NR1 1AA", pl="ZZ99 9ZZ")]), 2024)
    [p] = found
    assert (p.severity, p.column, p.value) == ("warning", "PL_POST", "ZZ99 ***")
    assert "9ZZ" not in p.message


def test_episode_starting_before_the_child_was_born_is_located():
    raw = make_return(
        [episode(child="1001", decom="01/05/2023"), episode(child="1002", decom="01/05/2023")],
        headers=[header("1001", dob="14/03/2012"), header("1002", dob="02/06/2023")],
    )
    [p] = errors(validate_return(raw, 2024))
    assert (p.table, p.row, p.column, p.value) == ("Episodes", 3, "DECOM", "01/05/2023")
    assert "before the child's date of birth (DOB 02/06/2023, Header row 3)" in p.message


def test_episode_starting_on_the_day_of_birth_is_fine():
    raw = make_return([episode(decom="02/06/2023")], headers=[header("1001", dob="02/06/2023")])
    assert errors(validate_return(raw, 2024)) == []


def test_episodes_are_checked_without_a_header_table():
    raw = make_return([episode(decom="01/05/2023"), episode(decom="01/05/2023")])
    c = Collector(raw)
    check_episodes(c, raw, 2024, None, None, year_checks=True)
    [p] = errors(c.problems())
    assert "more than one episode starting on 01/05/2023" in p.message


def test_the_checks_against_the_collection_year_can_be_left_out():
    raw = make_return([episode(decom="01/04/2024", place="K3", provider="PR4")])
    c = Collector(raw)
    check_episodes(c, raw, 2024, raw.tables["Header"], None, year_checks=False)
    assert errors(c.problems()) == []
