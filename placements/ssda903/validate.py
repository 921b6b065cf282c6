"""Check a raw SSDA903 return before anything is written: every problem is located and worded plainly.

Errors block the import; warnings are reported and do not. Every rule is vectorised over the whole
table (pandas/numpy); Python objects are only built for the rows that break a rule, and at most
MAX_PROBLEMS of them are kept (then one "and N more" problem says how many were left out).

Rules (collection year Y runs 1 April Y-1 to 31 March Y):

Collection year (one error, listed first): when the episodes' start and end dates (DECOM, DEC) cluster
in another collection year (that year holds at least twice as many of them as the stated year, and the
return has at least WRONG_YEAR_MIN_DATES of them), the return is judged to be for that year: "The
episodes in these files fall in 2022/23, not 2019/20: did you mean 2023?". The row checks that depend on
the year (dates after its end, PLACE codes valid only in some years) are then not listed, because every
row would fail them; the other row checks still are.
Header (errors): the table is present with its columns; CHILD, SEX and DOB are given; SEX is 1, 2, M,
F or U; DOB is a real date and not after 31 March of Y; each CHILD appears once.
Episodes (errors): the table is present with its columns and has rows; CHILD, DECOM, RNE, LS, CIN and
PLACE are given; DECOM and DEC are real dates (DD/MM/YYYY or YYYY-MM-DD); RNE, LS, CIN, PLACE,
PLACE_PROVIDER and REC are valid codes (case-insensitive; PLACE by collection year: K3 from 2024/25,
H5 and Z1 up to 2024/25, Z11–Z14 from 2025/26, P2 not for episodes starting on or after 28/10/2023);
REASON_PLACE_CHANGE, URN and PL_LA (and Header ETHNIC) are not longer than the portal stores; DEC is not before DECOM;
DECOM is not before the child's DOB (from Header);
DECOM and DEC are not after 31 March of Y; no two episodes of a child start on the same day; a child's
episodes do not overlap (an episode's DEC is not after the next episode's DECOM, and an episode with no
DEC is the child's last); REC X1 only where the child's next episode starts on the DEC; every CHILD is
in Header; PL_DISTANCE, where given, is a number of miles that is not negative.
Episodes (warnings): HOME_POST or PL_POST given but not found in the postcode directory.
UASC: DUC, where given, is a real date (error); a CHILD not in Header (warning).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from placements.ssda903 import codes
from placements.ssda903.read import OPTIONAL_COLUMNS, TABLE_COLUMNS, Problem, RawReturn

__all__ = ["MAX_PROBLEMS", "WRONG_YEAR_MIN_DATES", "Problem", "parse_dates", "validate_return"]

MAX_PROBLEMS = 10_000

# The wrong-collection-year check needs this many episode dates (DECOM and DEC) to judge by: in a smaller
# return the few row errors say it plainly enough.
WRONG_YEAR_MIN_DATES = 20

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


def _fmt(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%d/%m/%Y").astype("str").fillna("")


class _Collector:
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


def _upper(df: pd.DataFrame, column: str) -> pd.Series:
    return codes.upper(df[column])


def _required(c: _Collector, table: str, df: pd.DataFrame, columns: list[str]) -> None:
    for col in columns:
        c.add(
            "error",
            table,
            _blank(df, col),
            col,
            None,
            f"{col} is blank: it is required for every row of {table}",
        )


def _dates(c: _Collector, table: str, df: pd.DataFrame, column: str) -> pd.Series:
    parsed = parse_dates(df[column])
    bad = df[column].notna() & parsed.isna()
    c.add(
        "error",
        table,
        bad,
        column,
        df[column],
        column + " '" + df[column].astype("str") + "' is not a real date (expected DD/MM/YYYY)",
    )
    return parsed


def _code(c: _Collector, table: str, df: pd.DataFrame, column: str, valid: frozenset[str], what: str) -> None:
    up = _upper(df, column)
    bad = up.notna() & ~up.isin(valid)
    listed = ", ".join(sorted(valid))
    c.add(
        "error",
        table,
        bad,
        column,
        df[column],
        column + " '" + df[column].astype("str") + f"' is not a valid {what} code (expected one of {listed})",
    )


def _lengths(c: _Collector, table: str, df: pd.DataFrame) -> None:
    for (t, col), limit in MAX_LENGTHS.items():
        if t == table and col in df.columns:
            long = df[col].str.len() > limit
            c.add("error", table, long, col, df[col], f"{col} is too long (at most {limit} characters)")


def _end_text(year: int) -> str:
    return f"the end of the {codes.year_label(year)} collection year (31/03/{year})"


def _header(
    c: _Collector, raw: RawReturn, year: int, *, year_checks: bool
) -> tuple[pd.DataFrame | None, pd.Series | None]:
    """Check Header; returns the table and its parsed DOBs (None, None when it cannot be checked)."""
    df = raw.tables.get("Header")
    if df is None:
        c.whole(
            "error",
            "Header",
            "The return has no Header table (columns " + ", ".join(TABLE_COLUMNS["Header"]) + ")",
        )
        return None, None
    missing = [col for col in TABLE_COLUMNS["Header"] if col not in df.columns]
    if missing:
        c.whole("error", "Header", f"The Header table is missing column(s) {', '.join(missing)}")
        return None, None
    _required(c, "Header", df, ["CHILD", "SEX", "DOB"])
    _code(c, "Header", df, "SEX", codes.SEX, "SEX")
    dob = _dates(c, "Header", df, "DOB")
    if year_checks:
        c.add(
            "error",
            "Header",
            dob > pd.Timestamp(dt.date(year, 3, 31)),
            "DOB",
            df["DOB"],
            "DOB " + _fmt(dob) + f" is after {_end_text(year)}: every child in the return is born by then",
        )
    _lengths(c, "Header", df)
    dup = df["CHILD"].notna() & df["CHILD"].duplicated(keep="first")
    c.add(
        "error",
        "Header",
        dup,
        "CHILD",
        df["CHILD"],
        "CHILD '" + df["CHILD"].astype("str") + "' appears more than once in Header",
    )
    return df, dob


def _place(c: _Collector, df: pd.DataFrame, year: int, decom: pd.Series, *, year_checks: bool) -> None:
    up = _upper(df, "PLACE")
    valid_now = codes.place_codes(year)
    unknown = up.notna() & ~up.isin(codes.PLACE_ALL)
    c.add(
        "error",
        "Episodes",
        unknown,
        "PLACE",
        df["PLACE"],
        "PLACE '" + df["PLACE"].astype("str") + "' is not a valid placement code",
    )
    wrong_year = up.notna() & up.isin(codes.PLACE_ALL) & ~up.isin(valid_now)
    if year_checks and wrong_year.any():
        rule = up.map(lambda v: codes.place_rule(v) if isinstance(v, str) else None)
        c.add(
            "error",
            "Episodes",
            wrong_year,
            "PLACE",
            df["PLACE"],
            "PLACE '"
            + df["PLACE"].astype("str")
            + f"' is not valid in a {codes.year_label(year)} return ("
            + rule.astype("str")
            + ")",
        )
    p2 = (up == "P2") & (decom >= pd.Timestamp(codes.P2_INVALID_FROM))
    c.add(
        "error",
        "Episodes",
        p2,
        "PLACE",
        df["PLACE"],
        "PLACE 'P2' (independent living) is not valid for an episode starting on or after 28/10/2023 "
        "(this one starts " + _fmt(decom) + ")",
    )


def _episodes(
    c: _Collector,
    raw: RawReturn,
    year: int,
    header: pd.DataFrame | None,
    dob: pd.Series | None,
    *,
    year_checks: bool,
) -> None:
    df = raw.tables.get("Episodes")
    if df is None:
        c.whole(
            "error",
            "Episodes",
            "The return has no Episodes table (columns " + ", ".join(TABLE_COLUMNS["Episodes"]) + ")",
        )
        return
    missing = [col for col in TABLE_COLUMNS["Episodes"] if col not in df.columns]
    if missing:
        c.whole("error", "Episodes", f"The Episodes table is missing column(s) {', '.join(missing)}")
        return
    if not len(df):
        c.whole("error", "Episodes", "The Episodes table has no rows")
        return
    T = "Episodes"
    _required(c, T, df, ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE"])
    decom = _dates(c, T, df, "DECOM")
    dec = _dates(c, T, df, "DEC")
    _code(c, T, df, "RNE", codes.RNE, "reason for new episode (RNE)")
    _code(c, T, df, "LS", codes.LS, "legal status (LS)")
    _code(c, T, df, "CIN", codes.CIN, "category of need (CIN)")
    _code(c, T, df, "PLACE_PROVIDER", codes.PLACE_PROVIDER, "placement provider")
    _code(c, T, df, "REC", codes.REC, "reason episode ceased (REC)")
    _place(c, df, year, decom, year_checks=year_checks)
    _lengths(c, T, df)

    c.add(
        "error",
        T,
        dec < decom,
        "DEC",
        df["DEC"],
        "DEC " + _fmt(dec) + " is before the episode's start (DECOM " + _fmt(decom) + ")",
    )
    if year_checks:
        ref = pd.Timestamp(dt.date(year, 3, 31))
        end_text = _end_text(year)
        c.add("error", T, decom > ref, "DECOM", df["DECOM"], "DECOM " + _fmt(decom) + f" is after {end_text}")
        c.add("error", T, dec > ref, "DEC", df["DEC"], "DEC " + _fmt(dec) + f" is after {end_text}")

    if "PL_DISTANCE" in df.columns:
        dist = pd.to_numeric(df["PL_DISTANCE"], errors="coerce")
        bad = df["PL_DISTANCE"].notna() & (dist.isna() | (dist < 0) | ~np.isfinite(dist.fillna(0)))
        c.add(
            "error",
            T,
            bad,
            "PL_DISTANCE",
            df["PL_DISTANCE"],
            "PL_DISTANCE '"
            + df["PL_DISTANCE"].astype("str")
            + "' is not a distance in miles (expected a number such as 12.5)",
        )

    if header is not None:
        known = df["CHILD"].isin(header["CHILD"].dropna())
        c.add(
            "error",
            T,
            df["CHILD"].notna() & ~known,
            "CHILD",
            df["CHILD"],
            "CHILD '" + df["CHILD"].astype("str") + "' has episodes but is not in the Header table",
        )
        if dob is not None:
            _before_birth(c, raw, df, decom, header, dob)

    _sequence(c, df, decom, dec)
    _postcodes(c, df)


def _before_birth(
    c: _Collector, raw: RawReturn, df: pd.DataFrame, decom: pd.Series, header: pd.DataFrame, dob: pd.Series
) -> None:
    """An episode may not start before the child's date of birth (the first Header row of that CHILD)."""
    first = header["CHILD"].notna() & ~header["CHILD"].duplicated(keep="first")
    children = header.loc[first, "CHILD"].to_numpy()
    born = pd.Series(dob[first].to_numpy(), index=children)
    header_row = pd.Series(header.index[first.to_numpy()] + raw.first_row.get("Header", 2), index=children)
    child_dob = df["CHILD"].map(born)
    early = decom.notna() & child_dob.notna() & (decom < child_dob)
    if not early.any():
        return
    rows = df["CHILD"].map(header_row)
    c.add(
        "error",
        "Episodes",
        early,
        "DECOM",
        df["DECOM"],
        "DECOM "
        + _fmt(decom)
        + " is before the child's date of birth (DOB "
        + _fmt(pd.Series(pd.to_datetime(child_dob), index=df.index))
        + ", Header row "
        + rows.astype("Int64").astype("str")
        + ")",
    )


