"""The placements dashboard's charts: which measures each draws, and pure functions from series to figures.

A figure is plain plotly figure JSON (a dict), built directly rather than through plotly.graph_objects,
whose validation costs tens of milliseconds a figure; static/js/charts.js draws it with plotly.js.
Every figure has the same numbers as a table (`chart_table`) and a CSV download.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from placements.groups import GROUP_MEASURES
from sufficiency.templatetags.portal_format import collection_year, measure_value

# Okabe–Ito palette (distinguishable with colour-blindness); every series also differs by dash or marker.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon"]


@dataclass(frozen=True)
class ChartSpec:
    id: str
    title: str
    measures: list[str]
    kind: str = "line"  # line | stacked
    comparators: bool = False
    published: bool = True
    extra_published: list[str] = field(default_factory=list)  # published-only codes drawn too
    y_title: str = "Children"
    question: str = ""


CHARTS: list[ChartSpec] = [
    ChartSpec(
        "cla",
        "Children looked after at 31 March",
        ["cla_31_march"],
        question="How many children are looked after?",
    ),
    ChartSpec(
        "flows",
        "Children starting and ceasing to be looked after",
        ["starts", "ceases"],
        question="How fast do children come into care and leave it?",
    ),
    ChartSpec(
        "rate",
        "Children looked after per 10,000 children aged 0 to 17",
        ["rate_per_10k"],
        comparators=True,
        y_title="Rate per 10,000",
        question="How does the rate compare with England, the region and statistical neighbours?",
    ),
    ChartSpec(
        "placement_mix",
        "Where children live: placement type at 31 March",
        list(GROUP_MEASURES),
        kind="stacked",
        question="Where do children live?",
    ),
    ChartSpec(
        "fostering",
        "Foster care: in-house, agency, and relatives or friends",
        ["placement_fostered_in_house", "placement_fostered_agency", "placement_fostered_relative_friend"],
        question="How much foster care is provided in-house rather than by agencies?",
    ),
    ChartSpec(
        "residential",
        "Children in residential care and semi-independent living",
        ["placement_residential", "placement_semi_independent"],
        extra_published=["residential_count"],
        question="How many children live in residential care?",
    ),
    ChartSpec(
        "residential_share",
        "In-house share of residential placements",
        [],
        extra_published=["residential_in_house_share_pct"],
        y_title="Per cent",
        question="How much residential care does the authority provide itself?",
    ),
    ChartSpec(
        "stability",
        "Placement stability",
        ["stability_3plus_pct", "long_term_stability_pct"],
        comparators=True,
        y_title="Per cent",
        question="How stable are children's placements?",
    ),
    ChartSpec(
        "distance",
        "Children placed more than 20 miles from home",
        ["distance_over_20_pct"],
        comparators=True,
        y_title="Per cent",
        question="How far from home do children live?",
    ),
    ChartSpec(
        "uasc",
        "Unaccompanied asylum-seeking children looked after at 31 March",
        ["uasc_31_march"],
        question="How many children looked after are unaccompanied asylum seekers?",
    ),
    ChartSpec(
        "age",
        "Age at 31 March",
        ["age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_plus"],
        kind="stacked",
        question="How old are the children looked after?",
    ),
    ChartSpec(
        "sex",
        "Sex",
        ["sex_male", "sex_female"],
        kind="stacked",
        question="Are the children looked after boys or girls?",
    ),
    ChartSpec(
        "need",
        "Category of need",
        [f"cin_N{i}" for i in range(1, 9)],
        kind="stacked",
        question="Why did children come into care?",
    ),
]
CHARTS_BY_ID = {c.id: c for c in CHARTS}


@dataclass
class Series:
    name: str
    source: str  # computed | published | england | region | sn_average
    measure: str
    values: dict[int, float | None]
    unit: str = "count"  # count | percent | rate, as the measures registry gives it

    def held(self) -> dict[int, float]:
        """The years with a figure (a blank comparator row is not a figure)."""
        return {y: v for y, v in self.values.items() if v is not None}


# Room under the plot for the x-axis tick labels; charts.js adds more at phone width, where they turn.
X_SPACE = 45
PLOT_HEIGHT = 300
LEGEND_FONT = 13
# Characters of a legend entry per line at the desktop width; charts.js re-wraps for the real width.
LEGEND_CHARS = 100


def legend_below(layout: dict, names: list[str], *, x_title: bool = False, title: str = "") -> dict:
    """Put the legend under the plot, one entry a line, and grow the figure so nothing overlaps.

    The x-axis labels (and title, when there is one) sit between the plot and the legend; the figure's
    height is the plot's plus the legend's, so a long legend never squeezes or covers the plot.
    `layout.meta.legend_below` tells static/js/charts.js to re-wrap the names for the screen's width
    (at phone width a name takes several lines) and recompute the same heights.
    """
    x_space = X_SPACE + (25 if x_title else 0)
    lines = sum(max(1, -(-len(n) // LEGEND_CHARS)) for n in names)
    if title:
        lines += max(1, -(-len(title) // LEGEND_CHARS))
    legend_height = lines * 19 + len(names) * 4 + 16
    top = layout.get("margin", {}).get("t", 20)
    layout["showlegend"] = True
    layout["height"] = top + PLOT_HEIGHT + x_space + legend_height
    layout["margin"] = {**layout.get("margin", {}), "t": top, "b": x_space + legend_height}
    legend = {
        "orientation": "v",
        "x": 0,
        "xanchor": "left",
        "y": -x_space / PLOT_HEIGHT,
        "yanchor": "top",
        "traceorder": "normal",
        "tracegroupgap": 2,
        "font": {"size": LEGEND_FONT},
        # In pixels: by default a vertical legend may be no taller than the plot, and scrolls.
        "maxheight": legend_height + 200,
    }
    if title:
        legend["title"] = {"text": title, "side": "top"}
    layout["legend"] = legend
    layout["meta"] = {"legend_below": True, "plot_height": PLOT_HEIGHT, "x_space": x_space}
    return layout


def nice_axis_top(largest: float, unit: str = "count") -> tuple[float, float]:
    """(top, tick step) of a y axis from 0 that holds `largest` with a little room, on round ticks.

    The top tick is always at or above the largest value drawn, so a 9% point never sits above an
    axis labelled up to 8. Counts step by whole numbers; percentages stop at 100 when they can.
    """
    if largest is None or largest <= 0:
        return (1.0, 1.0) if unit == "count" else (10.0, 2.0)
    target = largest * 1.08
    magnitude = 10 ** math.floor(math.log10(target / 5))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if unit == "count" and step < 1:
            continue
        if unit == "count" and not float(step).is_integer():
            continue
        if target / step <= 6:
            break
    top = step * math.ceil(target / step - 1e-9)
    if unit == "percent" and largest <= 100 < top:
        top = 100.0
    return float(top), float(step)


def _label(year: int) -> str:
    return collection_year(year)


def _display(value: float | None, unit: str) -> str:
    return measure_value(value, unit)


def _style(series: Series, index: int) -> tuple[str, str]:
    """(colour, bar pattern) of a series: each series its own colour and pattern, so print and colour-blind
    readers can tell them apart."""
    pattern = ["", "/", "\\", "x", "-", "|", "+", "."][index % 8]
    return PALETTE[index % len(PALETTE)], pattern


def _trace(series: Series, index: int, kind: str) -> dict:
    colour, pattern = _style(series, index)
    held = series.held()
    if kind == "single":
        years = sorted(held)
    else:
        years = sorted(series.values)
    x = [_label(y) for y in years]
    y = [series.values.get(year) for year in years]
    hover_name = series.name.replace("<", "")
    trace = {
        "x": x,
        "y": y,
        "name": series.name,
        "text": [_display(v, series.unit) for v in y],
        "hovertemplate": "%{x}: %{text}<extra>" + hover_name + "</extra>",
        "legendgroup": series.measure if kind == "stacked" else series.name,
    }
    if kind in ("stacked", "single"):
        trace.update(
            {
                "type": "bar",
                "marker": {
                    "color": colour,
                    "pattern": {"shape": pattern},
                    "line": {"color": "#0b0c0c", "width": 1} if series.source == "published" else {"width": 0},
                },
            }
        )
        if kind == "single":
            # The figure printed on its bar: a lone figure is read, not compared with an axis.
            trace.update({"textposition": "outside", "cliponaxis": False, "textfont": {"size": 14}})
        else:
            trace["textposition"] = "none"
        if series.source == "published" and kind == "stacked":
            trace["opacity"] = 0.7
    else:
        published = series.source == "published"
        trace.update(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "connectgaps": False,
                "line": {
                    "color": colour,
                    "dash": "dot" if published else DASHES[index % len(DASHES)],
                    "width": 3,
                },
                "marker": {"symbol": MARKERS[index % len(MARKERS)], "size": 9},
            }
        )
    return trace


def chart_kind(spec: ChartSpec, series: list[Series]) -> str:
    """stacked | single | line. A chart whose every series holds one year at most draws labelled bars:
    a line chart of lone points hides the figure and its comparator on a wide empty axis."""
    if spec.kind == "stacked":
        return "stacked"
    if series and all(len(s.held()) <= 1 for s in series):
        return "single"
    return "line"


def chart_years(series: list[Series], kind: str = "line") -> list[int]:
    """The x axis: every year from the first held to the last, in time order (bars: held years only)."""
    held = sorted({y for s in series for y in s.held()})
    if not held:
        return []
    if kind == "single":
        return held
    return list(range(held[0], held[-1] + 1))


def _largest(series: list[Series], kind: str) -> float:
    if kind == "stacked":
        totals: dict[int, float] = {}
        for s in series:
            for year, value in s.held().items():
                if value > 0:
                    totals[year] = totals.get(year, 0.0) + value
        return max(totals.values(), default=0.0)
    return max((v for s in series for v in s.held().values()), default=0.0)


def chart_figure(spec: ChartSpec, series: list[Series]) -> dict:
    """Plotly figure JSON for a chart's series.

    The x axis lists every collection year in time order (a category axis otherwise orders years by
    the first series that holds them); the y axis runs from 0 to a round number above every value
    drawn; the legend is always shown, under the plot.
    """
    kind = chart_kind(spec, series)
    unit = series[0].unit if series else "count"
    labels = [_label(y) for y in chart_years(series, kind)]
    top, step = nice_axis_top(_largest(series, kind), unit)
    if kind == "single":
        top, step = nice_axis_top(top * 1.1, unit)  # room for the figure printed above the bar
    y_axis = {
        "title": {"text": spec.y_title},
        "range": [0, top],
        "dtick": step,
        "tick0": 0,
        "tickformat": ",",
        "fixedrange": True,
        "automargin": True,
    }
    if unit == "percent":
        y_axis["ticksuffix"] = "%"
    layout = {
        "title": {"text": ""},
        "font": {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        "margin": {"l": 60, "r": 20, "t": 20},
        "xaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "range": [-0.5, len(labels) - 0.5],
            "automargin": False,
            "fixedrange": True,
        },
        "yaxis": y_axis,
        "hovermode": "closest" if kind == "single" else "x unified",
    }
    if kind == "stacked":
        layout["barmode"] = "stack"
    elif kind == "single":
        layout.update({"barmode": "group", "bargap": 0.35, "bargroupgap": 0.08})
    legend_below(layout, [s.name for s in series])
    return {"data": [_trace(s, i, kind) for i, s in enumerate(series)], "layout": layout}


def chart_table(series: list[Series]) -> dict:
    """The chart's numbers as a table: one row a year (in time order), one column a series.

    `values` keep the stored figure rounded as the exports write it; `cells` are the page's text in
    the portal's one style (counts whole with separators, percentages "9.0%")."""
    years = sorted({y for s in series for y in s.held()})
    return {
        "columns": [s.name for s in series],
        "rows": [
            {
                "year": y,
                "label": _label(y),
                "values": [_cell(s, y) for s in series],
                "cells": [_display(s.values.get(y), s.unit) for s in series],
            }
            for y in years
        ],
    }


def _cell(series: Series, year: int) -> int | float | None:
    """A table cell as the exports write it: counts of whole children whole, others to one decimal;
    a count held with decimals (a neighbours' average) keeps them."""
    value = series.values.get(year)
    if value is None:
        return None
    if series.unit == "count" and float(value).is_integer():
        return int(value)
    return round(value, 1)
