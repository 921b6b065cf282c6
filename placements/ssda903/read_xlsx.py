"""Read an uploaded .xlsx workbook of a 903 return: one table of strings per sheet.

A workbook is refused before its cells are loaded when it unpacks to more than MAX_ZIP_TOTAL_BYTES, a
part expands more than MAX_ZIP_RATIO times, it has more than MAX_SHEETS sheets, or a sheet declares more
cells than any 903 table could fill; a sheet that declares more than MAX_COLUMNS columns or MAX_ROWS
rows has its true size measured before it is read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pandas as pd

from placements.ssda903.read_zip import bomb_error, expands_too_much
from placements.ssda903.tables import (
    MAX_ZIP_TOTAL_BYTES,
    WIDEST_TABLE,
    Problem,
    error,
    limit,
    megabytes,
    number,
    shape_problem,
)
from sufficiency.spreadsheets import declared_size, worksheets


def check_workbook(
    name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], problems: list[Problem]
) -> tuple[bool, set[str] | None]:
    """Whether the workbook may be read (else the reason is in `problems`), and the names of the sheets
    whose true size must be measured first (None: all)."""
    declared = sum(i.file_size for i in infos)
    if declared > MAX_ZIP_TOTAL_BYTES or len(infos) > 10_000:
        problems.append(
            error(f"{name}: the workbook unpacks to more than {megabytes(MAX_ZIP_TOTAL_BYTES)}; not read")
        )
        return False, set()
    bomb = next((i for i in infos if expands_too_much(i)), None)
    if bomb is not None:
        problems.append(bomb_error(name, bomb))
        return False, set()
    problem, to_measure = _xlsx_declared_shape(name, zf, infos)
    if problem is not None:
        problems.append(problem)
        return False, set()
    return True, to_measure


def read_workbook(
    name: str,
    data: bytes,
    to_measure: set[str] | None,
    problems: list[Problem],
    check_time: Callable[[], None],
) -> dict[str, pd.DataFrame]:
    """{label ("return.xlsx, sheet Episodes"): table} of every sheet that is not blank ({} when the
    workbook cannot be read, with the reason in `problems`); `to_measure` names the sheets whose true size
    is checked first (None: all)."""
    try:
        if to_measure is None or to_measure:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            for sheet_name in book.sheet_names:
                if to_measure is not None and sheet_name not in to_measure:
                    continue
                check_time()
                # Loads the cells without making Python objects of them.
                sheet = book.get_sheet_by_name(sheet_name)
                problem = shape_problem(f"{name}, sheet {sheet_name}", sheet.width, sheet.height - 1)
                if problem is not None:
                    problems.append(problem)
                    return {}
            book.close()
        check_time()
        sheets = pd.read_excel(io.BytesIO(data), engine="calamine", dtype=str, sheet_name=None)
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        problems.append(error(f"{name}: the workbook cannot be read ({type(exc).__name__}: {exc})"))
        return {}
    if not sheets:
        problems.append(error(f"{name}: the workbook has no sheets"))
        return {}
    tables = {}
    for sheet, df in sheets.items():
        label = f"{name}, sheet {sheet}"
        if df.shape[1] == 0 or (df.empty and all(str(c).startswith("Unnamed") for c in df.columns)):
            continue  # blank sheet
        tables[label] = df
    return tables


def _xlsx_sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """{worksheet part ("xl/worksheets/sheet1.xml"): sheet name}, from the workbook and its relationships."""
    from defusedxml import ElementTree as ET

    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - the names only make a message clearer
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for el in book.iter():
        if str(el.tag).endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                out[targets[rid]] = el.get("name", "")
    return out


def _xlsx_declared_shape(
    name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> tuple[Problem | None, set[str] | None]:
    """Check a workbook's sheets by the size each declares (its <dimension>, in the sheet's first bytes),
    before any cells are loaded: (problem, names of sheets whose true size must be checked; None = all).

    A declared size counts formatted empty cells too, so a sheet declaring more than MAX_COLUMNS columns
    or MAX_ROWS rows is only refused here when it declares more cells than any 903 table could fill;
    otherwise its true size is checked when it is loaded.
    """
    parts = worksheets(infos)
    if len(parts) > limit("MAX_SHEETS"):
        return (
            error(
                f"{name}: the workbook has {number(len(parts))} sheets; at most {limit('MAX_SHEETS')} are accepted "
                "(a 903 return has at most 11 tables)"
            ),
            set(),
        )
    max_cells = limit("MAX_ROWS") * WIDEST_TABLE
    sheet_names: dict[str, str] | None = None
    suspicious: set[str] | None = set()
    for info in parts:
        size = declared_size(zf, info)  # None: no range declared, or a damaged sheet the reader reports
        if size is None:
            continue
        columns, rows = size[0], size[1] - 1  # rows under the column names
        if columns <= limit("MAX_COLUMNS") and rows <= limit("MAX_ROWS"):
            continue
        if sheet_names is None:
            sheet_names = _xlsx_sheet_names(zf)
        sheet = sheet_names.get(info.filename)
        if columns * (rows + 1) > max_cells:
            return shape_problem(f"{name}, sheet {sheet or info.filename}", columns, rows), set()
        if sheet is None or suspicious is None:
            suspicious = None
        else:
            suspicious.add(sheet)
    return None, suspicious
