"""Read an uploaded SSDA903 return into raw tables of strings, reporting every problem instead of raising.

Accepted forms (recognised by content, not by file name):

- one or more CSV files, each recognised as a table by its set of column names;
- a zip of CSV files (paths are checked; total size, expansion ratio and member count are capped);
- one .xlsx workbook with a sheet per table (sheets recognised by their columns too);
- one XML file in the DfE form (root EXPSSDA903, one CHILD element per child).

Absurd shapes are refused before the whole file is parsed, each with one error naming the file: more
columns than MAX_COLUMNS (checked on the CSV's first line, a sheet's declared and actual size), a line
longer than MAX_LINE_BYTES, more than MAX_ROWS rows in a table, more than MAX_FILES files, MAX_SHEETS
sheets or MAX_ZIP_MEMBERS zip members, a zip member that expands more than MAX_ZIP_RATIO times, and XML
with more than MAX_XML_ELEMENTS elements or nested deeper than MAX_XML_DEPTH. Reading also stops, with
an error, once it has taken MAX_READ_SECONDS. Each limit can be overridden by a Django setting named
SSDA903_<LIMIT> (SSDA903_MAX_ROWS, ...) where Django is configured.

Every value is a string with surrounding spaces removed; empty cells are missing (NaN). Column names are
upper-cased and stripped. Nothing here needs Django.

Row numbers in problems are the numbers a person sees: for CSV files and spreadsheet sheets, the
spreadsheet row (the column-name row is row 1, so the first data row is row 2); for XML, the record's
position among that table's records (the first EPISODE element is row 1).

The tables, limits and problem types are in `tables`; each form has its own module (`read_csv`,
`read_xlsx`, `read_zip`, `read_xml`); this module recognises the form and gathers the tables.
"""

from __future__ import annotations

import io
import time
import zipfile
from typing import BinaryIO

import pandas as pd

from placements.ssda903.read_csv import BOM, read_csv
from placements.ssda903.read_xlsx import check_workbook, read_workbook
from placements.ssda903.read_xml import read_xml
from placements.ssda903.read_zip import zip_members
from placements.ssda903.tables import (
    MAX_COLUMNS,
    MAX_FILES,
    MAX_LINE_BYTES,
    MAX_READ_SECONDS,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UPLOAD_BYTES,
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_BYTES,
    OPTIONAL_COLUMNS,
    TABLE_COLUMNS,
    WIDEST_TABLE,
    Problem,
    RawReturn,
    clean_frame,
    error,
    limit,
    number,
    recognise,
    shape_problem,
    too_large,
    warning,
)

__all__ = [
    "MAX_COLUMNS",
    "MAX_FILES",
    "MAX_LINE_BYTES",
    "MAX_READ_SECONDS",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_UPLOAD_BYTES",
    "MAX_XML_DEPTH",
    "MAX_XML_ELEMENTS",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_TOTAL_BYTES",
    "OPTIONAL_COLUMNS",
    "TABLE_COLUMNS",
    "WIDEST_TABLE",
    "Problem",
    "RawReturn",
    "limit",
    "read_return",
]

_XLSX_NAMES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class _TooSlow(Exception):
    """Reading has used up its time (MAX_READ_SECONDS)."""


