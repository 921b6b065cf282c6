"""The portal's one style for numbers and dates (sufficiency/templatetags/portal_format.py)."""

import datetime as dt

import pytest
from django.template import Context, Template

from sufficiency.templatetags import portal_format as fmt


@pytest.mark.parametrize(
    "function, value, expected",
    [
        (fmt.count, 1083, "1,083"),
        (fmt.count, 15000.0, "15,000"),
        (fmt.count, 7.7, "8"),
        (fmt.count, None, "–"),
        (fmt.percent, 9, "9.0%"),
        (fmt.rate, 65.08, "65.1"),
        (fmt.one_in_n, 7, "1 in 7"),
        (fmt.one_in_n, 7.4, "1 in 7.4"),
        (fmt.one_in_n, 15000, "1 in 15,000"),
        (fmt.collection_year, 2020, "2019/20"),
        (fmt.collection_year, "2000", "1999/00"),
        (fmt.long_date, dt.date(2027, 3, 31), "31 March 2027"),
        (fmt.long_date, "2027-03-31", "31 March 2027"),
        (fmt.long_date, "2020-03", "March 2020"),
    ],
)
def test_formatters(function, value, expected):
    assert function(value) == expected


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (7, "1 in N", "1 in 7"),
        (54.0, "%", "54.0%"),
        (54.0, "percent", "54.0%"),
        (65.1, "per 10,000", "65.1"),
        (1083.0, "count", "1,083"),
        (3.5, "hours", "3.5 hours"),
    ],
)
def test_measure_value_by_unit(value, unit, expected):
    assert fmt.measure_value(value, unit) == expected


def test_changes_and_downloads():
    assert fmt.measure_change(-2.5, "percent") == "2.5 points"
    assert fmt.measure_change(-50, "count") == "50"
    assert (
        fmt.plain_number(7.7) == "7.7" and fmt.plain_number(1083.0) == "1083" and fmt.plain_number(None) == ""
    )


def test_filters_in_a_template():
    rendered = Template(
        "{% load portal_format %}{{ n|count }} · {{ y|collection_year }} · {{ d|long_date }} · {{ v|measure_value:'1 in N' }}"
    ).render(Context({"n": 1083, "y": 2020, "d": dt.date(2027, 3, 31), "v": 7}))
    assert rendered == "1,083 · 2019/20 · 31 March 2027 · 1 in 7"


def test_flourish_one_in_n_reads_as_people_say_it():
    from flourish.templatetags.flourish_tags import with_unit

    assert with_unit(7.0, "1 in N") == "1 in 7"
    assert with_unit(54.0, "%") == "54%"  # FLOURISH's other units unchanged
