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
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd

from sufficiency.spreadsheets import declared_size, worksheets

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
    "Problem",
    "RawReturn",
    "limit",
    "read_return",
]

MAX_UPLOAD_BYTES = 60 * 1024 * 1024  # per uploaded file
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024  # uncompressed contents of one zip
MAX_ZIP_MEMBERS = 100
# A member this much larger unpacked than packed is a zip bomb (real 903 CSVs and sheets pack 3-10 times);
# only members unpacking to more than 1 MB are judged, so tiny repetitive files pass.
MAX_ZIP_RATIO = 100
# Shapes no 903 return has. They are checked before a file is parsed: a 0.9 MB CSV with 100,000 columns
# otherwise keeps the import worker busy for many minutes.
MAX_COLUMNS = 200  # per table; the widest 903 table has 16 (see WIDEST_TABLE), extra columns are ignored
MAX_LINE_BYTES = 100_000  # one CSV line; a 903 row is a few hundred bytes
MAX_ROWS = 2_000_000  # per table; England's whole return is about 300,000 episodes a year
MAX_FILES = 30  # files in one upload; a return has at most 11 tables
MAX_SHEETS = 50  # sheets in one workbook
MAX_XML_ELEMENTS = 5_000_000
MAX_XML_DEPTH = 20  # the DfE form nests 5 deep
MAX_READ_SECONDS = 300  # reading stops with an error after this long (checked between files and tables)

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"Episodes": ("PL_DISTANCE", "PL_LA", "PL_LOCATION")}
WIDEST_TABLE = max(len(cols) + len(OPTIONAL_COLUMNS.get(t, ())) for t, cols in TABLE_COLUMNS.items())


def limit(name: str) -> int | float:
    """A reading limit: the Django setting SSDA903_<name> where Django is configured, else this module's
    constant (so tests and deployments can change one without editing code)."""
    default = globals()[name]
    try:
        from django.conf import settings
    except ImportError:  # the pipeline is usable without Django
        return default
    if not settings.configured:
        return default
    return getattr(settings, f"SSDA903_{name}", default)


class _TooSlow(Exception):
    """Reading has used up its time (MAX_READ_SECONDS)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded return, located as precisely as possible.

    severity: "error" (blocks the import) or "warning" (reported, does not block).
    table: 903 table name ("Episodes"), or None for a problem with a whole file.
    row: the row a person sees (see the module docstring), or None.
    column: upper-case column name, or None. value: the offending value as found, or None.
    message: plain English, saying what is wrong and what was expected.
    """

    severity: str
    table: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str


@dataclass
class RawReturn:
    """Tables of strings as read (name → DataFrame), with the problems met while reading.

    Each table's index is the 0-based position of the record in its source; `first_row[name]` is the
    row number a person sees for position 0, so a record's row is `index + first_row[name]`.
    `sources[name]` says where the table came from ("episodes.csv", "return.xlsx, sheet Episodes").
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    first_row: dict[str, int] = field(default_factory=dict)

    def row_numbers(self, table: str, index: Iterable[int]) -> np.ndarray:
        """Rows a person sees for positions in a table's index."""
        return np.asarray(list(index) if not isinstance(index, pd.Index) else index, dtype=np.int64) + (
            self.first_row.get(table, 2)
        )


_XLSX_NAMES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOM = b"\xef\xbb\xbf"


def _error(message: str, table: str | None = None) -> Problem:
    return Problem("error", table, None, None, None, message)


