"""A scenario beside its baseline: children by placement group per year, and the two totals on one chart."""

from __future__ import annotations

from forecast.charts import band_traces, chart_layout, history_trace, with_legend_below
from forecast.formatting import group_label, make_table, rounded
from placements.charts import DASHES, PALETTE


def yearly_points(results: dict) -> list[int]:
    n = len(results["dates"])
    points = list(range(0, n, 12))
    if points[-1] != n - 1:
        points.append(n - 1)
    return points


def compare_groups_table(baseline: dict, scenario: dict) -> dict:
    rows = []
    for i in yearly_points(baseline):
        for g in [*baseline["groups"], "total"]:
            b = baseline["total"] if g == "total" else baseline["by_group"][g]
            s = scenario["total"] if g == "total" else scenario["by_group"][g]
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


def compare_figure(baseline: dict, scenario: dict, scenario_name: str) -> dict:
    data = [
        history_trace(
            "All placements", baseline["history"]["dates"], baseline["history"]["total"], PALETTE[6], 0
        )
    ]
    data += band_traces("Baseline", baseline["dates"], baseline["total"], PALETTE[0])
    data += band_traces(scenario_name, scenario["dates"], scenario["total"], PALETTE[1])
    data[-1]["line"]["dash"] = DASHES[2]
    return with_legend_below({"data": data, "layout": chart_layout("Children looked after")})
