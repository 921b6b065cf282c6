"""CSV downloads that a spreadsheet cannot run as formulas (CSV or formula injection).

Excel, LibreOffice and Google Sheets treat a cell that begins with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula, so a CHILD id of `=HYPERLINK(...)` in an uploaded return
would become a live link in the data admin's problem report. Such text gets a leading apostrophe, which
the spreadsheet shows as plain text; numbers (and text that is just a number, such as "-5") are kept.
"""

from __future__ import annotations

import csv
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("inf", "infinity", "nan")


def safe_cell(value: Any) -> Any:
    """`value` as it may go into a CSV cell: text a spreadsheet would run as a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


class SafeWriter:
    """A `csv.writer` whose rows pass through `safe_cell`."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> SafeWriter:
    """Like `csv.writer(stream, **kwargs)`, with every cell made safe by `safe_cell`."""
    return SafeWriter(stream, **kwargs)
