"""Reading uploaded workbooks safely: the size each sheet declares, read before any cell is loaded.

Loading a sheet (calamine, openpyxl) makes room for every cell of its range, so a small file declaring a
range of millions of cells can exhaust memory. An XLSX sheet states its range in a <dimension> element
among its first bytes; the SSDA903 reader and the FLOURISH values upload both check it first.
A declared range counts formatted empty cells too, so it is an upper bound on the true size.
"""

from __future__ import annotations

import re
import zipfile

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def column_number(letters: bytes) -> int:
    """A column's number from its letters: A is 1, Z 26, AA 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def worksheets(infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The worksheet parts among a workbook's zip members."""
    return [i for i in infos if WORKSHEET.fullmatch(i.filename)]


def declared_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    """(columns, rows) a worksheet part declares, rows counting the first (header) row; None when it
    declares no range or the part cannot be read (the workbook reader then reports the damage)."""
    try:
        with zf.open(info) as fh:
            head = fh.read(4096)
    except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError, EOFError):
        return None
    m = DIMENSION.search(head)
    if not m:
        return None
    first_col, first_row = column_number(m[1]), int(m[2])
    last_col, last_row = (column_number(m[3]), int(m[4])) if m[3] else (first_col, first_row)
    return abs(last_col - first_col) + 1, abs(last_row - first_row) + 1


def most_declared_cells(zf: zipfile.ZipFile) -> int:
    """The most cells any sheet of the workbook declares."""
    sizes = (declared_size(zf, info) for info in worksheets(zf.infolist()))
    return max((columns * rows for columns, rows in filter(None, sizes)), default=0)
