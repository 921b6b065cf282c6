"""The data pages are limited to the user's authorities: another authority's import, its problem
report and its CSV are not found (404), and the lists show only the authorities granted."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from placements.models import ImportJob, ImportProblem, Population, Return
from placements.services import import_job_create, import_job_run
from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN, MANAGER
from tests.placements.returns import EPISODE_COLUMNS, HEADER_COLUMNS, child, csv_bytes, episode

pytestmark = pytest.mark.django_db

NORFOLK, DEMO = "E10000020", "Z99999999"
DETAIL_URLS = ["data:import_detail", "data:import_status", "data:import_problems_csv"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _job(code: str, *, checksum: str) -> ImportJob:
    """A rejected import of `code` with one child-level problem (as the pipeline records it)."""
    job = ImportJob.objects.create(
        la=LocalAuthority.objects.get(code=code),
        collection_year=2020,
        status=ImportJob.Status.REJECTED,
        progress=100,
        file_names=["episodes.csv"],
        checksum=checksum,
        error_count=1,
    )
    ImportProblem.objects.create(
        job=job,
        severity="error",
        table="Episodes",
        row=2,
        column="CHILD",
        value=f"CHILD-{code}",
        message="bad",
    )
    return job


@pytest.fixture
def jobs(seeded_core):
    return {NORFOLK: _job(NORFOLK, checksum="a" * 64), DEMO: _job(DEMO, checksum="b" * 64)}


@pytest.fixture
def norfolk_admin(make_user, seeded_core):
    return make_user(DATA_ADMIN, las=[NORFOLK])


@pytest.mark.parametrize("name", DETAIL_URLS)
def test_scoped_data_admin_cannot_find_another_authoritys_import(norfolk_admin, jobs, name):
    client = _client(norfolk_admin)
    response = client.get(reverse(name, args=[jobs[DEMO].pk]))
    assert response.status_code == 404
    assert f"CHILD-{DEMO}".encode() not in response.content
    assert client.get(reverse(name, args=[jobs[NORFOLK].pk])).status_code == 200


@pytest.mark.parametrize("name", DETAIL_URLS)
def test_scoped_manager_is_refused_every_import(make_user, jobs, name):
    client = _client(make_user(MANAGER, las=[NORFOLK]))
    for job in jobs.values():
        assert client.get(reverse(name, args=[job.pk])).status_code == 403


@pytest.mark.parametrize("name", DETAIL_URLS)
def test_data_admin_without_grants_sees_every_import(data_admin_client, jobs, name):
    for job in jobs.values():
        assert data_admin_client.get(reverse(name, args=[job.pk])).status_code == 200


def test_problems_csv_holds_only_its_own_authority(data_admin_client, jobs):
    text = data_admin_client.get(reverse("data:import_problems_csv", args=[jobs[DEMO].pk])).content.decode()
    assert f"CHILD-{DEMO}" in text and f"CHILD-{NORFOLK}" not in text


def _returns_and_populations():
    for code in (NORFOLK, DEMO):
        la = LocalAuthority.objects.get(code=code)
        Return.objects.create(la=la, collection_year=2020, state=Return.State.CURRENT, checksum=code * 2)
        Population.objects.create(la=la, year=2020, population=123_456 if code == NORFOLK else 654_321)


def test_lists_show_only_the_authorities_granted(norfolk_admin, jobs):
    _returns_and_populations()
    client = _client(norfolk_admin)
    index = client.get(reverse("data:index"))
    listing = client.get(reverse("data:import_list"))
    for page in (index, listing):
        assert page.status_code == 200
        assert str(jobs[NORFOLK].pk).encode() in page.content
        assert str(jobs[DEMO].pk).encode() not in page.content
    assert [r.la.code for r in index.context["returns"]] == [NORFOLK]
    assert [p.la.code for p in index.context["populations"]] == [NORFOLK]
    assert b"123,456" in index.content and b"654,321" not in index.content
    assert [j.la.code for j in index.context["jobs"]] == [NORFOLK]


def test_lists_show_every_authority_without_grants(data_admin_client, jobs):
    _returns_and_populations()
    index = data_admin_client.get(reverse("data:index"))
    assert {r.la.code for r in index.context["returns"]} == {NORFOLK, DEMO}
    assert {p.la.code for p in index.context["populations"]} == {NORFOLK, DEMO}
    listing = data_admin_client.get(reverse("data:import_list"))
    assert {j.la.code for j in listing.context["jobs"]} == {NORFOLK, DEMO}


def test_comparator_count_leaves_out_authorities_not_compared_with(
    norfolk_admin, data_admin_client, seeded_core
):
    from placements.models import YearlyFigure

    def comparator(code):
        YearlyFigure.objects.create(
            la=LocalAuthority.objects.get(code=code),
            year=2020,
            measure="rate_per_10k",
            value=1,
            source=YearlyFigure.Source.COMPARATOR,
        )

    norfolk = LocalAuthority.objects.get(code=NORFOLK)
    neighbour = norfolk.statistical_neighbours.first()
    england = LocalAuthority.objects.get(kind=LocalAuthority.Kind.NATIONAL)
    for code in (NORFOLK, DEMO, neighbour.code, england.code):
        comparator(code)
    assert _client(norfolk_admin).get(reverse("data:index")).context["comparator_count"] == 3
    assert data_admin_client.get(reverse("data:index")).context["comparator_count"] == 4


def test_scoped_data_admin_cannot_upload_for_another_authority(norfolk_admin, seeded_core):
    from tests.placements.returns import small_return

    response = _client(norfolk_admin).post(
        reverse("data:import_upload"),
        {
            "la": DEMO,
            "collection_year": "2020",
            "files": [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in small_return()],
        },
    )
    assert response.status_code == 200
    assert "la" in response.context["form"].errors
    assert [la.code for la in response.context["form"].fields["la"].queryset] == [NORFOLK]
    assert ImportJob.objects.count() == 0


# ---- the problem report: grouped on the page, every row (and no live formula) in the CSV -------------------


def test_problems_csv_does_not_carry_a_formula(data_admin, seeded_core):
    """A CHILD id of =HYPERLINK(...) in an uploaded return comes back as text, not a formula."""
    formula = '=HYPERLINK("x")'
    header = csv_bytes(HEADER_COLUMNS, [child(formula), child(formula)])  # the same CHILD twice: an error
    episodes = csv_bytes(EPISODE_COLUMNS, [episode(formula, "01/05/2018")])
    job = import_job_run(
        import_job_create(
            la=LocalAuthority.objects.get(code=NORFOLK),
            collection_year=2020,
            uploads=[("header.csv", header), ("episodes.csv", episodes)],
        )
    )
    assert job.status == ImportJob.Status.REJECTED
    assert job.problems.filter(value=formula).exists()
    response = _client(data_admin).get(reverse("data:import_problems_csv", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    values = [row[4] for row in rows[1:]]
    assert f"'{formula}" in values
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_import_page_groups_problems_by_kind(data_admin_client, seeded_core):
    job = ImportJob.objects.create(
        la=LocalAuthority.objects.get(code=NORFOLK), collection_year=2020, status=ImportJob.Status.REJECTED
    )
    bad_places = [f"Z{i}" * 2 for i in range(7)]  # Z0Z0, Z1Z1, ...: seven rows wrong the same way
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(
                job=job,
                severity="error",
                table="Episodes",
                row=row,
                column="PLACE",
                value=value,
                message=f"PLACE '{value}' is not a valid placement code",
            )
            for row, value in enumerate(bad_places, start=2)
        ]
        + [
            ImportProblem(
                job=job,
                severity="error",
                table="Header",
                row=3,
                column="DOB",
                value="",
                message="DOB is blank",
            ),
            ImportProblem(job=job, severity="warning", table="UASC", message="The UASC table is empty"),
        ]
    )
    response = data_admin_client.get(reverse("data:import_detail", args=[job.pk]))
    errors = response.context["errors"]
    assert [(k["table"], k["column"], k["count"]) for k in errors] == [
        ("Episodes", "PLACE", 7),
        ("Header", "DOB", 1),
    ]
    assert errors[0]["message"] == "PLACE '…' is not a valid placement code"
    assert [p["value"] for p in errors[0]["examples"]] == bad_places[:5]
    assert [k["count"] for k in response.context["warnings"]] == [1]
    content = response.content.decode()
    assert "7 rows; the first 5 are below, the CSV lists every one" in content
    assert "Z4Z4" in content and "Z5Z5" not in content  # only the first five rows on the page
    csv_text = data_admin_client.get(reverse("data:import_problems_csv", args=[job.pk])).content.decode()
    assert all(value in csv_text for value in bad_places)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+44 1603 000000", "'+44 1603 000000"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),  # a number written as text stays a number
        ("+2.5", "+2.5"),
        ("-inf", "'-inf"),
        (-5, -5),
        (2.5, 2.5),
        (None, None),
        ("C1", "C1"),
        ("", ""),
    ],
)
def test_safe_cell(value, expected):
    from sufficiency.csvsafe import safe_cell

    assert safe_cell(value) == expected


def test_scoped_data_admin_cannot_write_another_authoritys_population(norfolk_admin, seeded_core):
    content = b"la_code,year,population\nE10000020,2020,180000\nZ99999999,2020,999\n"
    response = _client(norfolk_admin).post(
        reverse("data:population_upload"), {"file": SimpleUploadedFile("population.csv", content)}
    )
    assert response.status_code == 200
    assert "You may not change this authority" in response.content.decode()
    assert not Population.objects.filter(year=2020, la__code__in=["E10000020", "Z99999999"]).exists()


def test_scoped_data_admin_writes_comparators_only_for_areas_compared_with(norfolk_admin, seeded_core):
    from placements.models import YearlyFigure
    from placements.services import comparators_import

    neighbour = LocalAuthority.objects.get(code="E10000020").statistical_neighbours.first()
    ok = f"area_code,year,measure,value\nE92000001,2020,rate_per_10k,67\n{neighbour.code},2020,rate_per_10k,55\n"
    saved, problems = comparators_import(name="c.csv", content=ok.encode(), user=norfolk_admin)
    assert (saved, problems) == (2, [])
    bad = "area_code,year,measure,value\nZ99999999,2021,rate_per_10k,1\n"
    saved, problems = comparators_import(name="c.csv", content=bad.encode(), user=norfolk_admin)
    assert saved == 0 and [p.column for p in problems] == ["area_code"]
    assert not YearlyFigure.objects.filter(la__code="Z99999999", year=2021).exists()
