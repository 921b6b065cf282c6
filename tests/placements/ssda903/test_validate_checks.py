"""validate_checks: dates read, problems gathered (errors first, capped) and the checks every table uses:
required values, real dates, valid codes."""

import numpy as np
import pandas as pd
import pytest

from placements.ssda903 import codes
from placements.ssda903.tables import RawReturn
from placements.ssda903.validate import MAX_PROBLEMS, validate_return
from placements.ssda903.validate_checks import (
    Collector,
    check_code,
    check_lengths,
    end_text,
    parse_dates,
    required_table,
)

from .util import episode, errors, header, make_return, only_error


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


def test_required_fields():
    raw = make_return([episode(cin="", place="")])
    found = errors(validate_return(raw, 2024))
    assert {p.column for p in found} == {"CIN", "PLACE"}
    assert all("is blank" in p.message for p in found)


def test_problems_are_capped():
    n = MAX_PROBLEMS + 500
    raw = make_return([episode(child=str(i), decom="31/02/2023") for i in range(n)])
    found = validate_return(raw, 2024)
    assert len(found) == MAX_PROBLEMS + 1
    assert "500 more problems" in found[-1].message


def test_validation_is_vectorised_over_bad_rows_too():
    n = 50_000
    rows = [episode(child=str(i), decom="01/05/2023", place="U9") for i in range(n)]
    raw = make_return(rows)
    found = validate_return(raw, 2024)
    assert len(found) == MAX_PROBLEMS + 1
    assert np.all([p.value == "U9" for p in found[:-1]])
    assert f"{n - MAX_PROBLEMS:,} more problems" in found[-1].message


def test_problems_are_listed_whole_ones_first_then_errors_by_table_and_row_then_warnings():
    c = Collector(RawReturn())
    c.add("warning", "Header", pd.Series([True, False, False]), "SEX", None, "w")
    c.add("error", "Episodes", pd.Series([False, True, True]), "DECOM", None, "e1")
    c.add("error", "Header", pd.Series([False, False, True]), "DOB", None, "e2")
    c.whole("error", None, "whole")
    assert [(p.message, p.table, p.row) for p in c.problems()] == [
        ("whole", None, None),
        ("e2", "Header", 4),
        ("e1", "Episodes", 3),
        ("e1", "Episodes", 4),
        ("w", "Header", 2),
    ]


def test_a_code_check_ignores_case_and_lists_the_valid_codes():
    c = Collector(RawReturn())
    check_code(c, "Header", pd.DataFrame({"SEX": ["m", "X", None]}), "SEX", codes.SEX, "SEX")
    [p] = c.problems()
    assert (p.row, p.value) == (3, "X") and "expected one of 1, 2, F, M, U" in p.message


def test_values_longer_than_the_portal_stores_are_refused():
    c = Collector(RawReturn())
    check_lengths(c, "Episodes", pd.DataFrame({"URN": ["SC123456", "SC12345678901"]}))
    [p] = c.problems()
    assert (p.row, p.column) == (3, "URN") and "at most 10 characters" in p.message


def test_end_text_names_the_collection_year_and_its_last_day():
    assert end_text(2024) == "the end of the 2023/24 collection year (31/03/2024)"


def test_a_required_table_missing_a_column_is_one_problem():
    raw = RawReturn(tables={"Header": pd.DataFrame({"CHILD": ["1"], "SEX": ["1"]})})
    c = Collector(raw)
    assert required_table(c, raw, "Header") is None
    [p] = c.problems()
    assert p.message == "The Header table is missing column(s) DOB, ETHNIC, UPN, MOTHER, MC_DOB"


def test_a_problem_quoting_a_value_names_the_column_and_the_value():
    df = pd.DataFrame({"PLACE": ["U4", "U9"]})
    c = Collector(RawReturn())
    c.quoting("error", "Episodes", df["PLACE"] == "U9", df, "PLACE", "is not a valid placement code")
    [p] = c.problems()
    assert (p.row, p.column, p.value) == (3, "PLACE", "U9")
    assert p.message == "PLACE 'U9' is not a valid placement code"
