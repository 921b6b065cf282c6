"""What the placements pages show of stored figures: chart series and what they lack, tiles and their
judgement, the figures download, a measure's published figures and the headline moves after an import.

Presenters are pure: these tests build the selectors' output by hand (no database).
"""

from collections import defaultdict

import pytest

from placements import presenters
from placements.charts import CHARTS_BY_ID
from sufficiency.models import LocalAuthority

AGE_BANDS = ["age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_plus"]
STRATEGY = "000_b2eb913b38f73c99.txt"  # Norfolk Sufficiency Strategy 2020–23
ANNUAL_REPORT = "004_22bfac70eab5605e.txt"


def _values():
    """An empty `selectors.dashboard_values` result."""
    return {
        "computed": defaultdict(dict),
        "published": defaultdict(lambda: defaultdict(list)),
        "england": defaultdict(dict),
        "region": defaultdict(dict),
        "sn_average": defaultdict(dict),
        "sn_computed": defaultdict(lambda: defaultdict(list)),
    }


def _published(values, year, measure, value, document=STRATEGY, section="", note=""):
    values["published"][measure][year].append(
        {"value": value, "document": document, "section": section, "note": note}
    )


@pytest.fixture
def norfolk():
    east = LocalAuthority(pk=2, code="E12000006", name="East of England", kind="region")
    return LocalAuthority(pk=1, code="E10000020", name="Norfolk", region=east)


def test_stacked_chart_keeps_published_history_beside_computed_years(norfolk):
    values = _values()
    for year, value in [(2019, 81), (2020, 52), (2024, 99)]:
        _published(values, year, "age_under_1", value)
    for code in AGE_BANDS:
        values["computed"][code][2024] = 1
    series = presenters.chart_series(CHARTS_BY_ID["age"], values, norfolk, None, None)
    published = [s for s in series if s.source == "published"]
    assert [s.measure for s in series if s.source == "computed"] == AGE_BANDS
    # The published under-1s stay for 2019 and 2020; 2024 is computed, so it is not stacked twice.
    assert len(published) == 1 and published[0].values == {2019: 81, 2020: 52}
    assert published[0].name == "Aged under 1 (published, Norfolk Sufficiency Strategy 2020–23)"
    missing = presenters.chart_missing(CHARTS_BY_ID["age"], series)
    assert missing == [
        "2018/19 and 2019/20: no figures for Aged 1 to 4, Aged 5 to 9, Aged 10 to 15 or Aged 16 and over."
    ]


def test_a_category_never_held_is_named(norfolk):
    values = _values()
    _published(values, 2020, "cin_N1", 724)
    series = presenters.chart_series(CHARTS_BY_ID["need"], values, norfolk, None, None)
    [sentence] = presenters.chart_missing(CHARTS_BY_ID["need"], series)
    assert sentence.startswith("No figures are held for Category of need: Child's disability (N2)")
    assert "Abuse or neglect" not in sentence


def test_series_keep_to_the_year_range(norfolk):
    values = _values()
    for year in (2018, 2019, 2020, 2021):
        values["computed"]["cla_31_march"][year] = year - 1000
    [series] = presenters.chart_series(CHARTS_BY_ID["cla"], values, norfolk, 2019, 2020)
    assert series.values == {2019: 1019, 2020: 1020}
    assert series.name == "Children looked after on 31 March (computed from returns)"


def test_comparators_missing_names_each_absent_comparator(norfolk):
    values = _values()
    spec = CHARTS_BY_ID["rate"]
    _published(values, 2020, "rate_per_10k", 65.1)
    series = presenters.chart_series(spec, values, norfolk, None, None)
    assert presenters.comparators_missing(spec, series, norfolk) == [
        "England",
        "East of England",
        "statistical neighbour",
    ]
    values["england"]["rate_per_10k"][2020] = 70.0
    values["sn_average"]["rate_per_10k"][2020] = 56.0
    series = presenters.chart_series(spec, values, norfolk, None, None)
    assert [s.name for s in series][1:] == [
        "Children looked after per 10,000 children: England",
        "Children looked after per 10,000 children: Statistical neighbours",
    ]
    assert presenters.comparators_missing(spec, series, norfolk) == ["East of England"]
    assert presenters.comparators_missing(CHARTS_BY_ID["cla"], series, norfolk) == []


