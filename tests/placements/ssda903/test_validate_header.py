"""validate_header: the Header and UASC tables checked, each problem located."""

import pandas as pd

from placements.ssda903.read import read_return
from placements.ssda903.tables import RawReturn
from placements.ssda903.validate import validate_return
from placements.ssda903.validate_checks import Collector
from placements.ssda903.validate_header import check_header, check_uasc

from .util import episode, errors, header, make_return, only_error, sample_files


def test_sex_codes_both_forms():
    raw = make_return([episode(child="1"), episode(child="2"), episode(child="3")],
                      [header("1", sex="1"), header("2", sex="f"), header("3", sex="X")])  # fmt: skip
    p = only_error(raw)
    assert (p.table, p.column, p.value, p.row) == ("Header", "SEX", "X", 4)


def test_uasc_child_not_in_header_is_a_warning():
    files = sample_files() + [("u2.csv", b"CHILD,SEX,DOB,DUC\n")]
    files = [(n, c) for n, c in files if n != "uasc.csv"] + [
        ("uasc.csv", b"CHILD,SEX,DOB,DUC\n7777,1,01/01/2008,01/01/2026\n")
    ]
    found = validate_return(read_return([f for f in files if f[0] != "u2.csv"]), 2024)
    assert [(p.severity, p.table, p.value) for p in found] == [("warning", "UASC", "7777")]


def test_date_of_birth_after_the_end_of_the_collection_year_is_located():
    raw = make_return(
        [episode(child="1001", decom="31/03/2024"), episode(child="1002")],
        headers=[header("1001", dob="31/03/2024"), header("1002", dob="01/04/2024")],
    )
    found = errors(validate_return(raw, 2024))
    born_late = [p for p in found if p.table == "Header"]
    assert [(p.row, p.column, p.value) for p in born_late] == [(3, "DOB", "01/04/2024")]
    assert "after the end of the 2023/24 collection year (31/03/2024)" in born_late[0].message
    # The episode that starts before that birth is an error of its own.
    assert [(p.table, p.row, p.column) for p in found if p.table == "Episodes"] == [("Episodes", 3, "DECOM")]


def test_without_a_header_table_one_problem_names_the_columns_it_needs():
    c = Collector(RawReturn())
    assert check_header(c, RawReturn(), 2024, year_checks=True) == (None, None)
    [p] = c.problems()
    assert p.message.startswith("The return has no Header table (columns CHILD, SEX, DOB")


def test_a_uasc_date_that_is_not_real_is_an_error():
    raw = make_return([episode()])
    raw.tables["UASC"] = pd.DataFrame(
        {"CHILD": ["1001"], "SEX": ["1"], "DOB": ["14/03/2012"], "DUC": ["31/02/2030"]}
    )
    c = Collector(raw)
    check_uasc(c, raw, raw.tables["Header"])
    [p] = c.problems()
    assert (p.severity, p.table, p.column, p.row) == ("error", "UASC", "DUC", 2)
