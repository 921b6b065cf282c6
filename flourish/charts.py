"""A measure's trend chart: plotly figure JSON, the same numbers as a table, a CSV, and a static SVG
for the PDF report (WeasyPrint cannot run plotly.js). Pure functions over `assess.Point` lists."""

from __future__ import annotations

import io
from html import escape

from flourish.assess import Point
from flourish.periods import period_label
from sufficiency import csvsafe

# Okabe–Ito palette as in placements.charts; every series also differs by dash and marker.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x"]
SERIES = [
    ("value", "Norfolk"),
    ("england", "England"),
    ("region", "Region"),
    ("sn_average", "Statistical neighbour average"),
]


def _targets(points: list[Point], target) -> list[float | None] | None:
    """The target per point: `target` is one value, a list (one per point, for staged targets) or None."""
    if target is None:
        return None
    values = list(target) if isinstance(target, list | tuple) else [target] * len(points)
    return values if any(v is not None for v in values) else None


def series(points: list[Point]) -> list[tuple[str, list[float | None]]]:
    """(name, values) for Norfolk and each comparator that has any value."""
    out = []
    for attr, name in SERIES:
        values = [getattr(p, attr) for p in points]
        if any(v is not None for v in values):
            out.append((name, values))
    return out


def figure(points: list[Point], *, unit: str = "", target=None) -> dict:
    """Plotly figure JSON: the measure and its comparators by period, and the target as a line."""
    x = [period_label(p.period) for p in points]
    data = []
    single = len(points) == 1
    for i, (name, values) in enumerate(series(points)):
        if single:
            # One period: labelled bars side by side (a lone dot on a wide axis hides its point).
            data.append(
                {
                    "type": "bar",
                    "x": x,
                    "y": values,
                    "name": name,
                    "marker": {"color": PALETTE[i]},
                    "text": [_axis(v) if v is not None else "" for v in values],
                    "textposition": "outside",
                    "cliponaxis": False,
                    "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
                }
            )
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": x,
                "y": values,
                "name": name,
                "line": {"color": PALETTE[i], "dash": DASHES[i], "width": 3},
                "marker": {"symbol": MARKERS[i], "size": 9},
                "connectgaps": True,
                "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
            }
        )
    targets = _targets(points, target)
    if targets and x:
        distinct = sorted({v for v in targets if v is not None})
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers" if single else "lines",
                "line_shape": "hv",
                "x": x,
                "y": targets,
                "name": "Target (" + ", ".join(f"{v:g}" for v in distinct) + ")",
                "line": {"color": "#E69F00", "dash": "longdashdot", "width": 2, "shape": "hv"},
                "hovertemplate": "Target: %{y}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            "font": {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
            "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
            "legend": {"orientation": "h", "y": -0.25},
            "showlegend": True,
            **({"barmode": "group", "bargap": 0.5} if single else {}),
            "xaxis": {"title": {"text": "Period"}, "type": "category"},
            "yaxis": {"title": {"text": unit or "Value"}, "rangemode": "tozero"},
            "hovermode": "x unified",
        },
    }


def table(points: list[Point], *, target=None) -> dict:
    """The chart's numbers: one row a period, one column a series (and the target)."""
    cols = series(points)
    targets = _targets(points, target)
    columns = [name for name, _ in cols] + (["Target"] if targets else [])
    rows = []
    for i, p in enumerate(points):
        values = [values[i] for _, values in cols] + ([targets[i]] if targets else [])
        rows.append({"label": period_label(p.period), "values": values, "provisional": p.provisional})
    return {"columns": columns, "rows": rows}


def table_csv(points: list[Point], *, target=None) -> str:
    """The table as CSV text (period, each series, provisional)."""
    data = table(points, target=target)
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(["period", *data["columns"], "provisional"])
    for row in data["rows"]:
        writer.writerow(
            [row["label"], *("" if v is None else f"{v:g}" for v in row["values"]), row["provisional"]]
        )
    return out.getvalue()


def _axis(value: float) -> str:
    """An axis label without scientific notation: 1,310 rather than 1.31e+03."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def svg(points: list[Point], *, title: str, target=None, width: int = 560, height: int = 180) -> str:
    """A static SVG line chart (for the PDF report), with a text legend; empty with fewer than two
    periods (one value is clearer in the table than as a dot)."""
    cols = series(points)
    if not cols or len(points) < 2:
        return ""
    targets = _targets(points, target)
    values = [v for _, vs in cols for v in vs if v is not None] + [v for v in targets or [] if v is not None]
    top = max(values) * 1.1 or 1
    left, right, upper, lower = 50, 10, 10, 40
    w, h = width - left - right, height - upper - lower
    n = len(points)

    def px(i: int) -> float:
        return left + (w * (i + 0.5) / n)

    def py(v: float) -> float:
        return upper + h - (h * v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<line x1="{left}" y1="{upper + h}" x2="{left + w}" y2="{upper + h}" stroke="#0b0c0c"/>',
        f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{upper + h}" stroke="#0b0c0c"/>',
        f'<text x="{left - 5}" y="{upper + 4}" font-size="10" text-anchor="end">{_axis(top)}</text>',
        f'<text x="{left - 5}" y="{upper + h}" font-size="10" text-anchor="end">0</text>',
    ]
    for i, p in enumerate(points):
        parts.append(
            f'<text x="{px(i):.1f}" y="{upper + h + 14}" font-size="10" text-anchor="middle">{escape(period_label(p.period))}</text>'
        )
    dash = ["", "6,3", "2,3", "6,3,2,3", "10,4"]
    for k, (name, vs) in enumerate(cols):
        pts = [(px(i), py(v)) for i, v in enumerate(vs) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{PALETTE[k]}" stroke-width="2" '
            f'stroke-dasharray="{dash[k]}"/>'
        )
        for x, y in pts:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[k]}"/>')
        parts.append(
            f'<text x="{left + 4 + 150 * k}" y="{height - 6}" font-size="10" fill="{PALETTE[k]}">— {escape(name)}</text>'
        )
    if targets:
        # A step line: each period's target drawn across that period's slot.
        slot = w / (2 * n)
        for i, v in enumerate(targets):
            if v is None:
                continue
            parts.append(
                f'<line x1="{px(i) - slot:.1f}" y1="{py(v):.1f}" x2="{px(i) + slot:.1f}" y2="{py(v):.1f}" '
                f'stroke="#E69F00" stroke-dasharray="8,3,2,3"/>'
            )
        last = next(v for v in reversed(targets) if v is not None)
        parts.append(
            f'<text x="{left + w}" y="{py(last) - 3:.1f}" font-size="10" text-anchor="end">Target {last:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
