"""The declared size of a workbook's sheets, read before any cell is loaded (shared by the SSDA903 reader
and the FLOURISH values upload)."""

import io
import zipfile

import pytest

from sufficiency.spreadsheets import column_number, declared_size, most_declared_cells, worksheets


def _workbook(**sheets: str) -> zipfile.ZipFile:
    """A zip with worksheet parts whose first bytes hold the given <dimension ref=...> (None: no range)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for name, ref in sheets.items():
            dimension = f'<dimension ref="{ref}"/>' if ref else ""
            zf.writestr(f"xl/worksheets/{name}.xml", f'<?xml version="1.0"?><worksheet>{dimension}</worksheet>')
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


@pytest.mark.parametrize(("letters", "number"), [(b"A", 1), (b"Z", 26), (b"AA", 27), (b"XFD", 16384)])
def test_column_number(letters, number):
    assert column_number(letters) == number


def test_declared_size_counts_columns_and_rows_with_the_header():
    zf = _workbook(sheet1="A1:F20001", sheet2="B3:C3", sheet3="A1", sheet4=None)
    parts = {i.filename.split("/")[-1]: i for i in worksheets(zf.infolist())}
    assert set(parts) == {"sheet1.xml", "sheet2.xml", "sheet3.xml", "sheet4.xml"}  # not workbook.xml
    assert declared_size(zf, parts["sheet1.xml"]) == (6, 20001)
    assert declared_size(zf, parts["sheet2.xml"]) == (2, 1)
    assert declared_size(zf, parts["sheet3.xml"]) == (1, 1)
    assert declared_size(zf, parts["sheet4.xml"]) is None


def test_most_declared_cells_is_the_largest_sheet():
    assert most_declared_cells(_workbook(a="A1:B2", b="A1:XFD1048576")) == 16384 * 1048576
    assert most_declared_cells(_workbook(a=None)) == 0
