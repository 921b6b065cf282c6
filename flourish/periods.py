"""Reading period labels as written ("2021", "2020-21", "2020/21", "August 2020", "Q1 2021"). Pure.

`period_end(label)` gives the last day of the period, used only to put values in order. A calendar
year ends on 31 December; a split year ("2020-21", "2020/21") is a financial year ending 31 March;
a month ("August 2020", or ISO "2020-08") ends on its last day ("2011-12" is read as the financial
year 2011-12, not December 2011, because the second part is the next year); a quarter ("Q1 2021", calendar quarters) on its last day. A label that
cannot be read ("latest given") has no end date and sorts after every dated period.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})

_YEAR = re.compile(r"^(\d{4})$")
_SPLIT = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")
_MONTH = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_QUARTER = re.compile(r"^Q([1-4])\s+(\d{4})$", re.IGNORECASE)

HELP = "Enter the period as a year (2024), a financial year (2023-24), a month (March 2024) or a quarter (Q1 2024)."


def period_end(label: str) -> date | None:
    """Last day of the period written in `label`, or None when it cannot be read."""
    text = " ".join((label or "").split())
    if m := _YEAR.match(text):
        return date(int(m[1]), 12, 31)
    if m := _SPLIT.match(text):
        start = int(m[1])
        end = int(m[2]) if len(m[2]) == 4 else (start // 100) * 100 + int(m[2])
        if end == start + 1:
            return date(end, 3, 31)
        if len(m[2]) == 2 and 1 <= int(m[2]) <= 12 and "-" in text:
            month = int(m[2])
            return date(start, month, calendar.monthrange(start, month)[1])
        return None
    if m := _MONTH.match(text):
        month = MONTHS.get(m[1].lower())
        if month is None:
            return None
        year = int(m[2])
        return date(year, month, calendar.monthrange(year, month)[1])
    if m := _QUARTER.match(text):
        year, month = int(m[2]), int(m[1]) * 3
        return date(year, month, calendar.monthrange(year, month)[1])
    return None


def period_label(label: str) -> str:
    """A period as a reader writes it: an ISO month "2020-03" as "March 2020", a financial year
    "2020-21" as "2020/21"; anything else as written."""
    text = " ".join((label or "").split())
    if m := _SPLIT.match(text):
        start = int(m[1])
        end = int(m[2]) if len(m[2]) == 4 else (start // 100) * 100 + int(m[2])
        if end == start + 1:
            return f"{start}/{str(end)[-2:]}"
        if len(m[2]) == 2 and 1 <= int(m[2]) <= 12 and "-" in text:
            return f"{calendar.month_name[int(m[2])]} {start}"
    return text


def sort_key(label: str, end: date | None) -> tuple:
    """Order dated periods by end date, then undated ones by label."""
    return (end is None, end or date.min, label)
