"""The backtest's table: how the model did when fitted on what was known at earlier dates (origins every six
months within the data) and projected 12 and 24 months ahead, against what happened; with the coverage the
band achieved as the block's question, and a chart of the total's checks."""

from __future__ import annotations

from forecast.charts import chart_layout, rgba, with_legend_below
from forecast.formatting import date_label, fmt, group_label, make_table
from placements.charts import PALETTE


def coverage_sentence(bt: dict) -> str | None:
    """The sentence "The actual fell in the 95% band in 88 of 96 past checks ..." of a stored backtest."""
    c = bt.get("coverage")
    if not c or not c.get("checks"):
        return None
    horizons = " and ".join(str(h) for h in bt.get("horizons", []))
    return (
        f"The actual number of children fell in the 95% band in {c['within']} of {c['checks']} past checks by "
        f"placement group ({round(100 * c['within'] / c['checks'])}%), and in {c['total_within']} of "
        f"{c['total_checks']} for all children: the model fitted on what was known at {c['origins']} earlier "
        f"dates and projected {horizons} months ahead."
    )


def _figure(bt: dict) -> dict:
    """The total's checks: projected with its 95% band against the actual, by date checked and horizon."""
    data = []
    rows = [r for r in bt["rows"] if r["group"] == "total"]
    for i, horizon in enumerate(bt.get("horizons", [])):
        colour = PALETTE[i % len(PALETTE)]
        sel = [r for r in rows if r["horizon"] == horizon]
        if not sel:
            continue
        data.append(
            {
                "type": "scatter",
                "x": [r["target_date"] for r in sel],
                "y": [r["projected"] for r in sel],
                "mode": "markers",
                "marker": {"color": colour, "symbol": "diamond" if i else "circle", "size": 9},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [(r["high"] or 0) - (r["projected"] or 0) for r in sel],
                    "arrayminus": [(r["projected"] or 0) - (r["low"] or 0) for r in sel],
                    "color": rgba(colour, 0.7),
                },
                "name": f"Projected {horizon} months ahead, with its 95% band",
                "hovertemplate": "%{y:,.0f}<extra>" + f"projected {horizon} months ahead</extra>",
            }
        )
    dates = sorted({r["target_date"] for r in rows})
    actual = {r["target_date"]: r["actual"] for r in rows}
    data.append(
        {
            "type": "scatter",
            "x": dates,
            "y": [actual[d] for d in dates],
            "mode": "lines+markers",
            "line": {"color": "#0b0c0c", "width": 2},
            "marker": {"symbol": "square", "size": 7},
            "name": "Actual",
            "hovertemplate": "%{y:,.0f}<extra>actual</extra>",
        }
    )
    layout = chart_layout("Children looked after", "Date checked")
    layout["yaxis"]["rangemode"] = "normal"  # the checks sit close together: start the axis near them
    return with_legend_below({"data": data, "layout": layout})


def backtest_table(results: dict) -> dict | None:
    bt = results.get("backtest") or {}
    if not bt.get("rows") or bt.get("kind") != "rolling":
        return None
    rows = [
        [
            date_label(r["origin"]),
            r["horizon"],
            date_label(r["target_date"]),
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
    table = make_table(
        "backtest",
        "Backtest: projected from earlier dates, against what happened",
        [
            ("Projected from", "text"),
            ("Months ahead", "whole"),
            ("Date checked", "text"),
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
    sentence = coverage_sentence(bt)
    table["question"] = "How well would the model have done? " + (sentence or "")
    table["note"] = (
        f"Each start date is fitted on up to {bt['window_months']} months before it (what was known then); "
        "a group with no children projected or found is not counted as a check. Checks from start dates six "
        "months apart overlap, so they are not independent."
    )
    bias = bias_sentence(bt)
    if bias:
        table["note"] += " " + bias
    table["figure"] = _figure(bt)
    return table


def bias_sentence(bt: dict) -> str | None:
    """Whether the first year leans one way: the range of the mean error a year ahead over the groups."""
    bias = {
        g: b["mean_error"]
        for g, b in (bt.get("first_year_bias") or {}).items()
        if b["mean_error"] is not None
    }
    if not bias:
        return None
    low, high = min(bias, key=bias.get), max(bias, key=bias.get)
    horizon = (bt.get("horizons") or [12])[0]
    return (
        f"Average error {horizon} months ahead, by group: lowest {fmt(bias[low], 'signed')} children, "
        f"{group_label(low)}; highest {fmt(bias[high], 'signed')}, {group_label(high)}."
    )


def summary_view(table: dict, results: dict) -> dict:
    """The page's view of the backtest: per placement group (and all children) and months ahead, how many
    checks held the actual in the band and the average error; the CSV and XLSX keep every check."""
    bt = results.get("backtest") or {}
    groups = [*results.get("groups", []), "total"]
    rows = []
    for group in groups:
        for horizon in bt.get("horizons", []):
            checks = [r for r in bt.get("rows", []) if r["group"] == group and r["horizon"] == horizon]
            if not checks:
                continue
            errors = [r["error"] for r in checks if r["error"] is not None]
            pcts = [abs(r["pct_error"]) for r in checks if r["pct_error"] is not None]
            within = sum(1 for r in checks if r["within_band"])
            rows.append(
                [
                    group_label(group),
                    horizon,
                    f"{within} of {len(checks)}",
                    sum(errors) / len(errors) if errors else None,
                    sum(abs(e) for e in errors) / len(errors) if errors else None,
                    sum(pcts) / len(pcts) if pcts else None,
                ]
            )
    view = make_table(
        table["id"],
        "Backtest by placement group: checks with the actual in the 95% band, and the average error",
        [
            ("Placement group", "text"),
            ("Months ahead", "whole"),
            ("Actual within the band", "text"),
            ("Average error (projected − actual)", "signed"),
            ("Average size of the error", "count"),
            ("Average size of the error %", "pct"),
        ],
        rows,
    )
    keep = {k: v for k, v in table.items() if k not in ("title", "columns", "rows", "cells")}
    note = (keep.get("note") or "") + " The CSV has every check: each start date, group and date checked."
    return {**keep, **view, "note": note.strip()}
