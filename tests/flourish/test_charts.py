import pytest

from flourish import charts
from flourish.assess import Point


def _points():
    return [
        Point("2022", None, 55, england=59),
        Point("2023", None, 56, provisional=True),
    ]


def test_figure_has_norfolk_comparator_and_target():
    fig = charts.figure(_points(), unit="%", target=65)
    names = [t["name"] for t in fig["data"]]
    assert names == ["Norfolk", "England", "Target (65)"]
    assert fig["data"][1]["y"] == [59, None]


def test_table_and_csv_match():
    table = charts.table(_points(), target=65)
    assert table["columns"] == ["Norfolk", "England", "Target"]
    assert table["rows"][1] == {"label": "2023", "values": [56, None, 65], "provisional": True}
    text = charts.table_csv(_points(), target=65)
    assert text.splitlines()[0] == "period,Norfolk,England,Target,provisional"
    assert text.splitlines()[2] == "2023,56,,65,True"


def test_svg_escapes_and_draws():
    svg = charts.svg([Point("<2022>", None, 5), Point("2023", None, 1500)], title="A & B", target=6)
    assert svg.startswith("<svg") and "&lt;2022&gt;" in svg and "A &amp; B" in svg and "Target 6" in svg
    assert "1,650" in svg  # the top of the axis, no scientific notation
    assert charts.svg([], title="x") == ""
    assert charts.svg([Point("2022", None, 5)], title="x") == ""


def test_staged_targets_are_drawn_per_period():
    fig = charts.figure(_points(), target=[60, 90])
    assert fig["data"][-1]["y"] == [60, 90] and fig["data"][-1]["name"] == "Target (60, 90)"
    assert charts.table(_points(), target=[60, 90])["rows"][1]["values"] == [56, None, 90]
    assert "Target 90" in charts.svg(_points(), title="t", target=[60, 90])
    assert charts.table(_points(), target=[None, None])["columns"] == ["Norfolk", "England"]


def test_with_unit():
    from flourish.templatetags.flourish_tags import with_unit

    assert with_unit(54.0, "%") == "54%"
    assert with_unit(65.1, "per 10,000") == "65.1 per 10,000"
    assert with_unit(15000.0, "count") == "15,000"
    assert with_unit(None, "%") == "–"


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("2020-03", "March 2020"),
        ("2020-21", "2020/21"),
        ("2020/21", "2020/21"),
        ("2021", "2021"),
        ("Q1 2021", "Q1 2021"),
    ],
)
def test_periods_are_shown_as_a_reader_writes_them(label, shown):
    from flourish.periods import period_label

    assert period_label(label) == shown


def test_one_period_is_drawn_as_labelled_bars_with_its_comparator():
    fig = charts.figure([Point("2019", None, 7, england=6)], unit="1 in N")
    kinds = {trace["name"]: trace["type"] for trace in fig["data"]}
    assert set(kinds.values()) == {"bar"} and len(kinds) == 2
    assert [trace["text"] for trace in fig["data"]] == [["7"], ["6"]]
    assert fig["layout"]["showlegend"] is True
    two = charts.figure([Point("2019", None, 7), Point("2020", None, 6)])
    assert {trace["type"] for trace in two["data"]} == {"scatter"}
