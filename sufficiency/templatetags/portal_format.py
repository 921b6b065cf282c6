"""One way to write numbers and dates on every page, table view and chart label.

Counts of children are whole with thousands separators ("1,083"), percentages one decimal with a
sign ("9.0%"), rates one decimal ("65.1"), "one in N" measures as people say them ("1 in 7"),
collection years as "2019/20" and dates as "31 March 2027". Downloads keep the stored decimals: use
`plain_number` there. The same functions are called by the chart builders (axis and hover labels),
so a chart, its table view and the page never disagree.

In templates: `{% load portal_format %}` then `{{ value|count }}`, `{{ value|measure_value:unit }}`.
"""

from __future__ import annotations

import datetime as dt
import math

from django import template

register = template.Library()

DASH = "–"  # shown where no figure is held
# Units as the measures registry and the FLOURISH seed write them, mapped to one formatter each.
UNIT_ALIASES = {
    "count": "count",
    "number": "count",
    "children": "count",
    "percent": "percent",
    "%": "percent",
    "rate": "rate",
    "per 10,000": "rate",
    "1 in n": "one_in_n",
    "one_in_n": "one_in_n",
}


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _minus(text: str) -> str:
    return text.replace("-", "−")  # a real minus sign, as GOV.UK style writes negatives


@register.filter
def count(value) -> str:
    """A count of children (or anything counted): whole, with thousands separators: 1083.4 → "1,083"."""
    number = _number(value)
    if number is None:
        return DASH
    return _minus(f"{round(number):,}")


@register.filter
def decimal(value, places: int = 1) -> str:
    """A number to `places` decimals with thousands separators: 15000 → "15,000.0"."""
    number = _number(value)
    if number is None:
        return DASH
    return _minus(f"{number:,.{int(places)}f}")


@register.filter
def percent(value, places: int = 1) -> str:
    """A percentage to one decimal: 9 → "9.0%"."""
    number = _number(value)
    if number is None:
        return DASH
    return f"{decimal(number, places)}%"


@register.filter
def rate(value) -> str:
    """A rate (per 10,000 children) to one decimal: 65.08 → "65.1"."""
    return decimal(value, 1)


@register.filter
def one_in_n(value) -> str:
    """A "one in N" measure: 7 → "1 in 7", 7.4 → "1 in 7.4", 15000 → "1 in 15,000"."""
    number = _number(value)
    if number is None:
        return DASH
    text = f"{number:,.1f}".removesuffix(".0")
    return f"1 in {text}"


@register.filter
def collection_year(value) -> str:
    """The collection year ending 31 March of `value` as written in the statistics: 2020 → "2019/20"."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    return f"{year - 1}/{str(year)[-2:]}"


@register.filter
def long_date(value) -> str:
    """A date written out: date(2027, 3, 31) or "2027-03-31" → "31 March 2027"; "2020-03" → "March 2020"."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.date.fromisoformat(text[:10])
        except ValueError:
            try:
                month = dt.date.fromisoformat(f"{text}-01")
            except ValueError:
                return text
            return f"{month:%B} {month.year}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B} {value.year}"
    return str(value)


def unit_kind(unit: str | None) -> str:
    """The formatter a unit takes: count, percent, rate or one_in_n (other units are shown as decimals)."""
    return UNIT_ALIASES.get((unit or "count").strip().lower(), "other")


@register.filter
def measure_value(value, unit: str = "count") -> str:
    """A figure in its unit's style: counts whole, percentages "9.0%", rates "65.1", "1 in 7"."""
    kind = unit_kind(unit)
    if kind == "count":
        return count(value)
    if kind == "percent":
        return percent(value)
    if kind == "rate":
        return rate(value)
    if kind == "one_in_n":
        return one_in_n(value)
    number = _number(value)
    if number is None:
        return DASH
    text = f"{number:,.1f}".removesuffix(".0")
    return f"{_minus(text)} {unit}".strip()


@register.filter
def measure_change(value, unit: str = "count") -> str:
    """The size of a change, without its sign: counts whole, percentages in points ("2.5 points")."""
    number = _number(value)
    if number is None:
        return DASH
    if unit_kind(unit) == "percent":
        return f"{decimal(abs(number))} points"
    return measure_value(abs(number), unit)


def plain_number(value) -> str:
    """A stored value for a CSV: every decimal kept, no separators, whole numbers without ".0"."""
    number = _number(value)
    if number is None:
        return ""
    return str(int(number)) if number.is_integer() else repr(round(number, 6))
