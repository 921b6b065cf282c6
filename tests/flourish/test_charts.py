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
    svg = charts.svg([Point("<2022>", None, 5)], title="A & B", target=6)
    assert svg.startswith("<svg") and "&lt;2022&gt;" in svg and "A &amp; B" in svg and "Target 6" in svg
    assert charts.svg([], title="x") == ""
