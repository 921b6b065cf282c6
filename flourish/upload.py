"""Bulk upload of measure values: read a CSV or XLSX in long format and check every row (no ORM).

Columns: measure_code, period, area, value, provisional, note (provisional and note may be blank;
area defaults to Norfolk). Every problem is reported with its row (as numbered in a spreadsheet, the
header being row 1), column and value; the service writes nothing unless there are none.

Absurd shapes are refused before the rows are read: more than MAX_COLUMNS columns is one problem (not
one per unknown column), and at most MAX_ROWS + 1 rows are read (the check then says there are too many).
A workbook whose sheet declares more cells than that could hold is not read at all.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import zipfile
from dataclasses import dataclass
from datetime import date

from flourish.periods import HELP as PERIOD_HELP
from flourish.periods import period_end
from sufficiency.spreadsheets import most_declared_cells

COLUMNS = ["measure_code", "period", "area", "value", "provisional", "note"]
REQUIRED = ["measure_code", "period", "value"]
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0", ""}
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 20  # the format has 6; a few more (notes, blank columns) are reported by name
MAX_DECLARED_CELLS = 1_000_000  # a full values file is 20,001 rows of 6 cells


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class UploadRow:
    row: int
    measure_code: str
    period: str
    period_end: date
    area: str
    value: float
    provisional: bool
    note: str


def read_table(content: bytes, filename: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (as strings) of a CSV (UTF-8, with or without BOM) or XLSX file.

    Rows are not read when the header has more than MAX_COLUMNS columns, and at most MAX_ROWS + 1 are
    read: `check_rows` reports either shape as one problem. Raises ValueError for a file that cannot be
    read (an unreadable workbook, one declaring an absurd size, text that is not UTF-8).
    """
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    first = next(reader, None)
    if first is None:
        return [], []
    header = [h.strip() for h in first]
    if len(header) > MAX_COLUMNS:
        return header, []
    rows = [
        {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        for cells in itertools.islice(reader, MAX_ROWS + 1)
    ]
    return header, rows


def _declared_cells(content: bytes) -> int:
    """The most cells any sheet of the workbook declares (its <dimension>, in the sheet's first bytes)."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return most_declared_cells(zf)


def _read_xlsx(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    import pandas as pd
    from python_calamine import CalamineWorkbook

    # Loading a sheet makes room for every cell in its range: refuse a range no values file needs (a
    # declared size counts formatted empty cells too, hence the margin) before loading anything.
    if _declared_cells(content) > MAX_DECLARED_CELLS:
        raise ValueError("The workbook's sheet is far larger than a values file")
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    sheet = book.get_sheet_by_index(0)
    if sheet.width > MAX_COLUMNS:
        first = sheet.to_python(nrows=1)
        return [("" if c is None else str(c)).strip() for c in (first[0] if first else [])], []
    book.close()
    frame = pd.read_excel(
        io.BytesIO(content), engine="calamine", dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1
    )
    header = [str(c).strip() for c in frame.columns]
    rows = [
        {h: ("" if v is None else str(v)).strip() for h, v in zip(header, rec, strict=False)}
        for rec in frame.itertuples(index=False, name=None)
    ]
    return header, rows


def check_rows(
    header: list[str], rows: list[dict[str, str]], *, measures: dict[str, bool], default_area: str = "Norfolk"
) -> tuple[list[UploadRow], list[Problem]]:
    """Check the table; `measures` maps each known measure code to True when its values are entered here
    (False for placement-linked measures). Returns the good rows and every problem."""
    problems: list[Problem] = []
    if len(header) > MAX_COLUMNS:
        return [], [
            Problem(
                1,
                "",
                f"{len(header):,} columns",
                f"The file has {len(header):,} columns; a values file has at most {len(COLUMNS)} "
                f"({', '.join(COLUMNS)}). Is this the right file?",
            )
        ]
    missing = [c for c in REQUIRED if c not in header]
    for column in missing:
        problems.append(Problem(1, column, "", f"The column {column} is missing from the header row."))
    unknown = [c for c in header if c and c not in COLUMNS]
    for column in unknown:
        problems.append(Problem(1, column, column, f"Unknown column. Use only: {', '.join(COLUMNS)}."))
    if missing:
        return [], problems
    if not rows:
        problems.append(Problem(None, "", "", "The file has no rows under the header."))
    if len(rows) > MAX_ROWS:
        problems.append(Problem(None, "", str(len(rows)), f"The file has more than {MAX_ROWS} rows."))
        return [], problems
    good: list[UploadRow] = []
    seen: dict[tuple, int] = {}
    for i, raw in enumerate(rows, start=2):
        if not any(raw.values()):
            continue
        before = len(problems)
        code = raw.get("measure_code", "")
        if not code:
            problems.append(Problem(i, "measure_code", "", "Enter the measure code."))
        elif code not in measures:
            problems.append(Problem(i, "measure_code", code, "No measure has this code."))
        elif not measures[code]:
            problems.append(
                Problem(i, "measure_code", code, "This measure's values come from the placements app.")
            )
        period = " ".join(raw.get("period", "").split())
        end = period_end(period)
        if end is None:
            problems.append(Problem(i, "period", period, PERIOD_HELP if period else "Enter the period."))
        text = raw.get("value", "")
        value = None
        try:
            value = float(text.replace(",", ""))
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            problems.append(Problem(i, "value", text, "Enter the value as a number, like 54 or 20.1."))
        flag = raw.get("provisional", "").lower()
        if flag not in TRUE | FALSE:
            problems.append(
                Problem(i, "provisional", raw.get("provisional", ""), "Enter yes, no or leave blank.")
            )
        area = raw.get("area", "") or default_area
        if len(area) > 100:
            problems.append(Problem(i, "area", area[:40] + "…", "Area must be 100 characters or fewer."))
        note = raw.get("note", "")
        if len(note) > 4000:
            problems.append(Problem(i, "note", note[:40] + "…", "Note must be 4000 characters or fewer."))
        key = (code, period, area)
        if key in seen:
            problems.append(
                Problem(i, "period", period, f"This measure, period and area are already in row {seen[key]}.")
            )
        seen.setdefault(key, i)
        if len(problems) == before:
            good.append(UploadRow(i, code, period, end, area, value, flag in TRUE, note))
    return good, problems
