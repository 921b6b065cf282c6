"""Placements reads: which stored figures each selector returns, for whom, and in what order."""

import pytest

from placements import presenters, selectors
from placements.models import ImportJob, YearlyFigure
from sufficiency.models import LocalAuthority
from sufficiency.roles import MANAGER

pytestmark = pytest.mark.django_db

NORFOLK, SUFFOLK, ENGLAND, EAST = "E10000020", "E10000029", "E92000001", "E12000006"


def _value(la, year, measure, value, source="published", document="000_b2eb913b38f73c99.txt", **fields):
    return YearlyFigure.objects.create(
        la=la, year=year, measure=measure, value=value, source=source, source_document=document, **fields
    )


def _la(code):
    return LocalAuthority.objects.select_related("region").get(code=code)


@pytest.fixture
def norfolk(seeded_core):
    return _la(NORFOLK)


def test_computed_measures_are_the_computed_figures_in_the_references_order(norfolk):
    _value(norfolk, 2021, "starts", 30, source="computed", document="")
    _value(norfolk, 2021, "cla_31_march", 100, source="computed", document="")
    _value(norfolk, 2020, "cla_31_march", 90, source="computed", document="")
    _value(norfolk, 2021, "cla_31_march", 1101)  # published: not computed
    _value(_la(SUFFOLK), 2021, "cla_31_march", 7, source="computed", document="")
    assert selectors.computed_measures(la=norfolk) == [
        (2020, "cla_31_march", 90),
        (2021, "cla_31_march", 100),
        (2021, "starts", 30),
    ]
    assert selectors.computed_measures(la=norfolk, year=2021) == [(2021, "cla_31_march", 100), (2021, "starts", 30)]


def test_headline_figures_prefer_computed_and_skip_blanks_and_comparators(norfolk):
    _value(norfolk, 2020, "cla_31_march", 1100)
    _value(norfolk, 2020, "cla_31_march", 1050, source="computed", document="")
    _value(norfolk, 2019, "cla_31_march", 1000)
    _value(norfolk, 2019, "starts", None)
    _value(norfolk, 2019, "ceases", 300, source="sn_average")
    _value(norfolk, 2018, "cla_31_march", 900)  # not asked for
    held = selectors.headline_figures(la=norfolk, years=[2019, 2020], codes=["cla_31_march", "starts", "ceases"])
    assert held == {(2020, "cla_31_march"): 1050, (2019, "cla_31_march"): 1000}


def test_published_rows_are_the_authoritys_published_figures_of_those_measures(norfolk):
    _value(norfolk, 2021, "cla_31_march", 1101, source_section="Local Context", note="At 31 March.")
    _value(norfolk, 2020, "cla_31_march", 1090)
    _value(norfolk, 2020, "starts", 400)  # another measure
    _value(norfolk, 2020, "cla_31_march", 1, source="computed", document="")
    _value(_la(SUFFOLK), 2020, "cla_31_march", 900)
    rows = selectors.published_rows(la=norfolk, codes=["cla_31_march"])
    assert [(r["year"], r["value"]) for r in rows] == [(2020, 1090), (2021, 1101)]
    assert rows[1] == {
        "measure": "cla_31_march",
        "year": 2021,
        "value": 1101,
        "note": "At 31 March.",
        "document": "000_b2eb913b38f73c99.txt",
        "section": "Local Context",
    }


def test_figures_held_are_the_authoritys_own_and_its_comparators(norfolk):
    _value(norfolk, 2020, "cla_31_march", 1101)
    _value(norfolk, 2020, "rate_per_10k", 56.0, source="sn_average", document="001_4ca911de8b64b3ba.txt")
    _value(norfolk, 2021, "cla_31_march", 2, source="computed", document="")
    _value(_la(ENGLAND), 2020, "rate_per_10k", 67.0, source="comparator", document="", source_section="Table A1")
    _value(_la(EAST), 2020, "rate_per_10k", 60.0, source="comparator", document="")
    suffolk = _la(SUFFOLK)
    _value(suffolk, 2020, "cla_31_march", 900)  # another authority's figure is not Norfolk's
    _value(suffolk, 2020, "rate_per_10k", 50.0, source="comparator", document="")  # nor a neighbour's
    rows = selectors.figures_held(la=norfolk)
    assert sorted((r["year"], r["measure"], r["value"], r["source"], r["area"]) for r in rows) == [
        (2020, "cla_31_march", 1101, "published", "Norfolk"),
        (2020, "rate_per_10k", 56.0, "sn_average", "Norfolk"),
        (2020, "rate_per_10k", 60.0, "comparator", "East of England"),
        (2020, "rate_per_10k", 67.0, "comparator", "England"),
        (2021, "cla_31_march", 2, "computed", "Norfolk"),
    ]
    england = next(r for r in rows if r["area"] == "England")
    assert (england["document"], england["section"]) == ("", "Table A1")
    assert [r["year"] for r in selectors.figures_held(la=norfolk, year=2021)] == [2021]


