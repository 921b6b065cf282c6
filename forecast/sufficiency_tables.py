"""Projected demand against the capacities held, for a run and for a scenario beside its baseline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from forecast.formatting import UNIT_LABELS, date_label, make_table, rounded


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
                }
            )
    return out


def sufficiency_table(results: dict, capacities: Iterable[Any]) -> dict:
    rows = [
        [
            s["name"],
            f"Year {s['year']} (to {date_label(s['year_end'])})" + ("" if s["months"] == 12 else " part"),
            UNIT_LABELS[s["unit"]],
            s["capacity"],
            rounded(s["demand"]),
            rounded(s["balance"]),
            None if s["balance"] is None else ("Surplus" if s["balance"] >= 0 else "Shortfall"),
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
            ("Unit", "text"),
            ("Capacity held", "whole"),
            ("Projected demand (the capacity's provider)", "count"),
            ("Surplus (+) or shortfall (−)", "signed"),
            ("Judgement", "text"),
            ("Projected demand, all providers", "count"),
        ],
        rows,
    )


def compare_sufficiency_table(baseline: dict, scenario: dict, capacities: Iterable[Any]) -> dict:
    """Demand against each capacity per projection year, baseline beside scenario."""
    capacities = list(capacities)
    b_rows = sufficiency_rows(baseline, capacities)
    s_rows = {(r["name"], r["year"]): r for r in sufficiency_rows(scenario, capacities)}
    rows = []
    for b in b_rows:
        s = s_rows.get((b["name"], b["year"]), {})
        balance = s.get("balance")
        rows.append(
            [
                b["name"],
                f"Year {b['year']} (to {date_label(b['year_end'])})" + ("" if b["months"] == 12 else " part"),
                UNIT_LABELS[b["unit"]],
                b["capacity"],
                rounded(b["demand"]),
                rounded(s.get("demand")),
                rounded(b["balance"]),
                rounded(balance),
                None if balance is None else ("Surplus" if balance >= 0 else "Shortfall"),
            ]
        )
    return make_table(
        "compare_sufficiency",
        "Projected demand against capacity: baseline and scenario",
        [
            ("Capacity", "text"),
            ("Projection year", "text"),
            ("Unit", "text"),
            ("Capacity held", "whole"),
            ("Baseline demand", "count"),
            ("Scenario demand", "count"),
            ("Baseline surplus (+) or shortfall (−)", "signed"),
            ("Scenario surplus (+) or shortfall (−)", "signed"),
            ("Scenario judgement", "text"),
        ],
        rows,
    )