def _warning(message: str, table: str | None = None) -> Problem:
    return Problem("warning", table, None, None, None, message)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _n(count: int) -> str:
    return f"{count:,}"


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
            if len(data) > MAX_UPLOAD_BYTES:
                self.result.problems.append(
                    _error(f"{display}: file is larger than {_mb(MAX_UPLOAD_BYTES)} and was not read")
                )
                return
        else:
            data = content.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                self.result.problems.append(
                    _error(f"{display}: file is larger than {_mb(MAX_UPLOAD_BYTES)} and was not read")
                )
                return
        self.add_bytes(display, data, top_level=True)

    def add_bytes(self, name: str, data: bytes, *, top_level: bool) -> None:
        problems = self.result.problems
        if not data.strip(b" \t\r\n\x00").removeprefix(_BOM).strip():
            problems.append(_error(f"{name}: the file is empty"))
            return
        lower = name.lower()
        if data.startswith(_ZIP_MAGIC):
            if not top_level:
                problems.append(_error(f"{name}: a zip or workbook inside a zip file is not supported"))
                return
            self._zip_or_xlsx(name, data)
            return
        if data.startswith(_OLE_MAGIC):
            problems.append(
                _error(
                    f"{name}: this is an old-style Excel (.xls) or other Office file, which cannot be read. "
                    "Save it as an .xlsx workbook or as CSV files"
                )
            )
            return
        if lower.endswith(_XLSX_NAMES):
            problems.append(
                _error(
                    f"{name}: the name says it is a spreadsheet but the file is not an Excel workbook "
                    "(it may have been renamed). Upload the .xlsx workbook itself, or CSV files"
                )
            )
            return
        head = data[:4096].removeprefix(_BOM).lstrip()
        if head.startswith(b"<"):
            self._xml(name, data)
            return
        if b"\x00" in data[:8192]:
            problems.append(
                _error(f"{name}: this does not look like a CSV, XML or Excel file (it contains binary data)")
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
                _error(f"{name}: the file is damaged and cannot be opened as a zip or .xlsx ({exc})")
            )
            return
        names = {i.filename for i in infos}
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            declared = sum(i.file_size for i in infos)
            if declared > MAX_ZIP_TOTAL_BYTES or len(infos) > 10_000:
                problems.append(
                    _error(f"{name}: the workbook unpacks to more than {_mb(MAX_ZIP_TOTAL_BYTES)}; not read")
                )
                return
            bomb = next((i for i in infos if _expands_too_much(i)), None)
            if bomb is not None:
                problems.append(_bomb_error(name, bomb))
                return
            problem, to_measure = _xlsx_declared_shape(name, zf, infos)
            if problem is not None:
                problems.append(problem)
                return
            self._xlsx(name, data, to_measure)
            return
        if name.lower().endswith(_XLSX_NAMES):
            problems.append(
                _error(
                    f"{name}: the name says it is a spreadsheet but the file is a zip without a workbook in it "
                    "(it may have been renamed)"
                )
            )
            return
        self._zip(name, zf, infos)

    def _zip(self, name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
        problems = self.result.problems
        members = [
            i
            for i in infos
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not re.split(r"[\\/]", i.filename)[-1].startswith(".")
        ]
        if len(members) > limit("MAX_ZIP_MEMBERS"):
            problems.append(
                _error(
                    f"{name}: the zip holds {_n(len(members))} files; at most {limit('MAX_ZIP_MEMBERS')} are "
                    "accepted (a 903 return has at most 11 tables)"
                )
            )
            return
        if not members:
            problems.append(_error(f"{name}: the zip file has no files in it"))
            return
        bomb = next((i for i in members if _expands_too_much(i)), None)
        if bomb is not None:
            problems.append(_bomb_error(name, bomb))
            return
        budget = MAX_ZIP_TOTAL_BYTES
        for info in members:
            self.check_time()
            member = info.filename
            parts = re.split(r"[\\/]", member)
            label = f"{name}: {member}"
            if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member):
                problems.append(
                    _error(f"{label}: a file with an absolute path is not accepted; it was not read")
                )
                continue
            if ".." in parts or any(p.strip() in ("", ".") for p in parts[:-1]):
                problems.append(
                    _error(
                        f"{label}: a path with '..' or empty folder names is not accepted; it was not read"
                    )
                )
                continue
            if len(parts) > 4:
                problems.append(
                    _error(f"{label}: folders nested this deep are not accepted; it was not read")
                )
                continue
            if info.flag_bits & 0x1:
                problems.append(_error(f"{label}: the file is password-protected and cannot be read"))
                continue
            if info.file_size > budget:
                problems.append(
                    _error(
                        f"{name}: the zip unpacks to more than {_mb(MAX_ZIP_TOTAL_BYTES)}; it was not read"
                    )
                )
                return
            try:
                with zf.open(info) as fh:
                    content = fh.read(min(budget, MAX_UPLOAD_BYTES) + 1)
            except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError, EOFError) as exc:
                problems.append(_error(f"{label}: cannot be unpacked ({exc})"))
                continue
            if len(content) > budget:
                problems.append(
                    _error(
                        f"{name}: the zip unpacks to more than {_mb(MAX_ZIP_TOTAL_BYTES)}; it was not read"
                    )
                )
                return
            if len(content) > MAX_UPLOAD_BYTES:
                problems.append(
                    _error(f"{label}: file is larger than {_mb(MAX_UPLOAD_BYTES)} and was not read")
                )
                continue
            budget -= len(content)
            self.add_bytes(label, content, top_level=False)

    def _xlsx(self, name: str, data: bytes, to_measure: set[str] | None) -> None:
        """Read every sheet; `to_measure` names the sheets whose true size is checked first (None: all)."""
        problems = self.result.problems
        try:
            if to_measure is None or to_measure:
                from python_calamine import CalamineWorkbook

                book = CalamineWorkbook.from_filelike(io.BytesIO(data))
                for sheet_name in book.sheet_names:
                    if to_measure is not None and sheet_name not in to_measure:
                        continue
                    self.check_time()
                    # Loads the cells without making Python objects of them.
                    sheet = book.get_sheet_by_name(sheet_name)
                    problem = _shape_problem(f"{name}, sheet {sheet_name}", sheet.width, sheet.height - 1)
                    if problem is not None:
                        problems.append(problem)
                        return
                book.close()
            self.check_time()
            sheets = pd.read_excel(io.BytesIO(data), engine="calamine", dtype=str, sheet_name=None)
        except Exception as exc:  # calamine raises its own error types for damaged workbooks
            problems.append(_error(f"{name}: the workbook cannot be read ({type(exc).__name__}: {exc})"))
            return
        if not sheets:
            problems.append(_error(f"{name}: the workbook has no sheets"))
            return
        for sheet, df in sheets.items():
            label = f"{name}, sheet {sheet}"
            if df.shape[1] == 0 or (df.empty and all(str(c).startswith("Unnamed") for c in df.columns)):
                continue  # blank sheet
            self._add_table(label, df, first_row=2, strict=False)

    # ---- xml --------------------------------------------------------------------------------------------

    def _xml(self, name: str, data: bytes) -> None:
        from defusedxml import DefusedXmlException
        from defusedxml import ElementTree as ET

        problems = self.result.problems
        max_elements, max_depth = limit("MAX_XML_ELEMENTS"), limit("MAX_XML_DEPTH")
        # A cheap upper bound first: every element has a start tag.
        if data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!") > 2 * max_elements:
            problems.append(
                _error(
                    f"{name}: the XML has more than {_n(max_elements)} elements; no 903 return has so many"
                )
            )
            return
        try:
            events = ET.iterparse(io.BytesIO(data), events=("start", "end"))
            depth = count = 0
            for event, _ in events:
                if event == "end":
                    depth -= 1
                    continue
                depth += 1
                count += 1
                if depth > max_depth:
                    problems.append(
                        _error(
                            f"{name}: the XML is nested more than {max_depth} elements deep; "
                            "a 903 return's is 5 deep. Is this the right file?"
                        )
                    )
                    return
                if count > max_elements:
                    problems.append(
                        _error(
                            f"{name}: the XML has more than {_n(max_elements)} elements; "
                            "no 903 return has so many"
                        )
                    )
                    return
                if not count % 100_000:
                    self.check_time()
            root = events.root
        except DefusedXmlException as exc:
            problems.append(_error(f"{name}: the XML uses entities or a DTD, which are not accepted ({exc})"))
            return
        except ET.ParseError as exc:
            problems.append(_error(f"{name}: the file is not well-formed XML ({exc})"))
            return
        if root.tag.upper() != "EXPSSDA903":
            problems.append(
                _error(f"{name}: the XML's root element is <{root.tag}>; a 903 return's is <EXPSSDA903>")
            )
            return
        for table, df in _xml_tables(root, problems, name, self.check_time).items():
            self._add_table(f"{name} ({table})", df, first_row=1, strict=True, known=table)

    # ---- csv --------------------------------------------------------------------------------------------

    def _csv(self, name: str, data: bytes) -> None:
        problems = self.result.problems
        problem = _csv_shape(name, data)
        if problem is not None:
            problems.append(problem)
            return
        df = None
        for encoding, errors in (("utf-8-sig", "strict"), ("cp1252", "strict"), ("cp1252", "replace")):
            try:
                df = pd.read_csv(
                    io.BytesIO(data),
                    dtype=str,
                    encoding=encoding,
                    encoding_errors=errors,
                    keep_default_na=False,
                    na_values=[""],
                    engine="c",
                )
                if errors == "replace":
                    problems.append(
                        _warning(
                            f"{name}: some characters could not be read (the file is not UTF-8 or Windows text)"
                        )
                    )
                break
            except UnicodeDecodeError:
                continue
            except pd.errors.EmptyDataError:
                problems.append(_error(f"{name}: the file is empty"))
                return
            except pd.errors.ParserError as exc:
                problems.append(_error(f"{name}: the file is not a well-formed CSV file ({exc})".strip()))
                return
        if df is None:
            problems.append(_error(f"{name}: the file's text encoding cannot be read"))
            return
        self._add_table(name, df, first_row=2, strict=True)

    # ---- tables -----------------------------------------------------------------------------------------

    def _add_table(
        self, label: str, df: pd.DataFrame, *, first_row: int, strict: bool, known: str | None = None
    ) -> None:
        problems = self.result.problems
        problem = _shape_problem(label, df.shape[1], len(df))
        if problem is not None:
            problems.append(problem)
            return
        df = _clean_frame(df)
        columns = list(df.columns)
        if known is not None:
            table, extra = known, []
        else:
            table, extra, problem = _recognise(label, columns, strict=strict)
            if problem is not None:
                problems.append(problem)
            if table is None:
                return
        if table in self.result.tables:
            problems.append(
                _error(
                    f"{label} and {self.result.sources[table]} both look like the {table} table: "
                    "upload one file per table",
                    table,
                )
            )
            return
        if extra:
            problems.append(
                _warning(
                    f"{label}: column(s) {', '.join(extra)} are not part of the {table} table and were ignored",
                    table,
                )
            )
            df = df.drop(columns=extra)
        if not len(df):
            problems.append(_warning(f"{label}: the {table} table has no rows", table))
        self.result.tables[table] = df
        self.result.sources[table] = label
        self.result.first_row[table] = first_row


