from datetime import date

import pytest

from priorities.timescales import parse_month, parse_timescale


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("April 2021 to April 2022", date(2021, 4, 1), date(2022, 4, 30)),
        ("Sept 2021", date(2021, 9, 1), date(2021, 9, 30)),
        ("September 2021", date(2021, 9, 1), date(2021, 9, 30)),
        ("April 22", date(2022, 4, 1), date(2022, 4, 30)),
        ("March 22", date(2022, 3, 1), date(2022, 3, 31)),
        ("June 2021", date(2021, 6, 1), date(2021, 6, 30)),
        ("February 2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("October 2021", date(2021, 10, 1), date(2021, 10, 31)),
        ("March 2023", date(2023, 3, 1), date(2023, 3, 31)),
        (" july 2021 ", date(2021, 7, 1), date(2021, 7, 31)),
        ("Jan 2022 - Mar 2022", date(2022, 1, 1), date(2022, 3, 31)),
    ],
)
def test_parses_months_and_ranges(text, start, end):
    ts = parse_timescale(text)
    assert (ts.start, ts.end) == (start, end)
    assert ts.text == text


def test_kind():
    assert parse_timescale("April 2021 to April 2022").kind == "range"
    assert parse_timescale("Sept 2021").kind == "month"
    assert parse_timescale("Ongoing").kind == "none"


@pytest.mark.parametrize(
    "text", ["Ongoing", "", None, "TBC", "Spring 2022", "April", "2022", "April 2023 to March 2022"]
)
def test_unreadable_has_no_dates_and_keeps_text(text):
    ts = parse_timescale(text)
    assert ts.start is None and ts.end is None
    assert ts.text == (text or "")


def test_parse_month_rejects_words():
    assert parse_month("Octember 2021") is None
