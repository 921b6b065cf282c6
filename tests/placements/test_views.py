"""The placements dashboard, its downloads and the measures API."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from placements.models import YearlyFigure
from placements.services import import_job_create, import_job_run, population_import
from sufficiency.models import LocalAuthority
from sufficiency.roles import MANAGER
from tests.placements.returns import small_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def norfolk_imported(seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    population_import(name="p.csv", content=b"la_code,year,population\nE10000020,2020,20000\n")
    job = import_job_run(import_job_create(la=norfolk, collection_year=2020, uploads=small_return()))
    assert job.status == "succeeded", job.summary
    return norfolk


@pytest.fixture
def norfolk_published(seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year, value in [(2019, 1150), (2020, 1100)]:
        YearlyFigure.objects.create(
            la=norfolk,
            year=year,
            measure="cla_31_march",
            value=value,
            source="published",
            source_document="000_b2eb913b38f73c99.txt",
        )
    YearlyFigure.objects.create(
        la=norfolk,
        year=2020,
        measure="rate_per_10k",
        value=56.0,
        source="sn_average",
        source_document="000_b2eb913b38f73c99.txt",
    )
    return norfolk


def test_dashboard_shows_published_figures_labelled(manager_client, norfolk_published):
    response = manager_client.get(reverse("placements:dashboard"))
    assert response.status_code == 200
    assert response.context["la"] == norfolk_published
    tile = next(t for t in response.context["tiles"] if t["code"] == "cla_31_march")
    assert (tile["value"], tile["source"], tile["change"]) == (1100, "published", -50)
    assert tile["judgement"] == "no judgement"
    assert b"holds only published figures" in response.content
    assert b"Children looked after on 31 March (published, Norfolk Sufficiency Strategy" in response.content


def test_dashboard_numbers_equal_export_measures(manager_client, norfolk_imported):
    out = io.StringIO()
    call_command("export_measures", "--la", "E10000020", "--year", "2020", stdout=out)
    exported = {row["measure"]: row["value"] for row in csv.DictReader(io.StringIO(out.getvalue()))}
    response = manager_client.get(reverse("placements:dashboard"), {"la": "E10000020"})
    for tile in response.context["tiles"]:
        if tile["source"] == "computed" and not tile["is_earlier"]:
            shown = None if tile["value"] is None else round(tile["value"], 1)
            assert shown == (float(exported[tile["code"]]) if exported[tile["code"]] else None), tile["code"]
    assert exported["rate_per_10k"] == "1.0"
    api = json.loads(manager_client.get("/api/measures/", {"la": "E10000020", "year": 2020}).content)
    assert {m["measure"]: m["display"] for m in api["measures"]} == exported


def test_dashboard_query_count_does_not_grow(manager_client, norfolk_imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        manager_client.get(reverse("placements:dashboard"), {"la": "E10000020"})


def test_year_range_filters_charts(manager_client, norfolk_published):
    response = manager_client.get(reverse("placements:dashboard"), {"from": 2020, "to": 2020})
    chart = next(c for c in response.context["charts"] if c["spec"].id == "cla")
    assert [row["year"] for row in chart["table"]["rows"]] == [2020]


def test_chart_csv_and_about_and_xlsx(manager_client, norfolk_imported):
    response = manager_client.get(reverse("placements:chart_csv", args=["cla"]), {"la": "E10000020"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "year" and rows[1] == ["2019/20", "2"]
    response = manager_client.get(reverse("placements:chart_about", args=["stability"]))
    assert (
        response.status_code == 200 and b"Children with 3 or more placements in the year" in response.content
    )
    assert b"stability_3plus_pct" not in response.content  # codes stay in the downloads
    response = manager_client.get(reverse("placements:dashboard_xlsx"), {"la": "E10000020"})
    book = load_workbook(io.BytesIO(response.content))
    assert "cla" in book.sheetnames and book["cla"]["B4"].value == 2
    response = manager_client.get(reverse("placements:measures_xlsx"), {"la": "E10000020"})
    assert load_workbook(io.BytesIO(response.content))["measures"]["B2"].value == "cla_31_march"


def test_unknown_chart_is_404(manager_client, seeded_core):
    assert manager_client.get(reverse("placements:chart_about", args=["nope"])).status_code == 404


def test_authority_permission(make_user, client, norfolk_imported):
    suffolk_only = make_user(MANAGER, las=["E10000029"])
    client.force_login(suffolk_only)
    assert client.get(reverse("placements:dashboard"), {"la": "E10000020"}).status_code == 403
    assert client.get("/api/measures/", {"la": "E10000020"}).status_code == 403
    assert client.get(reverse("placements:dashboard")).context["la"].code == "E10000029"


def test_overview_shows_placement_tiles(manager_client, norfolk_imported):
    response = manager_client.get(reverse("home"))
    assert b"Children looked after: Norfolk" in response.content
    assert b"Computed from returns" in response.content


def test_tile_shows_the_latest_earlier_figure_with_its_year(manager_client, norfolk_published):
    """A measure with no figure in the latest year shows its latest earlier one, labelled with its year."""
    YearlyFigure.objects.create(
        la=norfolk_published,
        year=2021,
        measure="cla_31_march",
        value=1083,
        source="published",
        source_document="004_22bfac70eab5605e.txt",
    )
    YearlyFigure.objects.create(
        la=norfolk_published,
        year=2020,
        measure="starts",
        value=400,
        source="published",
        source_document="000_b2eb913b38f73c99.txt",
    )
    response = manager_client.get(reverse("placements:dashboard"))
    tiles = {t["code"]: t for t in response.context["tiles"]}
    assert (tiles["cla_31_march"]["value"], tiles["cla_31_march"]["year"]) == (1083, 2021)
    assert not tiles["cla_31_march"]["is_earlier"]
    assert (tiles["starts"]["value"], tiles["starts"]["year"], tiles["starts"]["is_earlier"]) == (
        400,
        2020,
        True,
    )
    assert tiles["starts"]["change"] is None
    assert tiles["ceases"]["value"] is None
    content = response.content.decode()
    # The headline year is 2020/21; an earlier figure is never shown as if it were that year's.
    assert "No 2020/21 figure" in content and "Latest held: <strong>400</strong> for 2019/20" in content
    assert "No figure held" in content


def test_published_only_authority_gets_stacked_published_mix(manager_client, seeded_core):
    from django.conf import settings

    from placements.services import published_load

    published_load(settings.BASE_DIR / "fixtures" / "published_measures.csv")
    response = manager_client.get(reverse("placements:dashboard"), {"la": "E10000020"})
    charts = {c["spec"].id: c for c in response.context["charts"]}
    mix = charts["placement_mix"]
    assert mix["has_data"] and {s.source for s in mix["series"]} == {"published"}
    assert {t["type"] for t in mix["figure"]["data"]} == {"bar"}
    assert mix["figure"]["layout"]["barmode"] == "stack"
    assert charts["residential_share"]["has_data"]


def test_every_chart_lists_years_in_time_order_after_an_import(manager_client, seeded_core):
    """Published history 2013/14-2020/21, then a 2023/24 return: every axis runs in time order."""
    from django.conf import settings

    from placements.services import published_load

    published_load(settings.BASE_DIR / "fixtures" / "published_measures.csv")
    norfolk = LocalAuthority.objects.get(code="E10000020")
    job = import_job_run(import_job_create(la=norfolk, collection_year=2024, uploads=small_return()))
    assert job.status == "succeeded", job.summary
    response = manager_client.get(reverse("placements:dashboard"), {"la": "E10000020"})
    drawn = [c for c in response.context["charts"] if c["has_data"]]
    assert len(drawn) >= 10
    for chart in drawn:
        labels = chart["figure"]["layout"]["xaxis"]["categoryarray"]
        assert labels == sorted(labels), chart["spec"].id
        assert [r["year"] for r in chart["table"]["rows"]] == sorted(
            r["year"] for r in chart["table"]["rows"]
        )
    mix = next(c for c in drawn if c["spec"].id == "placement_mix")
    assert {s.source for s in mix["series"]} == {"computed", "published"}  # the published history stays
    assert "2023/24" in mix["figure"]["layout"]["xaxis"]["categoryarray"]


def test_measures_csv_holds_published_and_comparator_figures(manager_client, norfolk_published):
    england = LocalAuthority.objects.get(code="E92000001")
    YearlyFigure.objects.create(
        la=england, year=2020, measure="rate_per_10k", value=67.0, source="comparator"
    )
    response = manager_client.get(reverse("placements:measures_csv"), {"la": "E10000020"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == ["year", "measure", "value", "source", "area", "document", "title"]
    assert {(r["source"], r["measure"], r["value"]) for r in rows} == {
        ("published", "cla_31_march", "1150"),
        ("published", "cla_31_march", "1100"),
        ("comparator", "rate_per_10k", "56"),
        ("comparator", "rate_per_10k", "67"),
    }
    published = next(r for r in rows if r["source"] == "published")
    assert published["document"] == "Norfolk Sufficiency Strategy 2020–23" and published["area"] == "Norfolk"
    book = load_workbook(
        io.BytesIO(manager_client.get(reverse("placements:measures_xlsx"), {"la": "E10000020"}).content)
    )
    assert [c.value for c in book["measures"][1]][:4] == ["year", "measure", "value", "source"]
    assert book["measures"].max_row == 5


def _demo_with_a_return():
    demo = LocalAuthority.objects.get(code="Z99999999")
    job = import_job_run(import_job_create(la=demo, collection_year=2020, uploads=small_return()))
    assert job.status == "succeeded", job.summary
    population_import(name="p.csv", content=b"la_code,year,population\nZ99999999,2020,20000\n")
    return demo


def test_comparator_empty_state_then_the_template_filled_in_and_imported(make_user, client, seeded_core):
    from placements.services import comparators_import
    from sufficiency.roles import DATA_ADMIN

    _demo_with_a_return()
    client.force_login(make_user(MANAGER))
    response = client.get(reverse("placements:dashboard"), {"la": "Z99999999"})
    rate = next(c for c in response.context["charts"] if c["spec"].id == "rate")
    assert rate["no_comparators"]
    assert rate["comparators_note"] == (
        "No England, East of England or statistical neighbour figures are held for these years."
    )
    content = response.content.decode()
    assert "Download a comparator template (CSV)" in content
    assert reverse("data:comparators_upload") not in content  # a manager cannot import

    template = client.get(reverse("placements:comparators_template"), {"la": "Z99999999"})
    rows = list(csv.DictReader(io.StringIO(template.content.decode())))
    assert {r["area_code"] for r in rows} == {"E92000001", "E12000006", "SN_AVG_Z99999999"}
    assert {r["measure"] for r in rows} == {
        "rate_per_10k",
        "stability_3plus_pct",
        "long_term_stability_pct",
        "distance_over_20_pct",
    }
    assert {r["year"] for r in rows} == {"2020"} and {r["value"] for r in rows} == {""}
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "value": "50.0", "source_document": "Children looked after in England 2020"})
    saved, problems = comparators_import(name="filled.csv", content=filled.getvalue().encode())
    assert problems == [] and saved == len(rows)

    client.force_login(make_user(DATA_ADMIN, las=["Z99999999"]))
    response = client.get(reverse("placements:dashboard"), {"la": "Z99999999"})
    rate = next(c for c in response.context["charts"] if c["spec"].id == "rate")
    assert not rate["comparators_note"] and {s.source for s in rate["series"]} >= {
        "england",
        "region",
        "sn_average",
    }
    stability = next(c for c in response.context["charts"] if c["spec"].id == "stability")
    assert stability["comparators_note"] == ""


def test_data_admin_sees_the_comparator_import_link(data_admin_client, seeded_core):
    _demo_with_a_return()
    response = data_admin_client.get(reverse("placements:dashboard"), {"la": "Z99999999"})
    assert reverse("data:comparators_upload") in response.content.decode()


def test_single_category_chart_names_what_is_missing(manager_client, seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year, value in [(2019, 81), (2020, 52)]:
        YearlyFigure.objects.create(
            la=norfolk, year=year, measure="age_under_1", value=value, source="published"
        )
    response = manager_client.get(reverse("placements:dashboard"), {"la": "E10000020"})
    age = next(c for c in response.context["charts"] if c["spec"].id == "age")
    assert age["figure"]["layout"]["showlegend"] is True
    assert age["missing"] == [
        "No figures are held for Aged 1 to 4, Aged 5 to 9, Aged 10 to 15 or Aged 16 and over in these years."
    ]
    assert "Only some categories are held." in response.content.decode()


def test_measures_xlsx_writes_formula_like_text_as_text(manager_client, seeded_core):
    import openpyxl

    from placements.models import YearlyFigure

    norfolk = LocalAuthority.objects.get(code="E10000020")
    YearlyFigure.objects.create(
        la=norfolk,
        year=2020,
        measure="cla_31_march",
        value=1,
        source="published",
        source_document='=HYPERLINK("http://example.invalid","x")',
    )
    content = manager_client.get(reverse("placements:measures_xlsx"), {"la": "E10000020"}).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_about_page_lists_published_figures_with_period_source_and_caveat(manager_client, seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    YearlyFigure.objects.create(
        la=norfolk,
        year=2021,
        measure="stability_3plus_pct",
        value=11.1,
        source="published",
        source_document="004_22bfac70eab5605e.txt",
        source_section="paragraph 4.3 (Placement Stability)",
        note="Most recent figure. Held as 2020/21: an in-year figure for 2020/21, not a year ending 31 March figure.",
    )
    page = manager_client.get(
        reverse("placements:chart_about", args=["stability"]), {"la": "E10000020"}
    ).content.decode()
    assert "Published figures for Norfolk" in page
    assert "2020/21: 11.1%" in page
    assert "An in-year figure, not a year ending 31 March." in page
    assert "paragraph 4.3 (Placement Stability)" in page and ".txt" not in page