def test_an_authority_without_a_region_is_not_missing_one():
    la = LocalAuthority(pk=3, code="Z99999999", name="Demo County")
    values = _values()
    values["computed"]["rate_per_10k"][2020] = 60.0
    series = presenters.chart_series(CHARTS_BY_ID["rate"], values, la, None, None)
    assert presenters.comparators_missing(CHARTS_BY_ID["rate"], series, la) == ["England", "statistical neighbour"]


def test_blank_comparator_rows_are_not_comparators(norfolk):
    values = _values()
    _published(values, 2020, "rate_per_10k", 65.1)
    values["england"]["rate_per_10k"][2020] = None
    series = presenters.chart_series(CHARTS_BY_ID["rate"], values, norfolk, None, None)
    assert {s.source for s in series} == {"published"}


def test_tile_for_an_earlier_year_says_which_year():
    values = _values()
    _published(values, 2020, "rate_per_10k", 65.1)
    values["computed"]["cla_31_march"][2024] = 2
    tiles = {t["code"]: t for t in presenters.dashboard_tiles(values, 2024)}
    rate = tiles["rate_per_10k"]
    assert rate["is_earlier"] and rate["year_label"] == "2019/20" and rate["headline_label"] == "2023/24"
    assert rate["display"] == "65.1" and tiles["cla_31_march"]["display"] == "2"
    assert tiles["starts"]["display"] == "No figure" and tiles["starts"]["year"] is None


@pytest.mark.parametrize(
    "code, before, after, judgement",
    [
        ("stability_3plus_pct", 10.0, 12.0, "worse"),  # lower is better
        ("stability_3plus_pct", 12.0, 10.0, "better"),
        ("stability_3plus_pct", 10.0, 10.0, "no change"),
        ("cla_31_march", 1000, 1100, "no judgement"),  # more children looked after is neither
    ],
)
def test_tile_change_is_judged_by_the_measures_polarity(code, before, after, judgement):
    values = _values()
    values["computed"][code].update({2020: before, 2021: after})
    tile = next(t for t in presenters.dashboard_tiles(values, 2021) if t["code"] == code)
    assert tile["change"] == round(after - before, 1) and tile["judgement"] == judgement
    assert tile["direction"] == {1: "up", -1: "down", 0: "same"}[(after > before) - (after < before)]


def test_a_computed_figure_is_never_compared_with_a_published_one():
    values = _values()
    _published(values, 2020, "cla_31_march", 1100)
    values["computed"]["cla_31_march"][2021] = 1050
    tile = next(t for t in presenters.dashboard_tiles(values, 2021) if t["code"] == "cla_31_march")
    assert (tile["value"], tile["source"], tile["change"], tile["judgement"]) == (1050, "computed", None, None)


def test_published_tile_shows_its_note_and_source_as_a_reader_cites_it():
    values = _values()
    _published(
        values,
        2021,
        "stability_3plus_pct",
        11.1,
        document=ANNUAL_REPORT,
        section="Placement stability",
        note="An in-year figure for 2020/21, not a year ending 31 March figure.",
    )
    tile = next(t for t in presenters.dashboard_tiles(values, 2021) if t["code"] == "stability_3plus_pct")
    assert tile["source"] == "published"
    assert tile["note"] == "An in-year figure for 2020/21, not a year ending 31 March figure."
    assert tile["cited"].endswith(", Placement stability") and ".txt" not in tile["cited"]
    assert tile["in_year"]


def test_dashboard_assembles_years_tiles_and_charts(norfolk):
    values = _values()
    _published(values, 2019, "cla_31_march", 1150)
    for year in (2020, 2021, 2022):
        values["computed"]["cla_31_march"][year] = 1000 + year - 2020
    data = presenters.dashboard(values, la=norfolk, first_year=2019, last_year=2021)
    assert data["years"] == [2019, 2020, 2021, 2022] and data["latest_year"] == 2021
    assert data["latest_label"] == "2020/21" and data["computed_span"] == "2019/20 to 2021/22"
    assert data["has_computed"] and data["has_published"] and data["has_figures"]
    cla = next(c for c in data["charts"] if c["spec"].id == "cla")
    assert cla["has_data"] and cla["figure"]["data"] and cla["figure_id"] == "figure-cla"
    assert [row["label"] for row in cla["table"]["rows"]] == ["2018/19", "2019/20", "2020/21"]
    rate = next(c for c in data["charts"] if c["spec"].id == "rate")
    assert not rate["has_data"] and rate["figure"] is None and rate["no_comparators"]
    assert rate["comparators_note"] == "No England, East of England or statistical neighbour figures are held for these years."


