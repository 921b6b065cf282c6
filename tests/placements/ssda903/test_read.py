"""Reading uploads: each file's form told by its content, tables gathered one per 903 table, and every bad
input a clear Problem, never an exception (each form's own reading is tested beside its module)."""

import io
import zipfile

import pytest

from placements.ssda903.read import MAX_UPLOAD_BYTES, TABLE_COLUMNS, read_return

from .util import HEADER, errors, sample_files


def test_sample_csvs_are_recognised_by_columns_not_names():
    files = [(f"file{i}.txt", content) for i, (_, content) in enumerate(sample_files())]
    raw = read_return(files)
    assert raw.problems == []
    assert set(raw.tables) == {"Header", "Episodes", "UASC"}
    ep = raw.tables["Episodes"]
    assert list(ep.columns) == [*TABLE_COLUMNS["Episodes"], "PL_DISTANCE"]
    assert len(ep) == 5
    assert ep.loc[2, "DEC"] != ep.loc[2, "DEC"]  # blank → missing (NaN)
    assert all(isinstance(v, str) for v in ep["CHILD"])
    assert raw.first_row["Episodes"] == 2


def test_extra_columns_are_ignored_with_a_warning():
    text = HEADER + ",NOTES\n1001,1,01/01/2010,WBRI,,,,hello\n"
    raw = read_return([("h.csv", text.encode())])
    assert "NOTES" not in raw.tables["Header"].columns
    assert [p.severity for p in raw.problems] == ["warning"]


@pytest.mark.parametrize("content", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_empty_file(content):
    raw = read_return([("episodes.csv", content)])
    assert [p.message for p in raw.problems] == ["episodes.csv: the file is empty"]


def test_no_files():
    assert errors(read_return([]))


def test_non_spreadsheet_renamed_xlsx():
    raw = read_return([("return.xlsx", b"CHILD,SEX\n1,2\n")])
    [problem] = raw.problems
    assert problem.severity == "error"
    assert "not an Excel workbook" in problem.message and "renamed" in problem.message


def test_zip_renamed_xlsx_and_damaged_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    raw = read_return([("return.xlsx", buf.getvalue())])
    assert "without a workbook" in errors(raw)[0].message
    raw = read_return([("return.zip", b"PK\x03\x04garbage")])
    assert "damaged" in errors(raw)[0].message


def test_old_xls_and_binary_junk():
    assert (
        "old-style Excel"
        in errors(read_return([("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)]))[0].message
    )
    assert "binary data" in errors(read_return([("a.csv", b"\x00\x01\x02abc" * 10)]))[0].message


def test_file_larger_than_limit():
    big = io.BytesIO(b"x" * (MAX_UPLOAD_BYTES + 1))
    raw = read_return([("huge.csv", big)])
    assert raw.problems[0].message == "huge.csv: file is larger than 60 MB and was not read"


def test_two_files_for_the_same_table():
    files = sample_files()
    header = next(c for n, c in files if n == "header.csv")
    raw = read_return([*files, ("copy.csv", header)])
    assert any("both look like the Header table" in p.message for p in errors(raw))
