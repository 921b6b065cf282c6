"""The run page's tables (forecast/tables.py), from a stored result (no database)."""

from forecast import formatting
from forecast import tables as ft


def test_tables_have_cells_for_every_row(results):
    for table in ft.run_tables(results, []):
        assert len(table["cells"]) == len(table["rows"])
        for row in table["rows"]:
            assert len(row) == len(table["columns"])
    assert formatting.fmt(-5.94, "pct") == "−5.9%" and formatting.fmt(1234.4, "money") == "£1,234"


def test_yearly_view_keeps_each_31_march_and_the_end(results):
    full = ft.group_table(results)
    view = ft.yearly_view(full, results)
    dates = sorted({r[0] for r in view["rows"]})
    assert all(d.endswith("-03-31") for d in dates[:-1]) and dates[-1] == results["dates"][-1]
    assert len(view["rows"]) == len(dates) * 8 < len(full["rows"])