def _apparent_year(raw: RawReturn, year: int) -> tuple[int, int, int] | None:
    """(year the episodes fall in, how many of their dates fall in it, how many in `year`) when the
    episodes' DECOM and DEC dates cluster in a collection year other than the stated one; else None.

    The busiest collection year must hold at least twice as many dates as the stated year. In a real
    return the year itself holds most of them (episodes that start, end or both in it; those that began
    earlier add only their DECOM to an earlier year), so a one-year slip either way is caught.
    """
    df = raw.tables.get("Episodes")
    if df is None or not {"DECOM", "DEC"} <= set(df.columns):
        return None
    dates = pd.concat([parse_dates(df["DECOM"]), parse_dates(df["DEC"])]).dropna()
    if len(dates) < WRONG_YEAR_MIN_DATES:
        return None
    years = dates.dt.year + (dates.dt.month >= 4).astype(int)  # April onwards belongs to the next year's
    counts = years.value_counts()
    busiest = int(counts[counts == counts.max()].index.max())
    stated = int(counts.get(year, 0))
    if busiest == year or counts[busiest] < 2 * stated:
        return None
    return busiest, int(counts[busiest]), stated


def _sequence(c: _Collector, df: pd.DataFrame, decom: pd.Series, dec: pd.Series) -> None:
    """Duplicate starts, overlapping episodes and X1 without a next episode on the same day."""
    T = "Episodes"
    ok = df["CHILD"].notna() & decom.notna()
    child_codes, _ = pd.factorize(df["CHILD"].str.strip())
    frame = pd.DataFrame(
        {"cid": child_codes, "decom": decom, "dec": dec, "rec": _upper(df, "REC")},
        index=df.index,
    )[ok.to_numpy()]
    dup = frame.duplicated(["cid", "decom"], keep="first")
    dup_mask = pd.Series(False, index=df.index)
    dup_mask[dup.index[dup.to_numpy()]] = True
    c.add(
        "error",
        T,
        dup_mask,
        "DECOM",
        df["DECOM"],
        "CHILD '" + df["CHILD"].astype("str") + "' has more than one episode starting on " + _fmt(decom),
    )
    frame = frame[~dup.to_numpy()].sort_values(["cid", "decom"], kind="stable")
    cid = frame["cid"].to_numpy()
    d0 = frame["decom"].to_numpy()
    d1 = frame["dec"].to_numpy()
    n = len(frame)
    same_next = np.zeros(n, dtype=bool)
    if n > 1:
        same_next[:-1] = cid[1:] == cid[:-1]
    next_decom = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    next_decom[:-1] = d0[1:] if n > 1 else next_decom[:-1]
    open_ = np.isnat(d1)
    overlap = same_next & (open_ | (~open_ & (d1 > next_decom)))
    # Report on the later episode, naming the earlier one.
    later = np.zeros(n, dtype=bool)
    later[1:] = overlap[:-1]
    prev_decom = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    prev_dec = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if n > 1:
        prev_decom[1:] = d0[:-1]
        prev_dec[1:] = d1[:-1]
    if later.any():
        idx = frame.index[later]
        pd0 = pd.Series(prev_decom[later], index=idx)
        pd1 = pd.Series(prev_dec[later], index=idx)
        earlier = np.where(
            pd1.isna(),
            "which started " + _fmt(pd0) + " and has no end date (DEC)",
            "which runs from " + _fmt(pd0) + " to " + _fmt(pd1),
        )
        msg = pd.Series(
            "The episode starting "
            + _fmt(pd.Series(d0[later], index=idx))
            + " overlaps the child's previous episode, ",
            index=idx,
        ) + pd.Series(earlier, index=idx)
        mask = pd.Series(False, index=df.index)
        mask[idx] = True
        c.add("error", T, mask, "DECOM", df["DECOM"], msg.reindex(df.index))

    rec = frame["rec"].to_numpy(dtype=object, na_value=None)
    x1 = rec == "X1"
    good = x1 & same_next & ~open_ & (next_decom == d1)
    bad = x1 & ~good
    if bad.any():
        idx = frame.index[bad]
        end = pd.Series(d1[bad], index=idx)
        msg = pd.Series(
            np.where(
                end.isna(),
                "REC is X1 (the child's next episode starts the same day) but this episode has no end date (DEC)",
                "REC is X1 (the child's next episode starts the same day) but the child has no episode starting on "
                + _fmt(end),
            ),
            index=idx,
        )
        mask = pd.Series(False, index=df.index)
        mask[idx] = True
        c.add("error", T, mask, "REC", df["REC"], msg.reindex(df.index))