def test_measure_series_takes_the_computed_figure_of_a_year_over_the_published(norfolk):
    _value(norfolk, 2019, "cla_31_march", 1000)
    _value(norfolk, 2020, "cla_31_march", 1100)
    _value(norfolk, 2020, "cla_31_march", 1050, source="computed", document="")
    _value(norfolk, 2021, "cla_31_march", 900, source="comparator", document="")
    assert selectors.measure_series(NORFOLK, "cla_31_march") == [
        {"year": 2019, "value": 1000, "source": "published"},
        {"year": 2020, "value": 1050, "source": "computed"},
    ]


def test_las_with_data_are_those_the_user_may_see_that_hold_figures(norfolk, make_user):
    suffolk = _la(SUFFOLK)
    _value(norfolk, 2020, "cla_31_march", 1100)
    _value(suffolk, 2020, "cla_31_march", 900)
    _value(suffolk, 2020, "starts", 300)
    _value(_la(ENGLAND), 2020, "rate_per_10k", 67.0, source="comparator", document="")  # only a comparator
    everyone = make_user(MANAGER)
    assert list(selectors.las_with_data(everyone).values_list("code", flat=True)) == [NORFOLK, SUFFOLK]
    suffolk_only = make_user(MANAGER, las=[SUFFOLK])
    assert list(selectors.las_with_data(suffolk_only)) == [suffolk]


def test_dashboard_values_sort_figures_by_source_and_area(norfolk):
    _value(norfolk, 2020, "cla_31_march", 1100, source_section="Local Context", note="At 31 March.")
    _value(norfolk, 2020, "cla_31_march", 1105, document="001_4ca911de8b64b3ba.txt")
    _value(norfolk, 2021, "cla_31_march", 1050, source="computed", document="")
    _value(norfolk, 2020, "rate_per_10k", 56.0, source="sn_average")
    _value(_la(ENGLAND), 2020, "rate_per_10k", 67.0, source="comparator", document="")
    _value(_la(EAST), 2020, "rate_per_10k", 60.0, source="comparator", document="")
    values = selectors.dashboard_values(la=norfolk)
    assert values["computed"] == {"cla_31_march": {2021: 1050}}
    assert sorted(r["value"] for r in values["published"]["cla_31_march"][2020]) == [1100, 1105]
    row = next(r for r in values["published"]["cla_31_march"][2020] if r["value"] == 1100)
    assert row == {"value": 1100, "document": "000_b2eb913b38f73c99.txt", "section": "Local Context", "note": "At 31 March."}
    assert values["england"] == {"rate_per_10k": {2020: 67.0}}
    assert values["region"] == {"rate_per_10k": {2020: 60.0}}
    assert values["sn_average"] == {"rate_per_10k": {2020: 56.0}}


def test_neighbours_average_is_worked_out_only_when_every_neighbour_is_held(norfolk):
    neighbours = list(norfolk.statistical_neighbours.all())
    assert len(neighbours) >= 2
    for i, la in enumerate(neighbours):
        _value(la, 2020, "stability_3plus_pct", 10.0 + i, source="comparator", document="")
    for la in neighbours[:-1]:  # 2021: one neighbour missing
        _value(la, 2021, "stability_3plus_pct", 10.0, source="comparator", document="")
    _value(norfolk, 2019, "rate_per_10k", 56.0, source="sn_average")
    for la in neighbours:  # a stated average wins over a worked-out one
        _value(la, 2019, "rate_per_10k", 1.0, source="comparator", document="")
    values = selectors.dashboard_values(la=norfolk)
    expected = round(sum(10.0 + i for i in range(len(neighbours))) / len(neighbours), 1)
    assert values["sn_average"]["stability_3plus_pct"] == {2020: expected}
    assert values["sn_average"]["rate_per_10k"] == {2019: 56.0}


def test_dashboard_values_are_what_the_dashboard_presents(norfolk):
    _value(norfolk, 2020, "cla_31_march", 1100)
    _value(norfolk, 2021, "cla_31_march", 1050, source="computed", document="")
    data = presenters.dashboard(selectors.dashboard_values(la=norfolk), la=norfolk)
    assert data["years"] == [2020, 2021] and data["computed_span"] == "2020/21"
    tile = next(t for t in data["tiles"] if t["code"] == "cla_31_march")
    assert (tile["value"], tile["source"]) == (1050, "computed")


def test_import_jobs_are_newest_first(norfolk):
    first = ImportJob.objects.create(la=norfolk, collection_year=2020)
    second = ImportJob.objects.create(la=norfolk, collection_year=2021)
    assert list(selectors.import_jobs()) == [second, first]
