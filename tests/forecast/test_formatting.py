"""How the forecast pages write figures (forecast/formatting.py)."""

from forecast import formatting as f


def test_dates_read_as_people_write_them():
    assert f.date_label("2027-03-31") == "31 March 2027"
    assert f.fmt("2022-09-01", "date") == "1 September 2022"


def test_whole_children_with_a_sign_or_none():
    assert f.fmt(19.7, "count") == "20" and f.fmt(1083.4, "whole") == "1,083"
    assert f.fmt(-0.4, "signed") == "0" and f.fmt(21.2, "signed") == "+21" and f.fmt(-23.4, "signed") == "−23"
    assert f.fmt(None, "count") == "–"


def test_children_change_in_words():
    assert f.children_change(-23, "residential") == "23 fewer children in residential care"
    assert f.children_change(21, "fostered_in_house", first=False) == "21 more in in-house fostering"
    assert f.children_change(1, "adoption") == "1 more child placed for adoption"
    assert f.children_change(-2, "total", first=False) == "2 fewer looked after in all"


def test_cells_know_whether_their_column_holds_numbers():
    table = f.make_table(
        "t",
        "T",
        [("Date", "date"), ("Age band", "text"), ("Children", "count")],
        [["2027-03-31", "1 to 4", 3.6]],
    )
    assert table["cells"] == [["31 March 2027", "1 to 4", "4"]]
    assert table["rows"] == [["2027-03-31", "1 to 4", 3.6]]  # the downloads keep the raw values
    assert [c.numeric for c in table["cells"][0]] == [False, False, True]
