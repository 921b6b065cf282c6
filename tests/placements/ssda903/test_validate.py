"""validate_return: each rule gives a located, plainly worded problem; good returns give none."""


import numpy as np
import pandas as pd
import pytest

from placements.ssda903 import codes
from placements.ssda903.read import read_return
from placements.ssda903.validate import MAX_PROBLEMS, parse_dates, validate_return

from .util import FAKE, episode, header, make_return, sample_files


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def only_error(raw, year=2024):
    found = errors(validate_return(raw, year))
    assert len(found) == 1, found
    return found[0]


def test_sample_return_is_clean():
    assert validate_return(read_return(sample_files()), 2024) == []


def test_parse_dates():
    s = pd.Series(
        [
            "31/02/2020",
            "01/02/2020",
            "2020-02-01",
            "2020-02-01 00:00:00",
            None,
            "soon",
            "1/2/1850",
            "1/2/2020",
        ]
    )
    out = parse_dates(s)
    assert out.isna().tolist() == [True, False, False, False, True, True, True, False]
    assert (out[[1, 2, 3, 7]] == pd.Timestamp("2020-02-01")).all()


def test_impossible_date():
    p = only_error(make_return([episode(decom="31/02/2020")]))
    assert (p.table, p.row, p.column, p.value) == ("Episodes", 2, "DECOM", "31/02/2020")
    assert p.message == "DECOM '31/02/2020' is not a real date (expected DD/MM/YYYY)"


def test_iso_dates_are_accepted():
    raw = make_return([episode(decom="2023-05-01", dec="2023-06-01", rec="E4A")], [header(dob="2012-03-14")])
    assert validate_return(raw, 2024) == []


@pytest.mark.parametrize(
    ("column", "kwargs"),
    [
        ("RNE", {"rne": "Q"}),
        ("LS", {"ls": "C9"}),
        ("CIN", {"cin": "N9"}),
        ("PLACE", {"place": "U9"}),
        ("PLACE_PROVIDER", {"provider": "PR9"}),
        ("REC", {"dec": "01/06/2023", "rec": "E99"}),
    ],
)
def test_unknown_codes(column, kwargs):
    p = only_error(make_return([episode(**kwargs)]))
    assert p.column == column and p.row == 2
    assert "is not a valid" in p.message


def test_codes_are_case_insensitive():
    raw = make_return(
        [episode(rne="s", ls="c2", cin="n1", place="u4", provider="pr1", dec="01/06/2023", rec="e4a")]
    )
    assert validate_return(raw, 2024) == []


def test_sex_codes_both_forms():
    raw = make_return([episode(child="1"), episode(child="2"), episode(child="3")],
                      [header("1", sex="1"), header("2", sex="f"), header("3", sex="X")])  # fmt: skip
    p = only_error(raw)
    assert (p.table, p.column, p.value, p.row) == ("Header", "SEX", "X", 4)


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


def test_required_fields():
    raw = make_return([episode(cin="", place="")])
    found = errors(validate_return(raw, 2024))
    assert {p.column for p in found} == {"CIN", "PLACE"}
    assert all("is blank" in p.message for p in found)


def test_required_tables():
    raw = read_return([("header.csv", dict(sample_files())["header.csv"])])
    found = errors(validate_return(raw, 2024))
    assert [p.table for p in found] == ["Episodes"] and "no Episodes table" in found[0].message


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


def test_uasc_child_not_in_header_is_a_warning():
    files = sample_files() + [("u2.csv", b"CHILD,SEX,DOB,DUC\n")]
    files = [(n, c) for n, c in files if n != "uasc.csv"] + [
        ("uasc.csv", b"CHILD,SEX,DOB,DUC\n7777,1,01/01/2008,01/01/2026\n")
    ]
    found = validate_return(read_return([f for f in files if f[0] != "u2.csv"]), 2024)
    assert [(p.severity, p.table, p.value) for p in found] == [("warning", "UASC", "7777")]


def test_fake_third_party_return_is_refused_cleanly_with_located_problems():
    raw = read_return([(p.name, p.read_bytes()) for p in sorted(FAKE.glob("*.csv"))])
    found = validate_return(raw, 2018)
    errs = errors(found)
    assert errs, "the fake return is full of problems"
    assert len(found) <= MAX_PROBLEMS + 1
    located = [p for p in found if p.row is not None]
    assert all(p.table and p.column for p in located)
    assert found[0].severity == "error"  # errors are listed first
    kinds = {p.column for p in errs}
    assert {"REC", "DECOM"} <= kinds
    xml = read_return([("fake_903.xml", (FAKE / "fake_903.xml").read_bytes())])
    assert errors(validate_return(xml, 2018))


def test_problems_are_capped():
    n = MAX_PROBLEMS + 500
    raw = make_return([episode(child=str(i), decom="31/02/2023") for i in range(n)])
    found = validate_return(raw, 2024)
    assert len(found) == MAX_PROBLEMS + 1
    assert "500 more problems" in found[-1].message


def test_a_national_scale_clean_return_has_no_errors():
    """Speed is measured by benchmarks/bench_pipeline.py, not here."""
    from placements.ssda903.synthetic import generate_return

    tables = generate_return(children=140_000, first_year=2024, last_year=2024, seed=3)[2024]
    assert len(tables["Episodes"]) >= 250_000
    files = [(f"{k}.csv", v.to_csv(index=False).encode()) for k, v in tables.items()]
    raw = read_return(files)
    found = validate_return(raw, 2024)
    assert errors(found) == []


def test_validation_is_vectorised_over_bad_rows_too():
    n = 50_000
    rows = [episode(child=str(i), decom="01/05/2023", place="U9") for i in range(n)]
    raw = make_return(rows)
    found = validate_return(raw, 2024)
    assert len(found) == MAX_PROBLEMS + 1
    assert np.all([p.value == "U9" for p in found[:-1]])
    assert f"{n - MAX_PROBLEMS:,} more problems" in found[-1].message
