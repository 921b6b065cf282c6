"""The data admin's import pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.models import ImportJob, Return
from sufficiency.models import LocalAuthority
from tests.placements.returns import bad_return, small_return

pytestmark = pytest.mark.django_db


def upload(client, files, la="E10000020", year="2020"):
    return client.post(
        reverse("data:import_upload"),
        {
            "la": la,
            "collection_year": year,
            "files": [SimpleUploadedFile(name, content, content_type="text/csv") for name, content in files],
        },
    )


def test_manager_cannot_import(manager_client, seeded_core):
    assert manager_client.get(reverse("data:import_upload")).status_code == 403
    assert upload(manager_client, small_return()).status_code == 403
    assert Return.objects.count() == 0


def test_upload_imports_and_shows_what_it_holds(
    data_admin_client, seeded_core, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(data_admin_client, small_return())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "data:import_detail", args=[job.pk]
    )
    job.refresh_from_db()
    assert job.status == "succeeded"
    page = data_admin_client.get(response["Location"])
    assert b"What the return holds" in page.content
    assert b"cla_31_march" in page.content
    status = data_admin_client.get(reverse("data:import_status", args=[job.pk])).json()
    assert status["finished"] and status["progress"] == 100
    listing = data_admin_client.get(reverse("data:import_list"))
    assert job.checksum[:12].encode() in listing.content


def test_rejected_upload_lists_problems_and_csv(
    data_admin_client, seeded_core, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(data_admin_client, bad_return())
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    page = data_admin_client.get(reverse("data:import_detail", args=[job.pk]))
    assert b"31/02/2019" in page.content and b"Problems found" in page.content
    csv_response = data_admin_client.get(reverse("data:import_problems_csv", args=[job.pk]))
    text = csv_response.content.decode()
    assert text.startswith("severity,table,row,column,value,message")
    assert "ZZ9" in text
    assert Return.objects.count() == 0


def test_upload_form_errors(data_admin_client, seeded_core):
    response = data_admin_client.post(reverse("data:import_upload"), {"la": "", "collection_year": "20x0"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Choose the authority the return belongs to" in content
    assert "Collection year must be a year" in content
    assert "Choose the return" in content
    empty = upload(data_admin_client, [("episodes.csv", b"")])
    assert b"A file is empty" in empty.content
    assert ImportJob.objects.count() == 0


# ---- the same bounds for the browser and the command --------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("40000", "Collection year must be 2100 or earlier"),
        ("0", "Collection year must be 2010 or later"),
        ("-1", "Collection year must be a year, for example 2020"),
        ("abc", "Collection year must be a year, for example 2020"),
    ],
)
def test_import_command_refuses_a_year_out_of_bounds(seeded_core, tmp_path, year, message):
    from django.core.management import CommandError, call_command

    paths = []
    for name, content in small_return():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    with pytest.raises(CommandError, match=message):
        call_command("import_903", "--la", "E10000020", "--year", year, *paths)
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("year", ["40000", "0", "2009", "2101"])
def test_upload_form_refuses_the_same_years(data_admin_client, seeded_core, year):
    from placements.forms import collection_year_error

    response = upload(data_admin_client, small_return(), year=year)
    assert response.status_code == 200
    assert collection_year_error(year) in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_one_size_rule_for_browser_and_command(data_admin_client, seeded_core, settings, tmp_path):
    from django.core.management import CommandError, call_command

    from placements.forms import upload_size_error

    files = small_return()
    total = sum(len(content) for _, content in files)
    settings.MAX_UPLOAD_BYTES = total  # exactly the limit is taken
    assert upload_size_error([len(content) for _, content in files]) is None
    settings.MAX_UPLOAD_BYTES = total - 1  # one byte over, across the files together (each is under it)
    assert all(len(content) < settings.MAX_UPLOAD_BYTES for _, content in files)
    message = upload_size_error([len(content) for _, content in files])
    assert message and "together" in message
    response = upload(data_admin_client, files)
    assert response.status_code == 200 and message in response.content.decode()
    paths = []
    for name, content in files:
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    with pytest.raises(CommandError, match="together"):
        call_command("import_903", "--la", "E10000020", "--year", "2020", *paths)
    assert ImportJob.objects.count() == 0


def test_import_page_warns_when_a_headline_figure_jumps(data_admin_client, seeded_core):
    from placements.models import ImportJob, YearlyFigure

    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year, value in ((2022, 1083), (2023, 2125)):
        YearlyFigure.objects.create(
            la=norfolk, year=year, measure="cla_31_march", value=value, source="computed"
        )
    YearlyFigure.objects.create(la=norfolk, year=2022, measure="starts", value=400, source="computed")
    YearlyFigure.objects.create(la=norfolk, year=2023, measure="starts", value=420, source="computed")
    job = ImportJob.objects.create(la=norfolk, collection_year=2023, status=ImportJob.Status.SUCCEEDED)
    page = data_admin_client.get(reverse("data:import_detail", args=[job.pk])).content.decode()
    assert "Check these figures" in page
    assert "Children looked after on 31 March: 1,083 in 2021/22 to 2,125 in 2022/23 (+96%)" in page
    assert "Children who started to be looked after:" not in page  # 5% is an ordinary year
    assert "?la=E10000020&amp;to=2023" in page