def _shape_problem(label: str, columns: int, rows: int) -> Problem | None:
    """One error for a table wider than MAX_COLUMNS or longer than MAX_ROWS (rows under the column names)."""
    if columns > limit("MAX_COLUMNS"):
        return _error(
            f"{label} has {_n(columns)} columns; a 903 table has at most {WIDEST_TABLE}. Is this the right file?"
        )
    if rows > limit("MAX_ROWS"):
        return _error(
            f"{label} has {_n(rows)} rows; at most {_n(limit('MAX_ROWS'))} are accepted in one table. "
            "Is this the right file?"
        )
    return None


def _csv_shape(name: str, data: bytes) -> Problem | None:
    """Refuse a CSV with too many columns, too long a line or too many rows, before pandas parses it.

    Counts on the raw bytes (the first line, and every line's length with numpy), so an absurd file is
    refused in milliseconds. A line break inside a quoted value is counted as a line end: that only makes
    the counts generous.
    """
    newline = b"\n" if b"\n" in data else b"\r"
    end = data.find(newline)
    first = data if end < 0 else data[:end]
    if first.count(b",") + 1 > limit("MAX_COLUMNS"):
        text = first.removeprefix(_BOM).decode("utf-8", errors="replace")
        columns = len(next(csv.reader([text]), []))
        problem = _shape_problem(name, columns, 0)
        if problem is not None:
            return problem
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == newline[0])
    bounds = np.concatenate(([-1], ends, [len(data)]))
    lengths = np.diff(bounds) - 1
    longest = int(lengths.argmax())
    max_line = limit("MAX_LINE_BYTES")
    if lengths[longest] > max_line:
        return _error(
            f"{name}: line {_n(longest + 1)} is {_n(int(lengths[longest]))} characters long; a line of a 903 "
            f"table is at most a few hundred (the limit is {_n(max_line)}). Is this the right file?"
        )
    rows = len(ends) - (1 if lengths[-1] == 0 else 0)  # lines after the column names
    return _shape_problem(name, 0, rows)