class _Reader:
    def __init__(self) -> None:
        self.result = RawReturn()
        self.deadline = time.monotonic() + limit("MAX_READ_SECONDS")

    def check_time(self) -> None:
        """Raise _TooSlow once reading has taken MAX_READ_SECONDS (called between files, tables, records)."""
        if time.monotonic() > self.deadline:
            raise _TooSlow

    # ---- bytes in ---------------------------------------------------------------------------------------

    def add_file(self, name: str, content: bytes | BinaryIO) -> None:
        self.check_time()
        display = name or "(unnamed file)"
        if isinstance(content, bytes | bytearray | memoryview):
            data = bytes(content)
        else:
            data = content.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            self.result.problems.append(too_large(display))
            return
        self.add_bytes(display, data, top_level=True)

    def add_bytes(self, name: str, data: bytes, *, top_level: bool) -> None:
        problems = self.result.problems
        if not data.strip(b" \t\r\n\x00").removeprefix(BOM).strip():
            problems.append(error(f"{name}: the file is empty"))
            return
        lower = name.lower()
        if data.startswith(_ZIP_MAGIC):
            if not top_level:
                problems.append(error(f"{name}: a zip or workbook inside a zip file is not supported"))
                return
            self._zip_or_xlsx(name, data)
            return
        if data.startswith(_OLE_MAGIC):
            problems.append(
                error(
                    f"{name}: this is an old-style Excel (.xls) or other Office file, which cannot be read. "
                    "Save it as an .xlsx workbook or as CSV files"
                )
            )
            return
        if lower.endswith(_XLSX_NAMES):
            problems.append(
                error(
                    f"{name}: the name says it is a spreadsheet but the file is not an Excel workbook "
                    "(it may have been renamed). Upload the .xlsx workbook itself, or CSV files"
                )
            )
            return
        head = data[:4096].removeprefix(BOM).lstrip()
        if head.startswith(b"<"):
            self._xml(name, data)
            return
        if b"\x00" in data[:8192]:
            problems.append(
                error(f"{name}: this does not look like a CSV, XML or Excel file (it contains binary data)")
            )
            return
        self._csv(name, data)

    # ---- zip and xlsx ---------------------------------------------------------------------------------

    def _zip_or_xlsx(self, name: str, data: bytes) -> None:
        problems = self.result.problems
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            problems.append(
                error(f"{name}: the file is damaged and cannot be opened as a zip or .xlsx ({exc})")
            )
            return
        names = {i.filename for i in infos}
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            readable, to_measure = check_workbook(name, zf, infos, problems)
            if readable:
                for label, df in read_workbook(name, data, to_measure, problems, self.check_time).items():
                    self._add_table(label, df, first_row=2, strict=False)
            return
        if name.lower().endswith(_XLSX_NAMES):
            problems.append(
                error(
                    f"{name}: the name says it is a spreadsheet but the file is a zip without a workbook in it "
                    "(it may have been renamed)"
                )
            )
            return
        for label, content in zip_members(name, zf, infos, problems, self.check_time):
            self.add_bytes(label, content, top_level=False)

    # ---- xml and csv ------------------------------------------------------------------------------------

    def _xml(self, name: str, data: bytes) -> None:
        for table, df in read_xml(name, data, self.result.problems, self.check_time).items():
            self._add_table(f"{name} ({table})", df, first_row=1, strict=True, known=table)

    def _csv(self, name: str, data: bytes) -> None:
        df = read_csv(name, data, self.result.problems)
        if df is not None:
            self._add_table(name, df, first_row=2, strict=True)

    # ---- tables -----------------------------------------------------------------------------------------

    def _add_table(
        self, label: str, df: pd.DataFrame, *, first_row: int, strict: bool, known: str | None = None
    ) -> None:
        problems = self.result.problems
        problem = shape_problem(label, df.shape[1], len(df))
        if problem is not None:
            problems.append(problem)
            return
        df = clean_frame(df)
        columns = list(df.columns)
        if known is not None:
            table, extra = known, []
        else:
            table, extra, problem = recognise(label, columns, strict=strict)
            if problem is not None:
                problems.append(problem)
            if table is None:
                return
        if table in self.result.tables:
            problems.append(
                error(
                    f"{label} and {self.result.sources[table]} both look like the {table} table: "
                    "upload one file per table",
                    table,
                )
            )
            return
        if extra:
            problems.append(
                warning(
                    f"{label}: column(s) {', '.join(extra)} are not part of the {table} table and were ignored",
                    table,
                )
            )
            df = df.drop(columns=extra)
        if not len(df):
            problems.append(warning(f"{label}: the {table} table has no rows", table))
        self.result.tables[table] = df
        self.result.sources[table] = label
        self.result.first_row[table] = first_row


def read_return(files: list[tuple[str, bytes | BinaryIO]]) -> RawReturn:
    """Read uploaded files (name, content) into raw 903 tables of strings. Never raises for bad input:
    every problem (empty file, unknown columns, unsafe zip, not a spreadsheet...) is in `.problems`."""
    reader = _Reader()
    problems = reader.result.problems
    if not files:
        problems.append(error("No files were uploaded"))
    if len(files) > limit("MAX_FILES"):
        problems.append(
            error(
                f"{number(len(files))} files were uploaded; at most {limit('MAX_FILES')} are accepted "
                "(a 903 return has at most 11 tables). Nothing was read"
            )
        )
        return reader.result
    try:
        for name, content in files:
            reader.add_file(name, content)
    except _TooSlow:
        seconds = limit("MAX_READ_SECONDS")
        problems.append(
            error(
                f"Reading the files took longer than {seconds:,.0f} seconds, so it was stopped and nothing was "
                "imported. Check that these are the 903 files (a return reads in well under a minute)"
            )
        )
    return reader.result
