"""Period labels as written, read into end dates (for ordering) and shown as a reader writes them."""

from datetime import date

import pytest

from flourish.periods import period_end, period_label, sort_key


@pytest.mark.parametrize(
    ("label", "end"),
    [
        ("2021", date(2021, 12, 31)),
        ("2020-21", date(2021, 3, 31)),
        ("2020/21", date(2021, 3, 31)),
        ("2020/2021", date(2021, 3, 31)),
        ("2011-12", date(2012, 3, 31)),  # a financial year, not December 2011
        ("2020-08", date(2020, 8, 31)),
        ("2024-02", date(2024, 2, 29)),
        ("August 2020", date(2020, 8, 31)),
        ("Sep 2021", date(2021, 9, 30)),
        ("Q1 2021", date(2021, 3, 31)),
        ("q4 2021", date(2021, 12, 31)),
        ("  March   2024 ", date(2024, 3, 31)),
    ],
)
def test_period_end_reads_each_way_of_writing_a_period(label, end):
    assert period_end(label) == end


@pytest.mark.parametrize("label", ["latest given", "", None, "2020-25", "2020/19", "Smarch 2020", "Q5 2021"])
def test_period_end_is_none_for_what_cannot_be_read(label):
    assert period_end(label) is None


@pytest.mark.parametrize(
    ("label", "shown"),
    [("2020-03", "March 2020"), ("2020-21", "2020/21"), ("2020/2021", "2020/21"), ("2021", "2021"), ("Q1 2021", "Q1 2021"), (" latest  given ", "latest given")],
)
def test_period_label_as_a_reader_writes_it(label, shown):
    assert period_label(label) == shown


def test_sort_key_orders_dated_periods_by_end_then_undated_by_label():
    labels = ["latest given", "2021", "2020-21", "August 2020", "as at census"]
    ordered = sorted(labels, key=lambda label: sort_key(label, period_end(label)))
    assert ordered == ["August 2020", "2020-21", "2021", "as at census", "latest given"]
