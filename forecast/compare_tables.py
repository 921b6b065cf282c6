"""A scenario beside its baseline: the headline difference, the difference by placement group at each year end
(chart and table), the two totals on one chart (and its table), and children by placement group per year."""

from __future__ import annotations

from datetime import date

from forecast.charts import band_traces, chart_layout, history_trace, with_legend_below
from forecast.formatting import children_change, date_label, group_label, make_table, rounded
from placements.charts import DASHES, PALETTE

# Months of actual history drawn before the projection on the comparison chart: enough to see the trend,
# few enough that the axis is scaled to the projection and the gap between the two lines shows.
COMPARE_HISTORY_MONTHS = 24
HEADLINE_GROUPS = 3  # groups named in the headline, the largest changes first
BAR_PATTERNS = ["", "/", "\\", "x", "-", "|", "+", "."]


def yearly_points(results: dict) -> list[int]:
    """Indexes of the start, each year on from it and the horizon's end."""
    n = len(results["dates"])
    points = list(range(0, n, 12))
    if points[-1] != n - 1:
        points.append(n - 1)
    return points


def _series(results: dict, group: str) -> dict:
    return results["total"] if group == "total" else results["by_group"][group]


def differences(baseline: dict, scenario: dict) -> dict[str, list[float]]:
    """Scenario minus baseline (projected mean) per group and in total, at every projection date."""
    out = {}
    for g in [*baseline["groups"], "total"]:
        b, s = _series(baseline, g)["mean"], _series(scenario, g)["mean"]
        out[g] = [(sv or 0.0) - (bv or 0.0) for bv, sv in zip(b, s, strict=True)]
    return out


def changed_groups(baseline: dict, scenario: dict, index: int = -1) -> list[tuple[str, int]]:
    """(group, whole children) of the groups whose difference at `index` rounds to a child or more, the
    largest change first; the total last."""
    diff = differences(baseline, scenario)
    changes = [(g, round(d[index])) for g, d in diff.items() if g != "total" and round(d[index])]
    changes.sort(key=lambda c: -abs(c[1]))
    if round(diff["total"][index]):
        changes.append(("total", round(diff["total"][index])))
    return changes


def children_headline(baseline: dict, scenario: dict) -> dict:
    """The difference in children at the horizon's end as a sentence: the total first when it changes, then
    the groups that change most: "By 31 March 2027: 139 fewer children looked after in all: 36 fewer in
    in-house fostering, 32 fewer in agency fostering, 23 fewer in residential care and smaller changes in 5
    other groups", or for a move between groups "23 fewer children in residential care, 21 more in in-house
    fostering". The table and the difference chart have every group."""
    end = baseline["dates"][-1]
    changes = changed_groups(baseline, scenario)
    groups = [(g, n) for g, n in changes if g != "total"]
    named, rest = groups[:HEADLINE_GROUPS], groups[HEADLINE_GROUPS:]
    total_first = bool(changes) and changes[-1][0] == "total"  # then "children" is said once, with it
    words = [children_change(n, g, first=i == 0 and not total_first) for i, (g, n) in enumerate(named)]
    if rest:
        words[-1] += f" and smaller changes in {len(rest)} other group{'s' if len(rest) > 1 else ''}"
    text = ", ".join(words)
    if total_first:
        total = children_change(changes[-1][1], "total")
        text = f"{total}: {text}" if text else total
    if not changes:
        text = "no placement group differs from the baseline by a whole child"
    return {"date": end, "date_label": date_label(end), "changes": changes, "text": text}


def _difference_groups(baseline: dict, scenario: dict) -> list[str]:
    """The placement groups that differ by half a child or more at some year end. Not the total: it is the
    sum of the groups, would dwarf them on one axis, and is the gap of the two-line chart beside it."""
    diff = differences(baseline, scenario)
    points = yearly_points(baseline)[1:]
    return [g for g, d in diff.items() if g != "total" and any(abs(d[i]) >= 0.5 for i in points)]


def difference_table(baseline: dict, scenario: dict) -> dict:
    """Scenario minus baseline by placement group at each year end: one row a group, one column a date."""
    diff = differences(baseline, scenario)
    points = yearly_points(baseline)[1:]
    rows = [[group_label(g), *(rounded(d[i]) for i in points)] for g, d in diff.items()]
    return make_table(
        "compare_difference",
        "Difference in children looked after, scenario minus baseline",
        [("Placement group", "text"), *((date_label(baseline["dates"][i]), "signed") for i in points)],
        rows,
    )


