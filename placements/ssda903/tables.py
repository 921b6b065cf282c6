"""The 903 tables as an upload is read: their columns, the reading limits, the Problem and RawReturn
types, and recognising which table a file or sheet is by its set of column names.

Every value is a string with surrounding spaces removed; empty cells are missing (NaN). Column names are
upper-cased and stripped. Nothing here needs Django (a limit reads its Django setting only where Django
is configured).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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


def error(message: str, table: str | None = None) -> Problem:
    """An error (blocks the import) about a whole file or table."""
    return Problem("error", table, None, None, None, message)


def warning(message: str, table: str | None = None) -> Problem:
    """A warning (reported, does not block) about a whole file or table."""
    return Problem("warning", table, None, None, None, message)


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def number(count: int) -> str:
    return f"{count:,}"


def too_large(label: str) -> Problem:
    """The error for a file (or zip member) larger than MAX_UPLOAD_BYTES."""
    return error(f"{label}: file is larger than {megabytes(MAX_UPLOAD_BYTES)} and was not read")


def shape_problem(label: str, columns: int, rows: int) -> Problem | None:
    """One error for a table wider than MAX_COLUMNS or longer than MAX_ROWS (rows under the column names)."""
    if columns > limit("MAX_COLUMNS"):
        return error(
            f"{label} has {number(columns)} columns; a 903 table has at most {WIDEST_TABLE}. Is this the right file?"
        )
    if rows > limit("MAX_ROWS"):
        return error(
            f"{label} has {number(rows)} rows; at most {number(limit('MAX_ROWS'))} are accepted in one table. "
            "Is this the right file?"
        )
    return None


def clean_frame(df: pd.DataFrame) -> pd.DataFrame:
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


def recognise(
    label: str, columns: list[str], *, strict: bool
) -> tuple[str | None, list[str], Problem | None]:
    """Which table a set of columns is: (table, ignored extra columns, problem)."""
    cols = set(columns)
    dupes = sorted(
        {c.rsplit(".", 1)[0] for c in cols if re.fullmatch(r".+\.\d+", c) and c.rsplit(".", 1)[0] in cols}
    )
    if dupes:
        return None, [], error(f"{label}: column(s) {', '.join(dupes)} appear more than once")
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
            warning(message.replace("do not match any 903 table", "match no 903 table, so it was ignored")),
        )
    return None, [], error(message, nearest if score(nearest) >= 0.5 else None)
