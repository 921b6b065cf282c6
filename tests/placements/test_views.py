"""The placements dashboard, its downloads and the measures API."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from placements.models import MeasureValue
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
        MeasureValue.objects.create(
            la=norfolk,
            year=year,
            measure="cla_31_march",
            value=value,
            source="published",
            source_document="000_b2eb913b38f73c99.txt",
        )
    MeasureValue.objects.create(
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
    assert b"holds only figures published" in response.content
    assert b"Children looked after on 31 March (published, Sufficiency Strategy" in response.content


def test_dashboard_numbers_equal_export_measures(manager_client, norfolk_imported):
    out = io.StringIO()
    call_command("export_measures", "--la", "E10000020", "--year", "2020", stdout=out)
    exported = {row["measure"]: row["value"] for row in csv.DictReader(io.StringIO(out.getvalue()))}
    response = manager_client.get(reverse("placements:dashboard"), {"la": "E10000020"})
    for tile in response.context["tiles"]:
        if tile["source"] == "computed":
            assert tile["display"] == (exported[tile["code"]] or "No figure"), tile["code"]
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
    assert response.status_code == 200 and b"stability_3plus_pct" in response.content
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
    MeasureValue.objects.create(
        la=norfolk_published,
        year=2021,
        measure="cla_31_march",
        value=1083,
        source="published",
        source_document="004_22bfac70eab5605e.txt",
    )
    MeasureValue.objects.create(
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
    assert "year ending March 2020 (the latest held)" in content and "No figure held" in content


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