def _postcodes(c: _Collector, df: pd.DataFrame) -> None:
    from placements.ssda903 import postcodes

    for col in ("HOME_POST", "PL_POST"):
        given = df[col].notna()
        if not given.any():
            continue
        coords = postcodes.resolve(df.loc[given, col])
        unresolved = pd.Series(False, index=df.index)
        unresolved[coords.index[coords["lat"].isna().to_numpy()]] = True
        if not unresolved.any():
            continue
        # Only the outward half is repeated back: the full postcode is an address.
        shown = postcodes.outward(df[col]).fillna("?").astype("str") + " ***"
        c.add(
            "warning",
            "Episodes",
            unresolved,
            col,
            shown,
            f"{col} is not a postcode in the ONS postcode directory, so no distance can be worked out from it "
            "(only the first half is shown)",
        )


def _uasc(c: _Collector, raw: RawReturn, header: pd.DataFrame | None) -> None:
    df = raw.tables.get("UASC")
    if df is None or not len(df):
        return
    if "DUC" in df.columns:
        _dates(c, "UASC", df, "DUC")
    if header is not None and "CHILD" in df.columns:
        missing = df["CHILD"].notna() & ~df["CHILD"].isin(header["CHILD"].dropna())
        c.add(
            "warning",
            "UASC",
            missing,
            "CHILD",
            df["CHILD"],
            "CHILD '" + df["CHILD"].astype("str") + "' is in the UASC table but not in the Header table",
        )


