"""What the 903 checks share: reading dates, gathering problems as frames of the bad rows only, and the
checks every table uses (required values, real dates, valid codes, lengths the portal stores).

At most MAX_PROBLEMS problems are made into objects (then one "and N more" problem says how many were
left out); errors come first, then by table and row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placements.ssda903 import codes
from placements.ssda903.tables import TABLE_COLUMNS, Problem, RawReturn

MAX_PROBLEMS = 10_000

# Longest values the portal stores (placements.models); longer ones are refused rather than cut.
MAX_LENGTHS = {
    ("Episodes", "REASON_PLACE_CHANGE"): 6,
    ("Episodes", "URN"): 10,
    ("Episodes", "PL_LA"): 9,
    ("Header", "ETHNIC"): 4,
}

_TABLE_ORDER = {name: i for i, name in enumerate(TABLE_COLUMNS)}


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse DD/MM/YYYY (or YYYY-MM-DD, also with a midnight time as spreadsheets give) to datetime64.

    Blank → NaT; a value that is not a real date (31/02/2020, 2020-13-01, "soon") or is outside the years
    1900–2100 → NaT too: compare with `values.notna()` to find the bad ones. Parses each distinct value once.
    """
    s = pd.Series(values, copy=False)
    codes_, uniques = pd.factorize(s, use_na_sentinel=True)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="str").str.strip()
    parsed = pd.to_datetime(u, format="%d/%m/%Y", errors="coerce")
    rest = parsed.isna() & u.notna()
    if rest.any():
        iso = u[rest].str.replace(r"[ T]00:00(:00(\.0+)?)?$", "", regex=True)
        parsed[rest] = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    parsed = parsed.astype("datetime64[ns]")
    parsed[(parsed.dt.year < 1900) | (parsed.dt.year > 2100)] = pd.NaT
    arr = parsed.to_numpy()
    out = np.where(
        codes_ >= 0, arr[np.maximum(codes_, 0)] if len(arr) else np.datetime64("NaT"), np.datetime64("NaT")
    )
    return pd.Series(out.astype("datetime64[ns]"), index=s.index)


def date_text(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%d/%m/%Y").astype("str").fillna("")


class Collector:
    """Gathers problems as small frames (only the bad rows), then makes at most MAX_PROBLEMS objects."""

    def __init__(self, raw: RawReturn) -> None:
        self.raw = raw
        self.frames: list[pd.DataFrame] = []
        self.loose: list[Problem] = []

    def whole(self, severity: str, table: str | None, message: str) -> None:
        self.loose.append(Problem(severity, table, None, None, None, message))

    def add(
        self,
        severity: str,
        table: str,
        mask: pd.Series,
        column: str | None,
        value: pd.Series | None,
        message: pd.Series | str,
    ) -> None:
        mask = mask.fillna(False).astype(bool) if mask.dtype != bool else mask
        if not mask.any():
            return
        index = mask.index[mask.to_numpy()]
        n = len(index)
        first_row = self.raw.first_row.get(table, 2)
        frame = pd.DataFrame(
            {
                "severity": severity,
                "table": table,
                "row": np.asarray(index, dtype=np.int64) + first_row,
                "column": column,
                "value": (value.loc[index].astype(object).to_numpy() if value is not None else [None] * n),
                "message": (
                    message.loc[index].astype(object).to_numpy()
                    if isinstance(message, pd.Series)
                    else message
                ),
            }
        )
        self.frames.append(frame)

    def quoting(
        self, severity: str, table: str, mask: pd.Series, df: pd.DataFrame, column: str, text: pd.Series | str
    ) -> None:
        """Problems for the rows in `mask` that quote the column's value: "PLACE 'U9' <text>"."""
        self.add(
            severity, table, mask, column, df[column], column + " '" + df[column].astype("str") + "' " + text
        )

    def problems(self) -> list[Problem]:
        out = list(self.loose)
        if not self.frames:
            return out
        df = pd.concat(self.frames, ignore_index=True)
        total = len(df)
        # Errors first (they are what stops the import), then by table and row.
        df["severity_rank"] = (df["severity"] != "error").astype(int)
        df["rank"] = df["table"].map(_TABLE_ORDER).fillna(99)
        df["order"] = np.arange(total)
        df = df.sort_values(["severity_rank", "rank", "row", "order"], kind="stable").head(MAX_PROBLEMS)
        for r in df.itertuples(index=False):
            value = (
                None
                if r.value is None or (isinstance(r.value, float) and np.isnan(r.value))
                else str(r.value)
            )
            out.append(Problem(r.severity, r.table, int(r.row), r.column, value, str(r.message)))
        if total > MAX_PROBLEMS:
            out.append(
                Problem(
                    "error" if (df["severity"] == "error").any() else "warning",
                    None,
                    None,
                    None,
                    None,
                    f"… and {total - MAX_PROBLEMS:,} more problems not listed (the first {MAX_PROBLEMS:,} are shown)",
                )
            )
        return out


def _blank(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column].isna()


def upper(df: pd.DataFrame, column: str) -> pd.Series:
    return codes.upper(df[column])


def required_table(c: Collector, raw: RawReturn, table: str) -> pd.DataFrame | None:
    """A table the return must have, with all its columns; None (and one problem saying why) if not."""
    df = raw.tables.get(table)
    if df is None:
        c.whole(
            "error",
            table,
            f"The return has no {table} table (columns " + ", ".join(TABLE_COLUMNS[table]) + ")",
        )
        return None
    missing = [col for col in TABLE_COLUMNS[table] if col not in df.columns]
    if missing:
        c.whole("error", table, f"The {table} table is missing column(s) {', '.join(missing)}")
        return None
    return df


def check_required(c: Collector, table: str, df: pd.DataFrame, columns: list[str]) -> None:
    for col in columns:
        c.add(
            "error",
            table,
            _blank(df, col),
            col,
            None,
            f"{col} is blank: it is required for every row of {table}",
        )


def check_dates(c: Collector, table: str, df: pd.DataFrame, column: str) -> pd.Series:
    parsed = parse_dates(df[column])
    bad = df[column].notna() & parsed.isna()
    c.quoting("error", table, bad, df, column, "is not a real date (expected DD/MM/YYYY)")
    return parsed


def check_code(
    c: Collector, table: str, df: pd.DataFrame, column: str, valid: frozenset[str], what: str
) -> None:
    up = upper(df, column)
    bad = up.notna() & ~up.isin(valid)
    listed = ", ".join(sorted(valid))
    c.quoting("error", table, bad, df, column, f"is not a valid {what} code (expected one of {listed})")


def check_lengths(c: Collector, table: str, df: pd.DataFrame) -> None:
    for (t, col), limit in MAX_LENGTHS.items():
        if t == table and col in df.columns:
            long = df[col].str.len() > limit
            c.add("error", table, long, col, df[col], f"{col} is too long (at most {limit} characters)")


def end_text(year: int) -> str:
    return f"the end of the {codes.year_label(year)} collection year (31/03/{year})"
