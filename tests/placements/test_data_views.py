"""The data admin's import pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.models import ImportJob, Return
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
