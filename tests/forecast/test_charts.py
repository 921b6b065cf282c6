"""The forecast's chart helpers (forecast/charts.py)."""

from forecast import charts


def test_axis_margin_fits_long_ticks_and_the_legend_sits_below():
    figure = charts.with_legend_below(
        {
            "data": [{"type": "bar", "x": [1], "y": [14_000_000], "name": "Residential"}],
            "layout": charts.chart_layout("£"),
        }
    )
    layout = figure["layout"]
    assert layout["yaxis"]["automargin"] is True
    assert layout["legend"]["orientation"] == "v" and layout["meta"]["legend_below"]


def test_a_legend_title_is_drawn_at_the_size_charts_js_wraps_it_for():
    figure = charts.with_legend_below(
        {
            "data": [{"type": "scatter", "x": [1], "y": [1], "name": "A"}],
            "layout": charts.chart_layout("Children"),
        },
        title="Solid: actual. Dashed: projected. Shaded: 95% band.",
    )
    legend = figure["layout"]["legend"]
    assert legend["title"]["font"]["size"] == legend["font"]["size"]


def test_projected_hover_shows_whole_children():
    traces = charts.band_traces(
        "Baseline", ["2024-03-31"], {"mean": [1.4], "low": [1], "high": [2]}, "#0072B2"
    )
    assert traces[-1]["hovertemplate"].startswith("%{y:,.0f}")
