"""How the forecast pages show a stored result's figures: labels, number formats and the table shape.

A table is {"id", "title", "columns": [(name, kind)], "rows": [[raw value, ...]], "cells": [[display, ...]]};
the page shows `cells`, the CSV and XLSX downloads write `rows`. Kinds: text, count (children, whole on the page),
whole, money (£, whole pounds), pct (one decimal), bool, signed (whole, with + or −), date (an ISO date kept in
the downloads, "31 March 2027" on the page). Optional keys: "note" (shown with the caption)."""

from __future__ import annotations

from datetime import date
from typing import Any

from placements.groups import GROUP_LABELS
from sufficiency.templatetags.portal_format import count

BAND_LABELS = {
    "under_1": "Under 1",
    "1_4": "1 to 4",
    "5_9": "5 to 9",
    "10_15": "10 to 15",
    "16_plus": "16 and over",
}
PROVIDER_LABELS = {"in_house": "In-house", "external": "External"}
UNIT_LABELS = {"beds": "beds", "bed_nights": "bed nights a year"}
# Where the children of a group are, as a sentence says it: "23 fewer children in residential care".
GROUP_PHRASES = {
    "fostered_relative_friend": "fostered by relatives or friends",
    "fostered_in_house": "in in-house fostering",
    "fostered_agency": "in agency fostering",
    "adoption": "placed for adoption",
    "with_parents": "placed with parents",
    "residential": "in residential care",
    "semi_independent": "in semi-independent or supported living",
    "other": "in other placements",
    "total": "looked after in all",
}


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, "All placements" if group == "total" else group)


def fmt(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "–"
    if kind in ("count", "whole"):  # children: whole on the page; the downloads keep the decimals
        return count(value)
    if kind == "money":
        return f"£{value:,.0f}" if value >= 0 else f"−£{-value:,.0f}"
    if kind == "pct":
        return f"{value:.1f}%" if value >= 0 else f"−{-value:.1f}%"
    if kind == "bool":
        return "Yes" if value else "No"
    if kind == "date":
        return date_label(value)
    if kind == "signed":
        shown = f"{abs(value):,.0f}"
        return "0" if shown == "0" else (f"+{shown}" if value > 0 else f"−{shown}")
    return str(value)


class Cell(str):
    """A table cell as shown, which knows whether its column holds numbers (then it is right-aligned), so an
    age band "1 to 4" is not aligned as a number and "Under 1" as text in the same column."""

    numeric: bool = False

    def __new__(cls, text: str, numeric: bool = False) -> Cell:
        cell = super().__new__(cls, text)
        cell.numeric = numeric
        return cell


NUMERIC_KINDS = {"count", "whole", "money", "pct", "signed"}


def make_table(table_id: str, title: str, columns: list[tuple[str, str]], rows: list[list]) -> dict:
    cells = [
        [Cell(fmt(v, kind), kind in NUMERIC_KINDS) for v, (_, kind) in zip(row, columns, strict=True)]
        for row in rows
    ]
    return {"id": table_id, "title": title, "columns": columns, "rows": rows, "cells": cells}


def rounded(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def date_label(iso: str) -> str:
    """An ISO date as people read it: "2027-03-31" → "31 March 2027"."""
    return date.fromisoformat(iso).strftime("%-d %B %Y")


def children_change(n: int, group: str, *, first: bool = True) -> str:
    """A whole change in children as words: "23 fewer children in residential care", or without the noun
    after the first item of a list ("21 more in in-house fostering")."""
    noun = ("child" if abs(n) == 1 else "children") + " " if first else ""
    return f"{abs(n):,} {'more' if n > 0 else 'fewer'} {noun}{GROUP_PHRASES.get(group, group)}"
