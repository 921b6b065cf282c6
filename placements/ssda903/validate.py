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

The checks shared by every table are in `validate_checks`, those of Header and UASC in
`validate_header`, those of Episodes in `validate_episodes`; this module runs them.
"""

from __future__ import annotations

import pandas as pd

from placements.ssda903 import codes
from placements.ssda903.tables import OPTIONAL_COLUMNS, TABLE_COLUMNS, Problem, RawReturn
from placements.ssda903.validate_checks import MAX_PROBLEMS, Collector, parse_dates
from placements.ssda903.validate_episodes import check_episodes
from placements.ssda903.validate_header import check_header, check_uasc

__all__ = ["MAX_PROBLEMS", "WRONG_YEAR_MIN_DATES", "Problem", "parse_dates", "validate_return"]

# The wrong-collection-year check needs this many episode dates (DECOM and DEC) to judge by: in a smaller
# return the few row errors say it plainly enough.
WRONG_YEAR_MIN_DATES = 20


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


def validate_return(raw: RawReturn, collection_year: int) -> list[Problem]:
    """Every problem with a raw return for a collection year (2024 = 2023/24), errors and warnings.

    Does not repeat `raw.problems`. Never raises for bad data.
    """
    c = Collector(raw)
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
    header, dob = check_header(c, raw, collection_year, year_checks=year_checks)
    check_episodes(c, raw, collection_year, header, dob, year_checks=year_checks)
    check_uasc(c, raw, header)
    return c.problems()