def test_dashboard_of_an_authority_with_no_figures(norfolk):
    data = presenters.dashboard(_values(), la=norfolk)
    assert data["years"] == [] and data["latest_year"] is None and not data["has_figures"]
    assert all(t["display"] == "No figure" for t in data["tiles"])
    assert not any(c["has_data"] for c in data["charts"])


def test_dashboard_years_are_years_with_computed_or_published_figures():
    values = _values()
    values["computed"]["starts"][2022] = 10
    _published(values, 2018, "cla_31_march", 1)
    values["england"]["rate_per_10k"][2015] = 70.0  # a comparator alone is not the authority's year
    assert presenters.dashboard_years(values) == [2018, 2022]


def test_years_text_writes_runs_and_lists():
    assert presenters.years_text([2015, 2016, 2017, 2018]) == "2014/15 to 2017/18"
    assert presenters.years_text([2019, 2021]) == "2018/19 and 2020/21"
    assert presenters.years_text([2015, 2017, 2018]) == "2014/15, 2016/17 and 2017/18"
    assert presenters.years_text([2020]) == "2019/20"


@pytest.mark.parametrize(
    "code, value, shown",
    [
        ("cla_31_march", 1083.0, "1083"),
        ("cla_31_march", 2.5, "2"),
        ("stability_3plus_pct", 9.04, "9.0"),
        ("rate_per_10k", 65.15, "65.2"),
        ("cla_31_march", None, ""),
    ],
)
def test_format_value_prints_counts_whole_and_others_to_one_decimal(code, value, shown):
    assert presenters.format_value(code, value) == shown


def test_download_rows_name_each_area_and_document_in_order(norfolk):
    rows = [
        {"year": 2021, "measure": "cla_31_march", "value": 2, "source": "computed", "area": "Norfolk",
         "document": "", "section": ""},
        {"year": 2020, "measure": "rate_per_10k", "value": 56.0, "source": "sn_average", "area": "Norfolk",
         "document": "001_4ca911de8b64b3ba.txt", "section": ""},
        {"year": 2020, "measure": "rate_per_10k", "value": 67.0, "source": "comparator", "area": "England",
         "document": "", "section": "Table A1"},
        {"year": 2020, "measure": "cla_31_march", "value": 1101, "source": "published", "area": "Norfolk",
         "document": STRATEGY, "section": ""},
    ]  # fmt: skip
    out = presenters.download_rows(rows, norfolk)
    assert [(r["year"], r["measure"], r["value"], r["source"], r["area"], r["document"]) for r in out] == [
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
    assert out[0]["title"] == "Children looked after on 31 March"


def test_published_figures_show_period_figure_note_and_source():
    rows = [
        {"measure": "stability_3plus_pct", "year": 2021, "value": 11.1, "document": ANNUAL_REPORT,
         "section": "Placement stability", "note": "An in-year figure for 2020/21, not a year ending 31 March figure."},
        {"measure": "cla_31_march", "year": 2020, "value": None, "document": STRATEGY, "section": "", "note": ""},
    ]  # fmt: skip
    first, second = presenters.published_figures(rows)
    assert first["year_label"] == "2020/21" and first["display"] == "11.1%" and first["in_year"]
    assert first["cited"].endswith(", Placement stability")
    assert second["display"] == "–" and not second["in_year"] and second["note"] == ""


def test_headline_moves_flag_large_moves_only():
    held = {
        (2020, "cla_31_march"): 1083,
        (2021, "cla_31_march"): 2125,  # nearly doubled: flagged
        (2020, "starts"): 400,
        (2021, "starts"): 480,  # 20%: within the 40% allowed
        (2020, "ceases"): 10,
        (2021, "ceases"): 25,  # 150%, but only 15 children: too few to matter
        (2021, "rate_per_10k"): 60.0,  # no year before
    }
    [move] = presenters.headline_moves(held, 2021)
    assert move == {
        "code": "cla_31_march",
        "title": "Children looked after on 31 March",
        "before": 1083,
        "after": 2125,
        "percent": 96,
    }
    assert presenters.headline_moves({(2020, "starts"): 0, (2021, "starts"): 300}, 2021) == []
