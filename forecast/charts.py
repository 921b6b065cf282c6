"""The forecast's charts: plain plotly JSON built from a stored result (drawn by static/js/charts.js)."""

from __future__ import annotations

from placements.charts import MARKERS, PALETTE, legend_below


def chart_layout(y_title: str, x_title: str = "Date") -> dict:
    return {
        "title": {"text": ""},
        "font": {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        "margin": {"l": 70, "r": 20, "t": 20},
        "xaxis": {"title": {"text": x_title}, "type": "date", "tickformat": "%b %Y"},
        # automargin: the margin grows to fit long tick labels ("14,000,000") beside the axis title
        "yaxis": {
            "title": {"text": y_title},
            "rangemode": "tozero",
            "tickformat": ",.0f",
            "automargin": True,
        },
        "hovermode": "x unified",
    }


def band_traces(name: str, dates: list[str], s: dict, colour: str, legend: bool = True) -> list[dict]:
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
            "fillcolor": rgba(colour, 0.18),
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
            "hovertemplate": "%{y:,.0f}<extra>" + name + " projected</extra>",
        },
    ]


def rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def history_trace(name: str, dates: list[str], values: list, colour: str, index: int) -> dict:
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
        history_trace("All placements", results["history"]["dates"], results["history"]["total"], colour, 0)
    ]
    data += band_traces("All placements", results["dates"], results["total"], colour)
    return with_legend_below({"data": data, "layout": chart_layout("Children looked after")})


def split_figure(results: dict, key: str, keys: list[str], label) -> dict:
    """One colour per group or band: actual solid, projected dashed, 95% band shaded; one legend entry each
    (clicking it hides all three)."""
    data = []
    for i, k in enumerate(keys):
        colour = PALETTE[i % len(PALETTE)]
        history = history_trace(label(k), results["history"]["dates"], results["history"][key][k], colour, i)
        history["showlegend"] = False
        data.append(history)
        traces = band_traces(label(k), results["dates"], results[key][k], colour, legend=False)
        traces[-1]["name"] = label(k)
        data += traces
    layout = chart_layout("Children looked after")
    return with_legend_below(
        {"data": data, "layout": layout}, title="Solid: actual. Dashed: projected. Shaded: 95% band."
    )


def with_legend_below(figure: dict, title: str = "") -> dict:
    """The legend under the x-axis title, one entry a line, the figure as tall as it needs (charts.py)."""
    names = [t["name"] for t in figure["data"] if t.get("showlegend", True) and t.get("name")]
    legend_below(figure["layout"], names, x_title=True, title=title)
    if title:
        # plotly draws a legend's title a fifth larger than its entries unless told; charts.js wraps the title
        # at the entries' size, so at that larger size a long title ran past the chart's right edge
        legend = figure["layout"]["legend"]
        legend["title"]["font"] = {"size": legend["font"]["size"]}
    return figure