def difference_figure(baseline: dict, scenario: dict) -> dict:
    """Bars of scenario minus baseline at each year end, one colour and pattern per placement group that
    changes, with zero marked: the gap read directly, whatever the size of the totals."""
    diff = differences(baseline, scenario)
    points = yearly_points(baseline)[1:]
    xs = [f"{date.fromisoformat(baseline['dates'][i]):%b %Y}" for i in points]  # short: fits at phone width
    data = []
    for i, g in enumerate(_difference_groups(baseline, scenario)):
        colour = PALETTE[baseline["groups"].index(g) % len(PALETTE)]  # as on the run page's chart by group
        name = group_label(g)
        data.append(
            {
                "type": "bar",
                "x": xs,
                "y": [round(diff[g][p], 1) for p in points],
                "name": name,
                "marker": {
                    "color": colour,
                    "line": {"color": colour, "width": 1},
                    "pattern": {"shape": BAR_PATTERNS[i % len(BAR_PATTERNS)]},
                },
                "hovertemplate": "%{y:+,.0f}<extra>" + name + "</extra>",
            }
        )
    layout = chart_layout("Children, scenario − baseline", "Year end")
    layout["xaxis"] = {**layout["xaxis"], "type": "category", "tickformat": ""}
    layout["yaxis"] = {
        **layout["yaxis"],
        "rangemode": "normal",
        "zeroline": True,
        "zerolinecolor": "#0b0c0c",
        "zerolinewidth": 2,
        "tickformat": "+,.0f",
    }
    layout["barmode"] = "group"
    layout["hovermode"] = "closest"
    return with_legend_below({"data": data, "layout": layout})


def compare_groups_table(baseline: dict, scenario: dict) -> dict:
    rows = []
    for i in yearly_points(baseline)[1:]:  # at the start the two are the same
        for g in [*baseline["groups"], "total"]:
            b, s = _series(baseline, g), _series(scenario, g)
            rows.append(
                [
                    baseline["dates"][i],
                    group_label(g),
                    rounded(b["mean"][i]),
                    rounded(s["mean"][i]),
                    rounded(s["mean"][i] - b["mean"][i]),
                    rounded(s["low"][i]),
                    rounded(s["high"][i]),
                ]
            )
    return make_table(
        "compare_groups",
        "Children looked after by placement group: baseline and scenario",
        [
            ("Date", "date"),
            ("Placement group", "text"),
            ("Baseline", "count"),
            ("Scenario", "count"),
            ("Difference", "signed"),
            ("Scenario lower 95%", "count"),
            ("Scenario upper 95%", "count"),
        ],
        rows,
    )


def compare_total_table(baseline: dict, scenario: dict) -> dict:
    """The figures of the two-line chart: the baseline's and the scenario's total, with their 95% bands, at
    every projection month (the page shows the year ends)."""
    b, s = baseline["total"], scenario["total"]
    rows = [
        [
            d,
            rounded(b["mean"][i]),
            rounded(b["low"][i]),
            rounded(b["high"][i]),
            rounded(s["mean"][i]),
            rounded(s["low"][i]),
            rounded(s["high"][i]),
        ]
        for i, d in enumerate(baseline["dates"])
    ]
    return make_table(
        "compare_total",
        "Children looked after in all: baseline and scenario",
        [
            ("Date", "date"),
            ("Baseline", "count"),
            ("Baseline lower 95%", "count"),
            ("Baseline upper 95%", "count"),
            ("Scenario", "count"),
            ("Scenario lower 95%", "count"),
            ("Scenario upper 95%", "count"),
        ],
        rows,
    )


def year_ends_view(table: dict, results: dict) -> dict:
    """The table's rows at the start, each year end and the horizon's end (the page); the CSV keeps every
    month."""
    keep = {results["dates"][i] for i in yearly_points(results)}
    picked = [i for i, row in enumerate(table["rows"]) if row[0] in keep]
    return {
        **table,
        "rows": [table["rows"][i] for i in picked],
        "cells": [table["cells"][i] for i in picked],
        "note": "The start and each year on; the CSV has every month.",
    }


def compare_figure(baseline: dict, scenario: dict, scenario_name: str) -> dict:
    """The two totals with their bands, after the last two years of actual figures; the y-axis is fitted to
    what is drawn (not from 0), so the gap between the lines is visible."""
    hist = baseline["history"]
    start = baseline["dates"][0]
    keep = [i for i, d in enumerate(hist["dates"]) if d <= start][-(COMPARE_HISTORY_MONTHS + 1) :]
    data = [
        history_trace(
            "All placements",
            [hist["dates"][i] for i in keep],
            [hist["total"][i] for i in keep],
            PALETTE[6],
            0,
        )
    ]
    data += band_traces("Baseline", baseline["dates"], baseline["total"], PALETTE[0])
    data += band_traces(scenario_name, scenario["dates"], scenario["total"], PALETTE[1])
    data[-1]["line"]["dash"] = DASHES[2]
    layout = chart_layout("Children looked after")
    layout["yaxis"]["rangemode"] = "normal"
    return with_legend_below({"data": data, "layout": layout})
