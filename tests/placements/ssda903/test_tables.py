"""tables: the 903 tables recognised by their columns, values cleaned, and the limits (settings where
Django is configured)."""

import numpy as np
import pandas as pd

from placements.ssda903 import tables
from placements.ssda903.read import read_return
from placements.ssda903.tables import (
    TABLE_COLUMNS,
    WIDEST_TABLE,
    RawReturn,
    clean_frame,
    limit,
    recognise,
    too_large,
)

from .util import HEADER, errors


def test_columns_and_values_are_stripped_and_upper_cased():
    text = " child , Sex,DOB ,ETHNIC,UPN,MOTHER,MC_DOB\n 1001 , 1 ,01/01/2010,WBRI,,,\n,,,,,,\n"
    raw = read_return([("h.csv", text.encode())])
    df = raw.tables["Header"]
    assert list(df.columns) == list(TABLE_COLUMNS["Header"])
    assert df.loc[0, "CHILD"] == "1001" and df.loc[0, "SEX"] == "1"
    assert len(df) == 1  # the all-blank row is dropped


def test_wrong_columns_name_found_columns_and_nearest_table():
    text = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n1,01/01/2020,S,C2,U1,,\n"
    raw = read_return([("episodes.csv", text.encode())])
    [problem] = raw.problems
    assert problem.severity == "error"
    assert "CHILD, DECOM, RNE, LS, PLACE, DEC, REC" in problem.message
    assert "nearest table is Episodes" in problem.message
    assert "CIN" in problem.message and "PLACE_PROVIDER" in problem.message
    assert raw.tables == {}


def test_the_widest_table_is_episodes_with_its_optional_columns():
    assert WIDEST_TABLE == 16


def test_rows_per_table_are_capped_and_the_cap_is_a_setting(settings):
    settings.SSDA903_MAX_ROWS = 2
    ok = (HEADER + "\n" + "1,1,01/01/2010,WBRI,,,\n2,1,01/01/2010,WBRI,,,\n").encode()
    assert errors(read_return([("header.csv", ok)])) == []
    too_many = ok + b"3,1,01/01/2010,WBRI,,,\n"
    [p] = errors(read_return([("header.csv", too_many)]))
    assert p.message == "header.csv has 3 rows; at most 2 are accepted in one table. Is this the right file?"


def test_a_limit_is_the_module_constant_unless_a_setting_overrides_it(settings):
    assert limit("MAX_ROWS") == tables.MAX_ROWS
    settings.SSDA903_MAX_ROWS = 5
    assert limit("MAX_ROWS") == 5


def test_a_table_is_recognised_by_its_columns_in_any_order():
    columns = [*reversed(TABLE_COLUMNS["Episodes"]), "PL_DISTANCE"]
    assert recognise("e.csv", columns, strict=True) == ("Episodes", [], None)


def test_columns_beyond_a_table_are_named_to_be_dropped():
    assert recognise("h.csv", [*TABLE_COLUMNS["Header"], "NOTES"], strict=True) == ("Header", ["NOTES"], None)


def test_a_column_named_twice_is_an_error():
    table, _, problem = recognise("h.csv", ["CHILD", "CHILD.1", "SEX"], strict=True)
    assert table is None and problem.message == "h.csv: column(s) CHILD appear more than once"


def test_an_unknown_table_is_an_error_in_a_file_and_a_warning_in_a_workbook():
    _, _, in_file = recognise("notes.csv", ["NOTES"], strict=True)
    _, _, in_sheet = recognise("r.xlsx, sheet Notes", ["NOTES"], strict=False)
    assert (in_file.severity, in_sheet.severity) == ("error", "warning")
    assert "so it was ignored" in in_sheet.message


def test_clean_frame_drops_empty_unnamed_columns_and_blank_rows():
    df = pd.DataFrame({" child ": [" 1 ", None, "  "], "Unnamed: 1": [None, None, None]}, dtype=object)
    out = clean_frame(df)
    assert list(out.columns) == ["CHILD"] and out["CHILD"].tolist() == ["1"]


def test_row_numbers_are_the_rows_a_person_sees():
    raw = RawReturn(first_row={"Episodes": 1})
    assert raw.row_numbers("Episodes", [0, 4]).tolist() == [1, 5]
    assert raw.row_numbers("Header", pd.Index([0])).tolist() == [2]  # a CSV's first data row
    assert raw.row_numbers("Header", np.array([], dtype=int)).tolist() == []


def test_a_file_too_large_is_named_with_the_limit():
    assert too_large("huge.csv").message == "huge.csv: file is larger than 60 MB and was not read"
