"""The forecast pages' tables and charts, as pure functions of a stored ForecastRun.results dict.

A table is {"id", "title", "columns": [(name, kind)], "rows": [[raw value, ...]], "cells": [[display, ...]]};
the page shows `cells`, the CSV and XLSX downloads write `rows`. Kinds: text, count (children, whole on the page),
whole, money (£, whole pounds), pct (one decimal), bool. A figure is plain plotly JSON (see charts.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from placements.charts import DASHES, MARKERS, PALETTE, legend_below
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


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, "All placements" if group == "total" else group)


def _fmt(value: Any, kind: str) -> str:
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
    if kind == "signed":
        shown = f"{abs(value):,.0f}"
        return "0" if shown == "0" else (f"+{shown}" if value > 0 else f"−{shown}")
    return str(value)


def _table(table_id: str, title: str, columns: list[tuple[str, str]], rows: list[list]) -> dict:
    cells = [[_fmt(v, kind) for v, (_, kind) in zip(row, columns, strict=True)] for row in rows]
    return {"id": table_id, "title": title, "columns": columns, "rows": rows, "cells": cells}


def _r(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _date_label(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%-d %b %Y")


# ---- tables ------------------------------------------------------------------------------------------


def history_and_projection(results: dict, key: str, keys: list[str], label) -> list[list]:
    """Rows (date, key label, actual, projected, low, high) over the history and projection dates."""
    hist = results["history"]
    actual = {}
    for i, d in enumerate(hist["dates"]):
        for k in keys:
            actual[(d, k)] = hist[key][k][i] if key != "total" else hist["total"][i]
    proj = {}
    for i, d in enumerate(results["dates"]):
        for k in keys:
            s = results[key][k] if key != "total" else results["total"]
            proj[(d, k)] = (s["mean"][i], s["low"][i], s["high"][i])
    dates = sorted({d for d, _ in actual} | {d for d, _ in proj})
    rows = []
    for d in dates:
        for k in keys:
            a = actual.get((d, k))
            p = proj.get((d, k), (None, None, None))
            if a is None and p[0] is None:
                continue
            rows.append([d, label(k), a, _r(p[0]), _r(p[1]), _r(p[2])])
    return rows


def total_table(results: dict) -> dict:
    rows = [[r[0], r[2], r[3], r[4], r[5]] for r in history_and_projection(results, "total", ["total"], str)]
    return _table(
        "total",
        "Children looked after: actual and projected",
        [
            ("Date", "text"),
            ("Actual", "whole"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        rows,
    )


def group_table(results: dict) -> dict:
    return _table(
        "by_group",
        "Children looked after by placement group: actual and projected",
        [
            ("Date", "text"),
            ("Placement group", "text"),
            ("Actual", "whole"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        history_and_projection(results, "by_group", results["groups"], group_label),
    )


def band_table(results: dict) -> dict:
    return _table(
        "by_band",
        "Children looked after by age band: actual and projected",
        [
            ("Date", "text"),
            ("Age band", "text"),
            ("Actual", "whole"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        history_and_projection(results, "by_band", results["bands"], lambda b: BAND_LABELS[b]),
    )


def group_band_table(results: dict) -> dict:
    """Projected children at the end of the horizon by placement group and age band."""
    end = results["dates"][-1]
    rows = []
    for g in results["groups"]:
        for b in results["bands"]:
            s = results["by_state"][f"{b}|{g}"]
            rows.append(
                [group_label(g), BAND_LABELS[b], _r(s["mean"][-1]), _r(s["low"][-1]), _r(s["high"][-1])]
            )
    return _table(
        "group_band",
        f"Projected children looked after on {_date_label(end)} by placement group and age band",
        [
            ("Placement group", "text"),
            ("Age band", "text"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        rows,
    )


def cost_rows(results: dict) -> list[dict]:
    """Per projection year x group x provider: children (mean of month ends), unit cost in force at the
    year's end, weekly cost (mean) and the year's cost (sum of monthly placement-weeks x unit cost)."""
    cols = results["costs"]["columns"]
    idx = {c: i for i, c in enumerate(cols)}
    acc: dict[tuple, dict] = {}
    for row in results["costs"]["rows"]:
        year = (row[idx["month"]] - 1) // 12 + 1
        key = (year, row[idx["group"]], row[idx["provider"]])
        a = acc.setdefault(
            key, {"year": year, "end": row[idx["date"]], "n": 0, "children": 0.0, "weekly": 0.0, "cost": 0.0}
        )
        a["n"] += 1
        a["end"] = row[idx["date"]]
        a["children"] += row[idx["children"]] or 0.0
        a["unit"] = row[idx["unit_cost"]]
        if row[idx["cost"]] is None:
            a["cost"] = None
        elif a["cost"] is not None:
            a["cost"] += row[idx["cost"]]
            a["weekly"] += row[idx["weekly_cost"]]
    out = []
    for (year, group, provider), a in sorted(acc.items()):
        costed = a["cost"] is not None
        out.append(
            {
                "year": year,
                "end": a["end"],
                "months": a["n"],
                "group": group,
                "provider": provider,
                "children": a["children"] / a["n"],
                "unit_cost": a["unit"] if costed else None,
                "weekly_cost": a["weekly"] / a["n"] if costed else None,
                "cost": a["cost"],
            }
        )
    return out


def cost_table(results: dict) -> dict:
    rows = [
        [
            f"Year {c['year']} (to {_date_label(c['end'])})",
            group_label(c["group"]),
            PROVIDER_LABELS[c["provider"]],
            _r(c["children"]),
            _r(c["unit_cost"], 2),
            _r(c["weekly_cost"], 0),
            _r(c["cost"], 0),
        ]
        for c in cost_rows(results)
        if c["children"] >= 0.05 or c["cost"]
    ]
    return _table(
        "costs",
        "Projected cost by placement group and provider",
        [
            ("Projection year", "text"),
            ("Placement group", "text"),
            ("Provider", "text"),
            ("Average children", "count"),
            ("Weekly unit cost", "money"),
            ("Average weekly cost", "money"),
            ("Cost in the year", "money"),
        ],
        rows,
    )


def uncosted_groups(results: dict) -> list[str]:
    """Placement groups (and providers) with projected children but no unit cost held."""
    missing = []
    for c in cost_rows(results):
        if c["cost"] is None and c["children"] >= 0.05:
            missing.append(f"{group_label(c['group'])} ({PROVIDER_LABELS[c['provider']].lower()})")
    return sorted(set(missing))


def backtest_table(results: dict) -> dict | None:
    bt = results.get("backtest") or {}
    if "rows" not in bt:
        return None
    rows = [
        [
            group_label(r["group"]),
            r["projected"],
            r["low"],
            r["high"],
            r["actual"],
            r["error"],
            r["pct_error"],
            r["within_band"],
        ]
        for r in bt["rows"]
    ]
    return _table(
        "backtest",
        f"Backtest: fitted on {_date_label(bt['fit_start'])} to {_date_label(bt['fit_end'])}, "
        f"projected to {_date_label(bt['target_date'])}, against what happened",
        [
            ("Placement group", "text"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
            ("Actual", "whole"),
            ("Error (projected − actual)", "signed"),
            ("Error %", "pct"),
            ("Actual within the band", "bool"),
        ],
        rows,
    )


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
            f"Year {s['year']} (to {_date_label(s['year_end'])})" + ("" if s["months"] == 12 else " part"),
            UNIT_LABELS[s["unit"]],
            s["capacity"],
            _r(s["demand"]),
            _r(s["balance"]),
            None if s["balance"] is None else ("Surplus" if s["balance"] >= 0 else "Shortfall"),
            _r(s["demand_all"]),
        ]
        for s in sufficiency_rows(results, capacities)
    ]
    return _table(
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


def yearly_view(table: dict, results: dict) -> dict:
    """The table's rows on the start date's day each year (and the horizon's end) for the page; the CSV
    and XLSX keep every month."""
    start = date.fromisoformat(results["start"])
    last = results["dates"][-1]

    def keep(iso: str) -> bool:
        d = date.fromisoformat(iso)
        return iso == last or (d.month == start.month and d.day == start.day)

    picked = [i for i, row in enumerate(table["rows"]) if keep(row[0])]
    return {
        **table,
        "rows": [table["rows"][i] for i in picked],
        "cells": [table["cells"][i] for i in picked],
        "note": f"Every {start:%-d %B} and the horizon's end; the CSV has every month.",
    }


def run_tables(results: dict, capacities: Iterable[Any] = ()) -> list[dict]:
    """Every table of a run, in page order (the XLSX has one sheet each)."""
    tables = [
        total_table(results),
        group_table(results),
        band_table(results),
        group_band_table(results),
        cost_table(results),
    ]
    bt = backtest_table(results)
    if bt:
        tables.append(bt)
    tables.append(sufficiency_table(results, list(capacities)))
    return tables


# ---- comparison with the baseline --------------------------------------------------------------------


def _yearly_points(results: dict) -> list[int]:
    n = len(results["dates"])
    points = list(range(0, n, 12))
    if points[-1] != n - 1:
        points.append(n - 1)
    return points


def compare_groups_table(baseline: dict, scenario: dict) -> dict:
    rows = []
    for i in _yearly_points(baseline):
        for g in [*baseline["groups"], "total"]:
            b = baseline["total"] if g == "total" else baseline["by_group"][g]
            s = scenario["total"] if g == "total" else scenario["by_group"][g]
            rows.append(
                [
                    baseline["dates"][i],
                    group_label(g),
                    _r(b["mean"][i]),
                    _r(s["mean"][i]),
                    _r(s["mean"][i] - b["mean"][i]),
                    _r(s["low"][i]),
                    _r(s["high"][i]),
                ]
            )
    return _table(
        "compare_groups",
        "Children looked after by placement group: baseline and scenario",
        [
            ("Date", "text"),
            ("Placement group", "text"),
            ("Baseline", "count"),
            ("Scenario", "count"),
            ("Difference", "signed"),
            ("Scenario lower 95%", "count"),
            ("Scenario upper 95%", "count"),
        ],
        rows,
    )


def compare_costs_table(baseline: dict, scenario: dict) -> dict:
    """Cost per projection year and group in both runs. Where a provider of a group has children but no
    unit cost in either run, the group's figure covers only the costed provider, and the note says so (a
    scenario moving children to an uncosted provider would otherwise look like a saving)."""

    def by_key(results):
        out: dict[tuple, float | None] = {}
        uncosted: dict[tuple, set] = {}
        for c in cost_rows(results):
            key = (c["year"], c["end"], c["group"])
            if c["cost"] is None:
                out.setdefault(key, None)
                if c["children"] >= 0.05:
                    uncosted.setdefault(key, set()).add(PROVIDER_LABELS[c["provider"]].lower())
            else:
                out[key] = (out.get(key) or 0.0) + c["cost"]
        return out, uncosted

    (b, b_missing), (s, s_missing) = by_key(baseline), by_key(scenario)
    rows = []
    years = sorted({(k[0], k[1]) for k in b})
    for year, end in years:
        label = f"Year {year} (to {_date_label(end)})"
        tb = ts = 0.0
        partial = False
        uncosted = []
        for g in baseline["groups"]:
            key = (year, end, g)
            vb, vs = b.get(key), s.get(key)
            if vb is None and vs is None:
                if b_missing.get(key) or s_missing.get(key):
                    uncosted.append(group_label(g))
                continue
            missing = b_missing.get(key, set()) | s_missing.get(key, set())
            partial = partial or bool(missing)
            note = f"No unit cost held for {' or '.join(sorted(missing))}: not counted" if missing else ""
            tb += vb or 0.0
            ts += vs or 0.0
            rows.append([label, group_label(g), _r(vb, 0), _r(vs, 0), _r((vs or 0) - (vb or 0), 0), note])
        note = "Only the costed providers." if partial else ""
        if uncosted:
            note = f"{note} Not counted, no unit cost held: {'; '.join(uncosted)}.".strip()
        rows.append([label, "All costed placements", _r(tb, 0), _r(ts, 0), _r(ts - tb, 0), note])
    return _table(
        "compare_costs",
        "Projected cost in each year: baseline and scenario",
        [
            ("Projection year", "text"),
            ("Placement group", "text"),
            ("Baseline", "money"),
            ("Scenario", "money"),
            ("Difference", "money"),
            ("Note", "text"),
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
                f"Year {b['year']} (to {_date_label(b['year_end'])})"
                + ("" if b["months"] == 12 else " part"),
                UNIT_LABELS[b["unit"]],
                b["capacity"],
                _r(b["demand"]),
                _r(s.get("demand")),
                _r(b["balance"]),
                _r(balance),
                None if balance is None else ("Surplus" if balance >= 0 else "Shortfall"),
            ]
        )
    return _table(
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


# ---- figures -----------------------------------------------------------------------------------------


def _layout(y_title: str, x_title: str = "Date") -> dict:
    return {
        "title": {"text": ""},
        "font": {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        "margin": {"l": 70, "r": 20, "t": 20},
        "xaxis": {"title": {"text": x_title}, "type": "date", "tickformat": "%b %Y"},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "tickformat": ",.0f"},
        "hovermode": "x unified",
    }


def _band_traces(name: str, dates: list[str], s: dict, colour: str, legend: bool = True) -> list[dict]:
    """The 95% band as a filled area between low and high (drawn first), then the projected mean."""
    return [
        {
            "type": "scatter",
            "x": dates,
            "y": s["high"],
            "mode": "lines",
            "line": {"width": 0, "color": colour},
            "hoverinfo": "skip",
            "showlegend": False,
            "legendgroup": name,
        },
        {
            "type": "scatter",
            "x": dates,
            "y": s["low"],
            "mode": "lines",
            "line": {"width": 0, "color": colour},
            "fill": "tonexty",
            "fillcolor": _rgba(colour, 0.18),
            "name": f"{name}: 95% band",
            "hoverinfo": "skip",
            "showlegend": legend,
            "legendgroup": name,
        },
        {
            "type": "scatter",
            "x": dates,
            "y": s["mean"],
            "mode": "lines",
            "line": {"color": colour, "dash": "dash", "width": 3},
            "name": f"{name}: projected",
            "legendgroup": name,
            "hovertemplate": "%{y:.1f}<extra>" + name + " projected</extra>",
        },
    ]


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _history_trace(name: str, dates: list[str], values: list, colour: str, index: int) -> dict:
    return {
        "type": "scatter",
        "x": dates,
        "y": values,
        "mode": "lines",
        "line": {"color": colour, "width": 2},
        "marker": {"symbol": MARKERS[index % len(MARKERS)]},
        "name": f"{name}: actual",
        "legendgroup": name,
        "hovertemplate": "%{y}<extra>" + name + " actual</extra>",
    }


def total_figure(results: dict) -> dict:
    colour = PALETTE[0]
    data = [
        _history_trace("All placements", results["history"]["dates"], results["history"]["total"], colour, 0)
    ]
    data += _band_traces("All placements", results["dates"], results["total"], colour)
    return _legend_below({"data": data, "layout": _layout("Children looked after")})


def split_figure(results: dict, key: str, keys: list[str], label) -> dict:
    """One colour per group or band: actual solid, projected dashed, 95% band shaded; one legend entry each
    (clicking it hides all three)."""
    data = []
    for i, k in enumerate(keys):
        colour = PALETTE[i % len(PALETTE)]
        history = _history_trace(label(k), results["history"]["dates"], results["history"][key][k], colour, i)
        history["showlegend"] = False
        data.append(history)
        traces = _band_traces(label(k), results["dates"], results[key][k], colour, legend=False)
        traces[-1]["name"] = label(k)
        data += traces
    layout = _layout("Children looked after")
    return _legend_below(
        {"data": data, "layout": layout}, title="Solid: actual. Dashed: projected. Shaded: 95% band."
    )


def cost_figure(results: dict) -> dict:
    totals: dict[str, dict[str, float]] = {}
    labels = {}
    for c in cost_rows(results):
        if c["cost"] is None:
            continue
        name = f"{group_label(c['group'])} ({PROVIDER_LABELS[c['provider']].lower()})"
        x = f"Year {c['year']} to {_date_label(c['end'])}"
        labels[x] = c["year"]
        totals.setdefault(name, {})[x] = totals.get(name, {}).get(x, 0.0) + c["cost"]
    xs = sorted(labels, key=labels.get)
    data = [
        {
            "type": "bar",
            "x": xs,
            "y": [round(totals[name].get(x, 0.0)) for x in xs],
            "name": name,
            "marker": {"color": PALETTE[i % len(PALETTE)], "pattern": {"shape": ["", "/", "\\", "x"][i % 4]}},
            "hovertemplate": "£%{y:,.0f}<extra>" + name + "</extra>",
        }
        for i, name in enumerate(sorted(totals))
    ]
    layout = _layout("Cost in the year (£)", "Projection year")
    layout["xaxis"]["type"] = "category"
    layout["barmode"] = "stack"
    return _legend_below({"data": data, "layout": layout})


def compare_figure(baseline: dict, scenario: dict, scenario_name: str) -> dict:
    data = [
        _history_trace(
            "All placements", baseline["history"]["dates"], baseline["history"]["total"], PALETTE[6], 0
        )
    ]
    data += _band_traces("Baseline", baseline["dates"], baseline["total"], PALETTE[0])
    data += _band_traces(scenario_name, scenario["dates"], scenario["total"], PALETTE[1])
    data[-1]["line"]["dash"] = DASHES[2]
    return _legend_below({"data": data, "layout": _layout("Children looked after")})


def _legend_below(figure: dict, title: str = "") -> dict:
    """The legend under the x-axis title, one entry a line, the figure as tall as it needs (charts.py)."""
    names = [t["name"] for t in figure["data"] if t.get("showlegend", True) and t.get("name")]
    legend_below(figure["layout"], names, x_title=True, title=title)
    return figure
