"""Dashboard reads: the series each chart draws, what it lacks, and the measures download."""

import pytest

from placements import selectors
from placements.charts import CHARTS_BY_ID
from placements.models import MeasureValue
from sufficiency.models import LocalAuthority

pytestmark = pytest.mark.django_db

AGE_BANDS = ["age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_plus"]


def _value(la, year, measure, value, source="published", document="000_b2eb913b38f73c99.txt", **fields):
    return MeasureValue.objects.create(
        la=la, year=year, measure=measure, value=value, source=source, source_document=document, **fields
    )


@pytest.fixture
def norfolk(seeded_core):
    return LocalAuthority.objects.select_related("region").get(code="E10000020")


def test_stacked_chart_keeps_published_history_beside_computed_years(norfolk):
    for year, value in [(2019, 81), (2020, 52), (2024, 99)]:
        _value(norfolk, year, "age_under_1", value)
    for code in AGE_BANDS:
        _value(norfolk, 2024, code, 1, source="computed", document="")
    values = selectors.dashboard_values(la=norfolk)
    series = selectors.chart_series(CHARTS_BY_ID["age"], values, norfolk, None, None)
    published = [s for s in series if s.source == "published"]
    assert [s.measure for s in series if s.source == "computed"] == AGE_BANDS
    # The published under-1s stay for 2019 and 2020; 2024 is computed, so it is not stacked twice.
    assert len(published) == 1 and published[0].values == {2019: 81, 2020: 52}
    missing = selectors.chart_missing(CHARTS_BY_ID["age"], series)
    assert missing == [
        "2018/19 and 2019/20: no figures for Aged 1 to 4, Aged 5 to 9, Aged 10 to 15 or Aged 16 and over."
    ]


def test_a_category_never_held_is_named(norfolk):
    _value(norfolk, 2020, "cin_N1", 724)
    values = selectors.dashboard_values(la=norfolk)
    series = selectors.chart_series(CHARTS_BY_ID["need"], values, norfolk, None, None)
    [sentence] = selectors.chart_missing(CHARTS_BY_ID["need"], series)
    assert sentence.startswith("No figures are held for Category of need: Child's disability (N2)")
    assert "Abuse or neglect" not in sentence


def test_comparators_missing_names_each_absent_comparator(norfolk):
    values = selectors.dashboard_values(la=norfolk)
    spec = CHARTS_BY_ID["rate"]
    _value(norfolk, 2020, "rate_per_10k", 65.1)
    values = selectors.dashboard_values(la=norfolk)
    series = selectors.chart_series(spec, values, norfolk, None, None)
    assert selectors.comparators_missing(spec, series, norfolk) == [
        "England",
        "East of England",
        "statistical neighbour",
    ]
    england = LocalAuthority.objects.get(code="E92000001")
    _value(england, 2020, "rate_per_10k", 70.0, source="comparator")
    _value(norfolk, 2020, "rate_per_10k", 56.0, source="sn_average")
    series = selectors.chart_series(spec, selectors.dashboard_values(la=norfolk), norfolk, None, None)
    assert selectors.comparators_missing(spec, series, norfolk) == ["East of England"]
    assert selectors.comparators_missing(CHARTS_BY_ID["cla"], series, norfolk) == []


def test_blank_comparator_rows_are_not_comparators(norfolk):
    england = LocalAuthority.objects.get(code="E92000001")
    _value(norfolk, 2020, "rate_per_10k", 65.1)
    _value(england, 2020, "rate_per_10k", None, source="comparator")
    series = selectors.chart_series(
        CHARTS_BY_ID["rate"], selectors.dashboard_values(la=norfolk), norfolk, None, None
    )
    assert {s.source for s in series} == {"published"}


def test_measures_for_download_holds_every_source_with_its_document(norfolk):
    _value(norfolk, 2020, "cla_31_march", 1101)
    _value(norfolk, 2020, "rate_per_10k", 56.0, source="sn_average", document="001_4ca911de8b64b3ba.txt")
    _value(norfolk, 2021, "cla_31_march", 2, source="computed", document="")
    england = LocalAuthority.objects.get(code="E92000001")
    _value(england, 2020, "rate_per_10k", 67.0, source="comparator", document="", source_section="Table A1")
    suffolk = LocalAuthority.objects.get(code="E10000029")
    _value(suffolk, 2020, "cla_31_march", 900)  # another authority's figure is not Norfolk's
    rows = selectors.measures_for_download(la=norfolk)
    summary = [(r["year"], r["measure"], r["value"], r["source"], r["area"], r["document"]) for r in rows]
    assert summary == [
        (2020, "cla_31_march", 1101, "published", "Norfolk", "Norfolk Sufficiency Strategy 2020–23"),
        (2020, "rate_per_10k", 67.0, "comparator", "England", "Uploaded file, Table A1"),
        (
            2020,
            "rate_per_10k",
            56.0,
            "comparator",
            "Statistical neighbours of Norfolk (average)",
            "Norfolk Sufficiency Strategy 2020–23",
        ),
        (2021, "cla_31_march", 2, "computed", "Norfolk", "Imported SSDA903 returns"),
    ]
    assert [r["year"] for r in selectors.measures_for_download(la=norfolk, year=2021)] == [2021]


def test_tile_for_an_earlier_year_says_which_year(norfolk):
    _value(norfolk, 2020, "rate_per_10k", 65.1)
    _value(norfolk, 2024, "cla_31_march", 2, source="computed", document="")
    values = selectors.dashboard_values(la=norfolk)
    tiles = {t["code"]: t for t in selectors.dashboard_tiles(values, 2024)}
    rate = tiles["rate_per_10k"]
    assert rate["is_earlier"] and rate["year_label"] == "2019/20" and rate["headline_label"] == "2023/24"
    assert rate["display"] == "65.1" and tiles["cla_31_march"]["display"] == "2"


def test_published_tile_shows_its_note_and_source_as_a_reader_cites_it(norfolk):
    _value(
        norfolk,
        2021,
        "stability_3plus_pct",
        11.1,
        document="004_22bfac70eab5605e.txt",
        source_section="Placement stability",
        note="An in-year figure for 2020/21, not a year ending 31 March figure.",
    )
    tiles = {t["code"]: t for t in selectors.dashboard_tiles(selectors.dashboard_values(la=norfolk), 2021)}
    tile = tiles["stability_3plus_pct"]
    assert tile["source"] == "published"
    assert tile["note"] == "An in-year figure for 2020/21, not a year ending 31 March figure."
    assert tile["cited"].endswith(", Placement stability") and ".txt" not in tile["cited"]
    assert tile["in_year"]
