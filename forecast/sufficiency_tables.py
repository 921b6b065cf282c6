"""Projected demand against the capacities held, for a run and for a scenario beside its baseline.

Each capacity and projection year gets an occupancy (projected demand / capacity) and a judgement: "Shortfall"
when demand exceeds the capacity, "At risk" when the occupancy reaches the capacity's at-risk level (90% full
unless a data admin set another), else "Room"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from forecast.formatting import UNIT_LABELS, date_label, make_table, rounded

DEFAULT_AT_RISK_PERCENT = 90
LEVELS = ("room", "at_risk", "shortfall")  # in order of concern


def occupancy_level(demand: float | None, capacity: float | None, at_risk_percent: float) -> str | None:
    """ "room", "at_risk" or "shortfall" (None when either figure is missing)."""
    if demand is None or capacity is None:
        return None
    if demand > capacity:
        return "shortfall"
    if capacity == 0 or demand * 100 >= capacity * at_risk_percent:
        return "at_risk"  # a capacity of nothing has no room, even with no demand
    return "room"


def judgement(level: str | None, at_risk_percent: float) -> str | None:
    if level is None:
        return None
    return {
        "room": "Room",
        "at_risk": f"At risk (≥{at_risk_percent:g}% full)",
        "shortfall": "Shortfall",
    }[level]


def sufficiency_rows(results: dict, capacities: Iterable[Any]) -> list[dict]:
    """Projected demand against each capacity, per projection year. A capacity in beds compares with the
    year's average children of its group (in-house, external or all); one in bed nights with the year's
    child-nights, scaled to a full year when the horizon ends part way through one."""
    yearly = results["yearly"]
    by_name: dict[str, list] = {}
    for c in capacities:
        by_name.setdefault(c.name, []).append(c)
    out = []
    for name, figures in sorted(by_name.items()):
        figures.sort(key=lambda c: c.effective_year)
        first = figures[0]
        for y in (r for r in yearly if r["group"] == first.group):
            end = date.fromisoformat(y["year_end"])
            end_year = end.year + (1 if end.month > 3 else 0)  # the year ending 31 March it falls in
            in_force = [c for c in figures if c.effective_year <= end_year]
            cap = in_force[-1] if in_force else None
            if first.unit == "beds":
                demand = {"in_house": y["in_house"], "external": y["external"]}.get(
                    first.provider, y["children"]
                )
            else:
                nights = y["in_house_bed_nights"] if first.provider == "in_house" else y["bed_nights"]
                if first.provider == "external":
                    nights = y["bed_nights"] - y["in_house_bed_nights"]
                demand = nights * 12 / y["months"] if y["months"] else None
            if first.unit == "beds":
                all_demand = y["children"]
            else:
                all_demand = y["bed_nights"] * 12 / y["months"] if y["months"] else None
            value = float(cap.value) if cap else None
            at_risk = float(getattr(cap, "at_risk_percent", None) or DEFAULT_AT_RISK_PERCENT)
            level = occupancy_level(demand, value, at_risk)
            out.append(
                {
                    "name": name,
                    "year": y["year"],
                    "year_end": y["year_end"],
                    "months": y["months"],
                    "unit": first.unit,
                    "provider": first.provider,
                    "capacity": value,
                    "capacity_year": cap.effective_year if cap else None,
                    "demand": demand,
                    "demand_all": all_demand,
                    "balance": None if value is None or demand is None else value - demand,
                    "occupancy": None if not value or demand is None else 100 * demand / value,
                    "at_risk_percent": at_risk,
                    "level": level,
                    "judgement": judgement(level, at_risk),
                }
            )
    return out


def _year(s: dict) -> str:
    return f"To {date_label(s['year_end'])}" + ("" if s["months"] == 12 else f" ({s['months']} months)")


def sufficiency_table(results: dict, capacities: Iterable[Any]) -> dict:
    """The judgement and occupancy first (what a phone shows before it scrolls), then the figures."""
    rows = [
        [
            s["name"],
            _year(s),
            s["judgement"],
            rounded(s["occupancy"]),
            rounded(s["demand"]),
            s["capacity"],
            UNIT_LABELS[s["unit"]],
            rounded(s["balance"]),
            rounded(s["demand_all"]),
        ]
        for s in sufficiency_rows(results, capacities)
    ]
    return make_table(
        "sufficiency",
        "Projected demand against capacity",
        [
            ("Capacity", "text"),
            ("Projection year", "text"),
            ("Judgement", "text"),
            ("Occupancy", "pct"),
            ("Projected demand", "count"),
            ("Capacity held", "whole"),
            ("Unit", "text"),
            ("Room (+) or shortfall (−)", "signed"),
            ("Demand, all providers", "count"),
        ],
        rows,
    )


def compare_sufficiency_table(baseline: dict, scenario: dict, capacities: Iterable[Any]) -> dict:
    """Demand against each capacity per projection year, baseline beside scenario: the judgements first, then
    occupancy and demand (the capacity's name says its unit; the run's table has it as a column)."""
    capacities = list(capacities)
    s_rows = {(r["name"], r["year"]): r for r in sufficiency_rows(scenario, capacities)}
    rows = []
    for b in sufficiency_rows(baseline, capacities):
        s = s_rows.get((b["name"], b["year"]), {})
        rows.append(
            [
                b["name"],
                _year(b),
                b["judgement"],
                s.get("judgement"),
                rounded(b["occupancy"]),
                rounded(s.get("occupancy")),
                rounded(b["demand"]),
                rounded(s.get("demand")),
                b["capacity"],
            ]
        )
    return make_table(
        "compare_sufficiency",
        "Projected demand against capacity: baseline and scenario",
        [
            ("Capacity", "text"),
            ("Projection year", "text"),
            ("Baseline judgement", "text"),
            ("Scenario judgement", "text"),
            ("Baseline occupancy", "pct"),
            ("Scenario occupancy", "pct"),
            ("Baseline demand", "count"),
            ("Scenario demand", "count"),
            ("Capacity held", "whole"),
        ],
        rows,
    )


def _need(s: dict) -> str:
    """What the demand is against the capacity, in words: "on average 20.5 children for 20 beds"."""
    if s["unit"] == "beds":
        return f"on average {s['demand']:,.1f} children for {s['capacity']:,.0f} beds"
    return f"{s['demand']:,.0f} bed nights a year for {s['capacity']:,.0f}"


def capacity_warnings(baseline: dict, scenario: dict, capacities: Iterable[Any]) -> list[str]:
    """Sentences for the comparison's headline: each capacity the scenario takes over its at-risk level or
    into shortfall (where the baseline, in the same year, stays at a lower level), at the first such year.
    "In-house residential beds: a shortfall in year 1 (to 31 March 2025), 102% full (baseline 96% full): on
    average 20.5 children for 20 beds"."""
    capacities = list(capacities)
    b_rows = {(r["name"], r["year"]): r for r in sufficiency_rows(baseline, capacities)}
    out, done = [], set()
    for s in sufficiency_rows(scenario, capacities):
        b = b_rows.get((s["name"], s["year"]))
        if s["name"] in done or b is None or s["level"] not in ("at_risk", "shortfall"):
            continue
        if LEVELS.index(s["level"]) <= LEVELS.index(b["level"] or "room"):
            continue
        done.add(s["name"])
        what = "a shortfall" if s["level"] == "shortfall" else "at risk"
        base = "" if b["occupancy"] is None else f" (baseline {b['occupancy']:.0f}% full)"
        out.append(
            f"{s['name']}: {what} in year {s['year']} (to {date_label(s['year_end'])}), {s['occupancy']:.0f}% "
            f"full{base}: {_need(s)}"
        )
    return out
