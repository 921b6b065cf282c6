"""CSV cells a spreadsheet would run as formulas get a leading apostrophe; numbers and plain text do not."""

import csv
import io

import pytest

from sufficiency import csvsafe


@pytest.mark.parametrize(
    "value",
    ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", "-", "=", "+inf"],
)
def test_formula_like_text_is_made_plain(value):
    assert csvsafe.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-5", "+3.5", "-0.25", "1e3", "CHILD1", "", " =1", "Norfolk", "'=1"])
def test_numbers_and_ordinary_text_are_kept(value):
    assert csvsafe.safe_cell(value) == value


@pytest.mark.parametrize("value", [None, 12, -3.5, 0])
def test_values_that_are_not_text_are_kept(value):
    assert csvsafe.safe_cell(value) is value


def test_writer_makes_every_cell_of_every_row_safe():
    stream = io.StringIO()
    out = csvsafe.writer(stream)
    out.writerow(["CHILD", "=1+1", -2])
    out.writerows([["@me", "ok", "-7"], ["+x", None, 3]])
    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [
        ["CHILD", "'=1+1", "-2"],
        ["'@me", "ok", "-7"],
        ["'+x", "", "3"],
    ]


def test_writer_passes_csv_options_through():
    stream = io.StringIO()
    csvsafe.writer(stream, delimiter=";").writerow(["a", "=b"])
    assert stream.getvalue() == "a;'=b\r\n"