def _expands_too_much(info: zipfile.ZipInfo) -> bool:
    return info.file_size > 1024 * 1024 and info.file_size > limit("MAX_ZIP_RATIO") * max(
        info.compress_size, 1
    )


def _bomb_error(name: str, info: zipfile.ZipInfo) -> Problem:
    return _error(
        f"{name}: {info.filename} unpacks to more than {limit('MAX_ZIP_RATIO')} times its packed size "
        f"({_n(info.file_size // max(info.compress_size, 1))} times), which no real file does: it was not read"
    )


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
            _error(
                f"{name}: the workbook has {_n(len(parts))} sheets; at most {limit('MAX_SHEETS')} are accepted "
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
            return _shape_problem(f"{name}, sheet {sheet or info.filename}", columns, rows), set()
        if sheet is None or suspicious is None:
            suspicious = None
        else:
            suspicious.add(sheet)
    return None, suspicious


def _clean_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Upper-case/strip column names, drop empty unnamed columns and blank rows, strip every value."""
    df = df.copy()
    df.columns = [str(c).strip().upper() for c in df.columns]
    unnamed = [c for c in df.columns if c.startswith("UNNAMED:") or c == ""]
    drop = [c for c in unnamed if df[c].isna().all()]
    if drop:
        df = df.drop(columns=drop)
    for col in df.columns:
        s = df[col]
        if not isinstance(s.dtype, pd.StringDtype):
            s = s.astype("str")  # missing stays missing (pandas >= 3 string dtype)
        s = s.str.strip()
        df[col] = s.mask(s == "")
    if len(df.columns):
        df = df[df.notna().any(axis=1).to_numpy()]
    return df


def _recognise(
    label: str, columns: list[str], *, strict: bool
) -> tuple[str | None, list[str], Problem | None]:
    """Which table a set of columns is: (table, ignored extra columns, problem)."""
    cols = set(columns)
    dupes = sorted(
        {c.rsplit(".", 1)[0] for c in cols if re.fullmatch(r".+\.\d+", c) and c.rsplit(".", 1)[0] in cols}
    )
    if dupes:
        return None, [], _error(f"{label}: column(s) {', '.join(dupes)} appear more than once")
    for table, required in TABLE_COLUMNS.items():
        allowed = set(required) | set(OPTIONAL_COLUMNS.get(table, ()))
        if set(required) <= cols <= allowed:
            return table, [], None
    supersets = [t for t, req in TABLE_COLUMNS.items() if set(req) <= cols]
    if supersets:
        table = max(supersets, key=lambda t: len(TABLE_COLUMNS[t]))
        allowed = set(TABLE_COLUMNS[table]) | set(OPTIONAL_COLUMNS.get(table, ()))
        return table, [c for c in columns if c not in allowed], None

    def score(t: str) -> float:
        req = set(TABLE_COLUMNS[t])
        return len(cols & req) / len(cols | req)

    nearest = max(TABLE_COLUMNS, key=score)
    found = ", ".join(columns[:20]) + (" …" if len(columns) > 20 else "") or "(none)"
    missing = [c for c in TABLE_COLUMNS[nearest] if c not in cols]
    unknown = [
        c for c in columns if c not in set(TABLE_COLUMNS[nearest]) | set(OPTIONAL_COLUMNS.get(nearest, ()))
    ]
    message = (
        f"{label}: the columns do not match any 903 table. Columns found: {found}. "
        f"The nearest table is {nearest}, which also needs {', '.join(missing)}"
        + (f" and does not have {', '.join(unknown[:10])}" if unknown else "")
    )
    if not strict and score(nearest) < 0.5:
        return (
            None,
            [],
            _warning(message.replace("do not match any 903 table", "match no 903 table, so it was ignored")),
        )
    return None, [], _error(message, nearest if score(nearest) >= 0.5 else None)


# ---- XML mapping ----------------------------------------------------------------------------------------

_XML_RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
_XML_GROUPS = {
    "EPISODE": "Episodes",
    "AREVIEW": "Reviews",
    "AMISSING": "Missing",
    "OC2": "OC2",
    "AD_PLACED": "PlacedAdoption",
    "PERMANENCE": "PrevPerm",
}
# Tables whose fields sit directly in HEADER (a row exists when any of them is given).
_XML_HEADER_TABLES = {
    "OC3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
}
_TRUE = {"1", "Y", "YES", "TRUE", "T"}


def _text(el) -> str | None:
    if el is None or el.text is None:
        return None
    t = el.text.strip()
    return t or None


def _fields(el) -> dict[str, str | None]:
    """Leaf children of an element as {TAG: text} (tags upper-cased, XML names mapped to table names)."""
    out: dict[str, str | None] = {}
    for c in el:
        if len(c) == 0:
            tag = str(c.tag).upper()
            out[_XML_RENAME.get(tag, tag)] = _text(c)
    return out


def _xml_tables(root, problems: list[Problem], name: str, check_time=None) -> dict[str, pd.DataFrame]:
    rows: dict[str, list[dict]] = {t: [] for t in TABLE_COLUMNS}
    unknown: set[str] = set()
    for position, child in enumerate(root):
        if check_time is not None and not position % 1000:
            check_time()
        if str(child.tag).upper() != "CHILD":
            unknown.add(str(child.tag))
            continue
        header_el = next((e for e in child if str(e.tag).upper() == "HEADER"), None)
        head = _fields(header_el) if header_el is not None else {}
        head.update({k: v for k, v in _fields(child).items() if k not in head})
        ident = {"CHILD": head.get("CHILD"), "DOB": head.get("DOB")}
        rows["Header"].append({c: head.get(c) for c in TABLE_COLUMNS["Header"]})
        if (head.get("UASC") or "").upper() in _TRUE or head.get("DUC"):
            rows["UASC"].append({c: head.get(c) for c in TABLE_COLUMNS["UASC"]})
        for table, cols in _XML_HEADER_TABLES.items():
            if any(head.get(c) for c in cols):
                rows[table].append({**ident, **{c: head.get(c) for c in cols}})
        for el in child.iter():
            if el is child or el is header_el or len(el) == 0:
                continue
            tag = str(el.tag).upper()
            table = _XML_GROUPS.get(tag)
            values = _fields(el)
            if table is None:
                # e.g. social worker episodes: recognise the group by its fields
                keys = set(values) | {"CHILD", "DOB"}
                table = next(
                    (t for t, req in TABLE_COLUMNS.items() if set(req) <= keys and t != "Header"), None
                )
                if table is None:
                    unknown.add(tag)
                    continue
            rows[table].append({**ident, **values})
    if unknown:
        problems.append(
            _warning(
                f"{name}: XML element(s) {', '.join(sorted(unknown))} are not understood and were ignored"
            )
        )
    out = {}
    for table, records in rows.items():
        if not records:
            continue
        columns = list(TABLE_COLUMNS[table]) + [
            c for c in OPTIONAL_COLUMNS.get(table, ()) if any(c in r for r in records)
        ]
        out[table] = pd.DataFrame.from_records(records, columns=columns)
    return out


def read_return(files: list[tuple[str, bytes | BinaryIO]]) -> RawReturn:
    """Read uploaded files (name, content) into raw 903 tables of strings. Never raises for bad input:
    every problem (empty file, unknown columns, unsafe zip, not a spreadsheet...) is in `.problems`."""
    reader = _Reader()
    problems = reader.result.problems
    if not files:
        problems.append(_error("No files were uploaded"))
    if len(files) > limit("MAX_FILES"):
        problems.append(
            _error(
                f"{_n(len(files))} files were uploaded; at most {limit('MAX_FILES')} are accepted "
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
            _error(
                f"Reading the files took longer than {seconds:,.0f} seconds, so it was stopped and nothing was "
                "imported. Check that these are the 903 files (a return reads in well under a minute)"
            )
        )
    return reader.result
