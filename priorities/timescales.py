"""Parse the timescale text of the strategy's action table into due dates. Pure: no Django, no ORM.

The table writes timescales loosely: "September 2021", "Sept 2021", "April 22", "March 2023" (a month:
due by the end of it) and "April 2021 to April 2022" (a range: start of the first month to the end of the
last). Anything else ("Ongoing", "TBC", "") has no dates; the text is always kept as written.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAMES = [m.lower() for m in calendar.month_name if m]
_MONTH = re.compile(r"^\s*([A-Za-z]+)\.?\s+(\d{4}|\d{2})\s*$")
_RANGE_SPLIT = re.compile(r"\s+(?:to|until|-|–|—)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Timescale:
    """A timescale as written, with its dates when they could be read (start and end inclusive)."""

    text: str
    start: date | None = None
    end: date | None = None

    @property
    def kind(self) -> str:
        """ "month", "range" or "none" (no dates could be read)."""
        if self.start is None:
            return "none"
        same_month = (self.start.year, self.start.month) == (self.end.year, self.end.month)
        return "month" if same_month else "range"


def _month_number(word: str) -> int | None:
    word = word.lower()
    if word in _MONTH_NAMES:
        return _MONTH_NAMES.index(word) + 1
    if word in MONTHS:
        return MONTHS[word]
    return None


def parse_month(text: str) -> tuple[date, date] | None:
    """ "Sept 2021" -> (2021-09-01, 2021-09-30); "April 22" -> (2022-04-01, 2022-04-30); else None."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    month = _month_number(match.group(1))
    if month is None:
        return None
    year = int(match.group(2))
    if year < 100:
        year += 2000  # "April 22": the strategy runs 2020-2023
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


def parse_timescale(text: str | None) -> Timescale:
    """Read a timescale cell; unreadable text gives a Timescale with no dates (never raises)."""
    raw = text or ""
    parts = _RANGE_SPLIT.split(raw.strip())
    if len(parts) == 2:
        first, last = parse_month(parts[0]), parse_month(parts[1])
        if first and last and first[0] <= last[1]:
            return Timescale(raw, first[0], last[1])
        return Timescale(raw)
    month = parse_month(raw)
    if month:
        return Timescale(raw, month[0], month[1])
    return Timescale(raw)
