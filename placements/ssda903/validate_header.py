"""The checks of the 903 Header and UASC tables (see `validate` for the rules)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from placements.ssda903 import codes
from placements.ssda903.tables import RawReturn
from placements.ssda903.validate_checks import (
    Collector,
    check_code,
    check_dates,
    check_lengths,
    check_required,
    date_text,
    end_text,
    required_table,
)


def check_header(
    c: Collector, raw: RawReturn, year: int, *, year_checks: bool
) -> tuple[pd.DataFrame | None, pd.Series | None]:
    """Check Header; returns the table and its parsed DOBs (None, None when it cannot be checked)."""
    df = required_table(c, raw, "Header")
    if df is None:
        return None, None
    check_required(c, "Header", df, ["CHILD", "SEX", "DOB"])
    check_code(c, "Header", df, "SEX", codes.SEX, "SEX")
    dob = check_dates(c, "Header", df, "DOB")
    if year_checks:
        c.add(
            "error",
            "Header",
            dob > pd.Timestamp(dt.date(year, 3, 31)),
            "DOB",
            df["DOB"],
            "DOB "
            + date_text(dob)
            + f" is after {end_text(year)}: every child in the return is born by then",
        )
    check_lengths(c, "Header", df)
    dup = df["CHILD"].notna() & df["CHILD"].duplicated(keep="first")
    c.quoting("error", "Header", dup, df, "CHILD", "appears more than once in Header")
    return df, dob


def check_uasc(c: Collector, raw: RawReturn, header: pd.DataFrame | None) -> None:
    df = raw.tables.get("UASC")
    if df is None or not len(df):
        return
    if "DUC" in df.columns:
        check_dates(c, "UASC", df, "DUC")
    if header is not None and "CHILD" in df.columns:
        missing = df["CHILD"].notna() & ~df["CHILD"].isin(header["CHILD"].dropna())
        c.quoting("warning", "UASC", missing, df, "CHILD", "is in the UASC table but not in the Header table")
