"""Read one CSV file of an uploaded 903 return into a table of strings.

A file of absurd shape (more than MAX_COLUMNS columns, a line longer than MAX_LINE_BYTES, more than
MAX_ROWS rows) is refused from its raw bytes before pandas parses it. The text is read as UTF-8 (with or
without a byte-order mark), else as Windows text, else as Windows text with unreadable characters
replaced (with a warning).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from placements.ssda903.tables import Problem, error, limit, number, shape_problem, warning

BOM = b"\xef\xbb\xbf"


def read_csv(name: str, data: bytes, problems: list[Problem]) -> pd.DataFrame | None:
    """The CSV file's table of strings as pandas reads it, or None (with the reason in `problems`)."""
    problem = csv_shape(name, data)
    if problem is not None:
        problems.append(problem)
        return None
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
                    warning(
                        f"{name}: some characters could not be read (the file is not UTF-8 or Windows text)"
                    )
                )
            break
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            problems.append(error(f"{name}: the file is empty"))
            return None
        except pd.errors.ParserError as exc:
            problems.append(error(f"{name}: the file is not a well-formed CSV file ({exc})".strip()))
            return None
    if df is None:
        problems.append(error(f"{name}: the file's text encoding cannot be read"))
    return df


def csv_shape(name: str, data: bytes) -> Problem | None:
    """Refuse a CSV with too many columns, too long a line or too many rows, before pandas parses it.

    Counts on the raw bytes (the first line, and every line's length with numpy), so an absurd file is
    refused in milliseconds. A line break inside a quoted value is counted as a line end: that only makes
    the counts generous.
    """
    newline = b"\n" if b"\n" in data else b"\r"
    end = data.find(newline)
    first = data if end < 0 else data[:end]
    if first.count(b",") + 1 > limit("MAX_COLUMNS"):
        text = first.removeprefix(BOM).decode("utf-8", errors="replace")
        columns = len(next(csv.reader([text]), []))
        problem = shape_problem(name, columns, 0)
        if problem is not None:
            return problem
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == newline[0])
    bounds = np.concatenate(([-1], ends, [len(data)]))
    lengths = np.diff(bounds) - 1
    longest = int(lengths.argmax())
    max_line = limit("MAX_LINE_BYTES")
    if lengths[longest] > max_line:
        return error(
            f"{name}: line {number(longest + 1)} is {number(int(lengths[longest]))} characters long; a line of a 903 "
            f"table is at most a few hundred (the limit is {number(max_line)}). Is this the right file?"
        )
    rows = len(ends) - (1 if lengths[-1] == 0 else 0)  # lines after the column names
    return shape_problem(name, 0, rows)