def validate_return(raw: RawReturn, collection_year: int) -> list[Problem]:
    """Every problem with a raw return for a collection year (2024 = 2023/24), errors and warnings.

    Does not repeat `raw.problems`. Never raises for bad data.
    """
    c = _Collector(raw)
    if not isinstance(collection_year, int) or not 2000 <= collection_year <= 2100:
        c.whole(
            "error", None, f"The collection year {collection_year!r} is not a year such as 2024 (for 2023/24)"
        )
        return c.problems()
    apparent = _apparent_year(raw, collection_year)
    if apparent is not None:
        busiest, in_busiest, in_stated = apparent
        c.whole(
            "error",
            "Episodes",
            f"The episodes in these files fall in {codes.year_label(busiest)}, not "
            f"{codes.year_label(collection_year)}: did you mean {busiest}? ({in_busiest:,} of the episodes' "
            f"start and end dates are in {codes.year_label(busiest)}, {in_stated:,} in "
            f"{codes.year_label(collection_year)}.) The row checks that depend on the collection year are not "
            "listed: choose the right year and upload the files again.",
        )
    for table, df in raw.tables.items():
        allowed = set(TABLE_COLUMNS.get(table, ())) | set(OPTIONAL_COLUMNS.get(table, ()))
        extra = [col for col in df.columns if allowed and col not in allowed]
        if extra:
            c.whole(
                "warning",
                table,
                f"Column(s) {', '.join(extra)} are not part of the {table} table and are ignored",
            )
    year_checks = apparent is None
    header, dob = _header(c, raw, collection_year, year_checks=year_checks)
    _episodes(c, raw, collection_year, header, dob, year_checks=year_checks)
    _uasc(c, raw, header)
    return c.problems()
