"""The checks of the 903 Episodes table (see `validate` for the rules): codes by collection year, dates
against the year and the child's birth, the sequence of each child's episodes, distances and postcodes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
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
    upper,
)


def _place(c: Collector, df: pd.DataFrame, year: int, decom: pd.Series, *, year_checks: bool) -> None:
    up = upper(df, "PLACE")
    valid_now = codes.place_codes(year)
    unknown = up.notna() & ~up.isin(codes.PLACE_ALL)
    c.quoting("error", "Episodes", unknown, df, "PLACE", "is not a valid placement code")
    wrong_year = up.notna() & up.isin(codes.PLACE_ALL) & ~up.isin(valid_now)
    if year_checks and wrong_year.any():
        rule = up.map(lambda v: codes.place_rule(v) if isinstance(v, str) else None)
        text = f"is not valid in a {codes.year_label(year)} return (" + rule.astype("str") + ")"
        c.quoting("error", "Episodes", wrong_year, df, "PLACE", text)
    p2 = (up == "P2") & (decom >= pd.Timestamp(codes.P2_INVALID_FROM))
    c.add(
        "error",
        "Episodes",
        p2,
        "PLACE",
        df["PLACE"],
        "PLACE 'P2' (independent living) is not valid for an episode starting on or after 28/10/2023 "
        "(this one starts " + date_text(decom) + ")",
    )


def check_episodes(
    c: Collector,
    raw: RawReturn,
    year: int,
    header: pd.DataFrame | None,
    dob: pd.Series | None,
    *,
    year_checks: bool,
) -> None:
    df = required_table(c, raw, "Episodes")
    if df is None:
        return
    if not len(df):
        c.whole("error", "Episodes", "The Episodes table has no rows")
        return
    T = "Episodes"
    check_required(c, T, df, ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE"])
    decom = check_dates(c, T, df, "DECOM")
    dec = check_dates(c, T, df, "DEC")
    check_code(c, T, df, "RNE", codes.RNE, "reason for new episode (RNE)")
    check_code(c, T, df, "LS", codes.LS, "legal status (LS)")
    check_code(c, T, df, "CIN", codes.CIN, "category of need (CIN)")
    check_code(c, T, df, "PLACE_PROVIDER", codes.PLACE_PROVIDER, "placement provider")
    check_code(c, T, df, "REC", codes.REC, "reason episode ceased (REC)")
    _place(c, df, year, decom, year_checks=year_checks)
    check_lengths(c, T, df)

    c.add(
        "error",
        T,
        dec < decom,
        "DEC",
        df["DEC"],
        "DEC " + date_text(dec) + " is before the episode's start (DECOM " + date_text(decom) + ")",
    )
    if year_checks:
        ref = pd.Timestamp(dt.date(year, 3, 31))
        year_end = end_text(year)
        c.add(
            "error",
            T,
            decom > ref,
            "DECOM",
            df["DECOM"],
            "DECOM " + date_text(decom) + f" is after {year_end}",
        )
        c.add("error", T, dec > ref, "DEC", df["DEC"], "DEC " + date_text(dec) + f" is after {year_end}")

    if "PL_DISTANCE" in df.columns:
        dist = pd.to_numeric(df["PL_DISTANCE"], errors="coerce")
        bad = df["PL_DISTANCE"].notna() & (dist.isna() | (dist < 0) | ~np.isfinite(dist.fillna(0)))
        c.quoting(
            "error", T, bad, df, "PL_DISTANCE", "is not a distance in miles (expected a number such as 12.5)"
        )

    if header is not None:
        known = df["CHILD"].isin(header["CHILD"].dropna())
        unknown = df["CHILD"].notna() & ~known
        c.quoting("error", T, unknown, df, "CHILD", "has episodes but is not in the Header table")
        if dob is not None:
            _before_birth(c, raw, df, decom, header, dob)

    _sequence(c, df, decom, dec)
    _postcodes(c, df)


def _before_birth(
    c: Collector, raw: RawReturn, df: pd.DataFrame, decom: pd.Series, header: pd.DataFrame, dob: pd.Series
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
        + date_text(decom)
        + " is before the child's date of birth (DOB "
        + date_text(pd.Series(pd.to_datetime(child_dob), index=df.index))
        + ", Header row "
        + rows.astype("Int64").astype("str")
        + ")",
    )


def _sequence(c: Collector, df: pd.DataFrame, decom: pd.Series, dec: pd.Series) -> None:
    """Duplicate starts, overlapping episodes and X1 without a next episode on the same day."""
    T = "Episodes"
    ok = df["CHILD"].notna() & decom.notna()
    child_codes, _ = pd.factorize(df["CHILD"].str.strip())
    frame = pd.DataFrame(
        {"cid": child_codes, "decom": decom, "dec": dec, "rec": upper(df, "REC")},
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
        "CHILD '" + df["CHILD"].astype("str") + "' has more than one episode starting on " + date_text(decom),
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
            "which started " + date_text(pd0) + " and has no end date (DEC)",
            "which runs from " + date_text(pd0) + " to " + date_text(pd1),
        )
        msg = pd.Series(
            "The episode starting "
            + date_text(pd.Series(d0[later], index=idx))
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
                + date_text(end),
            ),
            index=idx,
        )
        mask = pd.Series(False, index=df.index)
        mask[idx] = True
        c.add("error", T, mask, "REC", df["REC"], msg.reindex(df.index))


def _postcodes(c: Collector, df: pd.DataFrame) -> None:
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
