"""The placements dashboard's charts: which measures each draws, and pure functions from series to figures.

A figure is plain plotly figure JSON (a dict), built directly rather than through plotly.graph_objects,
whose validation costs tens of milliseconds a figure; static/js/charts.js draws it with plotly.js.
Every figure has the same numbers as a table (`chart_table`) and a CSV download.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
        [
            "placement_fostered_relative_friend",
            "placement_fostered_in_house",
            "placement_fostered_agency",
            "placement_adoption",
            "placement_with_parents",
            "placement_residential",
            "placement_semi_independent",
            "placement_other",
        ],
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


def _trace(series: Series, index: int, kind: str) -> dict:
    colour = PALETTE[index % len(PALETTE)]
    years = sorted(series.values)
    trace = {
        "x": [f"{y - 1}/{str(y)[-2:]}" for y in years],
        "y": [series.values[y] for y in years],
        "name": series.name,
        "hovertemplate": "%{x}: %{y}<extra>" + series.name.replace("<", "") + "</extra>",
    }
    if kind == "stacked":
        trace.update(
            {
                "type": "bar",
                "marker": {
                    "color": colour,
                    "pattern": {"shape": ["", "/", "\\", "x", "-", "|", "+", "."][index % 8]},
                },
            }
        )
    else:
        published = series.source == "published"
        trace.update(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "line": {
                    "color": colour,
                    "dash": "dot" if published else DASHES[index % len(DASHES)],
                    "width": 3,
                },
                "marker": {"symbol": MARKERS[index % len(MARKERS)], "size": 9},
            }
        )
    return trace


def chart_figure(spec: ChartSpec, series: list[Series]) -> dict:
    """Plotly figure JSON for a chart's series."""
    figure = {
        "data": [_trace(s, i, spec.kind) for i, s in enumerate(series)],
        "layout": {
            "title": {"text": ""},
            "font": {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
            # Room for the legend below the plot: one line a series, so it never covers the axis.
            "height": 320 + 24 * len(series),
            "margin": {"l": 60, "r": 20, "t": 20, "b": 40 + 24 * len(series)},
            "legend": {"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0},
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {"title": {"text": spec.y_title}, "rangemode": "tozero"},
            "hovermode": "x unified",
        },
    }
    if spec.kind == "stacked":
        figure["layout"]["barmode"] = "stack"
    return figure


def chart_table(series: list[Series]) -> dict:
    """The chart's numbers as a table: one row a year, one column a series."""
    years = sorted({y for s in series for y in s.values})
    return {
        "columns": [s.name for s in series],
        "rows": [
            {"year": y, "label": f"{y - 1}/{str(y)[-2:]}", "values": [_cell(s, y) for s in series]}
            for y in years
        ],
    }


def _cell(series: Series, year: int) -> int | float | None:
    """A table cell as the pages and exports print it: counts whole, rates and percentages to one decimal."""
    from placements.selectors import measure_unit

    value = series.values.get(year)
    if value is None:
        return None
    return int(round(value)) if measure_unit(series.measure) == "count" else round(value, 1)
