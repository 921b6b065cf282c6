"""The dashboard's chart builders: pure functions from series to plotly figure JSON and table views."""

import pytest

from placements.charts import (
    CHARTS_BY_ID,
    Series,
    chart_figure,
    chart_kind,
    chart_table,
    legend_below,
    nice_axis_top,
)


def _computed(code="cla_31_march", values=None, unit="count"):
    return Series(f"{code} (computed from returns)", "computed", code, values or {2024: 2}, unit)


def _published(code="cla_31_march", values=None, unit="count"):
    values = values or {2014: 1077, 2015: 1066, 2020: 1101, 2021: 1083}
    return Series(f"{code} (published, Sufficiency Strategy 2020–23)", "published", code, values, unit)


def test_years_are_in_time_order_whatever_series_comes_first():
    """A computed 2023/24 series drawn first must not put 2023/24 left of the published 2013/14."""
    figure = chart_figure(CHARTS_BY_ID["cla"], [_computed(), _published()])
    axis = figure["layout"]["xaxis"]
    assert axis["categoryorder"] == "array"
    assert axis["categoryarray"] == [f"{y - 1}/{str(y)[-2:]}" for y in range(2014, 2025)]
    for trace in figure["data"]:
        assert trace["x"] == sorted(trace["x"])


def test_a_chart_of_one_series_still_shows_its_legend():
    figure = chart_figure(CHARTS_BY_ID["age"], [_computed("age_under_1", {2019: 81, 2020: 52})])
    assert figure["layout"]["showlegend"] is True
    assert figure["data"][0]["name"].startswith("age_under_1")


@pytest.mark.parametrize(
    "largest, unit, at_least",
    [
        (9.0, "percent", 9.0),
        (8.0, "percent", 8.0),
        (1083, "count", 1083),
        (2, "count", 2),
        (65.1, "rate", 65.1),
    ],
)
def test_axis_top_holds_every_value_on_a_round_tick(largest, unit, at_least):
    top, step = nice_axis_top(largest, unit)
    assert top >= at_least
    assert abs(top / step - round(top / step)) < 1e-9  # the top is a tick
    if unit == "count":
        assert float(step).is_integer()


def test_the_y_axis_of_a_figure_reaches_above_its_largest_value():
    share = Series(
        "In-house share (published)", "published", "residential_in_house_share_pct", {2020: 9.0}, "percent"
    )
    figure = chart_figure(CHARTS_BY_ID["residential_share"], [share])
    low, high = figure["layout"]["yaxis"]["range"]
    assert low == 0 and high >= 9.0 and figure["layout"]["yaxis"]["ticksuffix"] == "%"
    stacked = chart_figure(
        CHARTS_BY_ID["sex"],
        [_computed("sex_male", {2024: 600}), _computed("sex_female", {2024: 500})],
    )
    assert stacked["layout"]["yaxis"]["range"][1] >= 1100  # the stack's total, not its largest part


def test_lone_figures_are_labelled_bars_with_their_comparator():
    spec = CHARTS_BY_ID["distance"]
    series = [
        _computed("distance_over_20_pct", {2024: 50.0}, "percent"),
        Series("England", "england", "distance_over_20_pct", {2024: 18.0}, "percent"),
    ]
    assert chart_kind(spec, series) == "single"
    figure = chart_figure(spec, series)
    assert {t["type"] for t in figure["data"]} == {"bar"}
    assert [t["text"] for t in figure["data"]] == [["50.0%"], ["18.0%"]]
    assert figure["layout"]["barmode"] == "group"
    # Two years of the same measure make a line again.
    assert (
        chart_kind(spec, [_computed("distance_over_20_pct", {2023: 40.0, 2024: 50.0}, "percent")]) == "line"
    )


def test_blank_comparator_years_are_not_figures():
    blank = Series("England", "england", "rate_per_10k", {2024: None}, "rate")
    assert blank.held() == {}
    figure = chart_figure(
        CHARTS_BY_ID["rate"], [_computed("rate_per_10k", {2023: 60.0, 2024: 61.5}, "rate"), blank]
    )
    assert figure["layout"]["xaxis"]["categoryarray"] == ["2022/23", "2023/24"]


def test_table_view_uses_the_portal_number_style_and_downloads_keep_decimals():
    neighbours = Series("Neighbours", "sn_average", "uasc_31_march", {2020: 7.7}, "count")
    table = chart_table([_published(values={2021: 1083}), neighbours])
    rows = {r["label"]: r for r in table["rows"]}
    assert rows["2020/21"]["cells"] == ["1,083", "–"]
    assert rows["2019/20"]["cells"] == ["–", "8"]  # children are whole on the page
    assert rows["2019/20"]["values"] == [None, 7.7]  # the download keeps the decimal
    assert [r["label"] for r in table["rows"]] == ["2019/20", "2020/21"]


def test_hover_and_labels_use_the_same_formatting():
    figure = chart_figure(CHARTS_BY_ID["cla"], [_published(values={2020: 15000, 2021: 1083})])
    trace = figure["data"][0]
    assert trace["text"] == ["15,000", "1,083"]
    assert "%{text}" in trace["hovertemplate"]
    assert figure["layout"]["yaxis"]["tickformat"] == ","


def test_legend_sits_below_the_axis_and_the_figure_grows_with_it():
    short = legend_below({"margin": {"t": 20}}, ["One"])
    long = legend_below({"margin": {"t": 20}}, [f"Series number {i} " * 12 for i in range(8)], x_title=True)
    assert long["height"] > short["height"]
    for layout in (short, long):
        assert layout["showlegend"] is True
        assert layout["legend"]["orientation"] == "v" and layout["legend"]["yanchor"] == "top"
        assert layout["legend"]["y"] < 0  # under the plot
        # The bottom margin holds the axis labels (and title) and the whole legend.
        assert layout["margin"]["b"] == layout["meta"]["x_space"] + (
            layout["height"]
            - layout["margin"]["t"]
            - layout["meta"]["plot_height"]
            - layout["meta"]["x_space"]
        )
    assert long["meta"]["x_space"] > short["meta"]["x_space"]  # room for the x-axis title


def test_forecast_figures_put_their_legend_below_the_axis_title():
    from forecast.charts import split_figure

    results = {
        "dates": ["2025-03-31", "2026-03-31"],
        "history": {"dates": ["2024-03-31"], "groups": {"a": [10], "b": [5]}},
        "groups": {k: {"mean": [10, 11], "low": [9, 9], "high": [11, 13]} for k in ("a", "b")},
    }
    figure = split_figure(results, "groups", ["a", "b"], str.upper)
    layout = figure["layout"]
    assert layout["meta"]["legend_below"] and layout["legend"]["y"] < 0
    assert layout["legend"]["title"]["text"].startswith("Solid: actual")
    assert layout["margin"]["b"] >= 70  # axis labels and the "Date" title sit above the legend
