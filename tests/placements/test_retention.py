"""No child-level data kept longer than needed: uploaded files, error reports, and a pseudonym key of its own."""

import io
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from placements import services
from placements.models import ImportJob, ImportProblem
from placements.services import import_job_create, import_job_run, import_problems_purge
from tests.placements.returns import bad_return, small_return

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def run(la, year, uploads):
    return import_job_run(import_job_create(la=la, collection_year=year, uploads=uploads))


def upload_folders(media) -> list[Path]:
    root = Path(media) / "imports"
    return sorted(root.iterdir()) if root.exists() else []


# ---- uploaded files ------------------------------------------------------------------------------------


def test_uploaded_files_are_deleted_whatever_the_outcome(norfolk, media, monkeypatch):
    assert run(norfolk, 2020, small_return()).status == ImportJob.Status.SUCCEEDED
    assert run(norfolk, 2020, small_return()).status == ImportJob.Status.UNCHANGED
    assert run(norfolk, 2020, bad_return()).status == ImportJob.Status.REJECTED
    from placements.ssda903 import transform

    def broken(*args, **kwargs):
        raise ValueError("unexpected")

    monkeypatch.setattr(transform, "transform_return", broken)
    assert run(norfolk, 2021, small_return()).status == ImportJob.Status.FAILED
    assert ImportJob.objects.count() == 4
    assert upload_folders(media) == []


def test_a_very_long_file_name_is_stored_under_a_short_one(norfolk, media):
    long_name = "episodes-" + "x" * 242 + ".csv"
    assert len(long_name) == 255
    files = dict(small_return())
    job = import_job_create(
        la=norfolk,
        collection_year=2020,
        uploads=[("header.csv", files["header.csv"]), (long_name, files["episodes.csv"])],
    )
    stored = sorted(p.name for p in Path(job.upload_dir).iterdir())
    assert stored[0] == "00-header.csv"
    assert stored[1].startswith("01-episodes-xxx") and stored[1].endswith(".csv") and len(stored[1]) <= 80
    assert job.file_names[0] == "header.csv"
    assert len(job.file_names[1]) <= 120 and job.file_names[1].endswith("x.csv")
    assert import_job_run(job).status == ImportJob.Status.SUCCEEDED


def test_a_very_long_file_name_in_the_browser_is_not_an_error(data_admin_client, seeded_core, media):
    files = dict(small_return())
    response = data_admin_client.post(
        reverse("data:import_upload"),
        {
            "la": "E10000020",
            "collection_year": "2020",
            "files": [
                SimpleUploadedFile("header.csv", files["header.csv"], content_type="text/csv"),
                SimpleUploadedFile("e" * 251 + ".csv", files["episodes.csv"], content_type="text/csv"),
            ],
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = data_admin_client.get(reverse("data:import_detail", args=[job.pk]))
    assert page.status_code == 200


def test_a_failed_save_leaves_no_half_written_folder(norfolk, media):
    class Broken(io.RawIOBase):
        def readinto(self, buffer):
            raise OSError("the connection dropped")

    with pytest.raises(OSError):
        import_job_create(
            la=norfolk,
            collection_year=2020,
            uploads=[("header.csv", small_return()[0][1]), ("episodes.csv", Broken())],
        )
    assert upload_folders(media) == []
    assert not ImportJob.objects.exists()


def test_orphan_upload_folders_are_removed(norfolk, media):
    waiting = import_job_create(la=norfolk, collection_year=2020, uploads=small_return())
    finished = import_job_create(la=norfolk, collection_year=2021, uploads=small_return())
    ImportJob.objects.filter(pk=finished.pk).update(status=ImportJob.Status.SUCCEEDED)
    root = Path(media) / "imports"
    old_orphan, young_orphan = root / str(uuid.uuid4()), root / str(uuid.uuid4())
    for folder in (old_orphan, young_orphan):
        folder.mkdir()
        (folder / "00-episodes.csv").write_bytes(b"CHILD\n1\n")
    hour_ago = time.time() - 3600
    os.utime(old_orphan, (hour_ago, hour_ago))

    assert services.upload_folders_remove_orphans() == 2
    assert set(upload_folders(media)) == {Path(waiting.upload_dir), young_orphan}


# ---- error reports -------------------------------------------------------------------------------------


def test_error_reports_are_removed_after_the_retention_period(norfolk, settings, data_admin_client):
    settings.IMPORT_PROBLEM_RETENTION_DAYS = 30
    old = run(norfolk, 2020, bad_return())
    recent = run(norfolk, 2021, bad_return())
    assert old.problems.exists() and recent.problems.exists()
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    ImportJob.objects.filter(pk=recent.pk).update(finished_at=timezone.now() - timedelta(days=29))
    errors, rows = old.error_count, old.problems.count()

    assert import_problems_purge() == rows
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not ImportProblem.objects.filter(job=old).exists()
    assert ImportProblem.objects.filter(job=recent).exists()
    assert old.problems_removed_at is not None and recent.problems_removed_at is None
    assert old.error_count == errors  # the counts stay; the rows with children's details go
    assert "kept for 30 days" in old.report_removed_note
    assert recent.report_removed_note == ""
    assert import_problems_purge() == 0  # nothing more to remove
    page = data_admin_client.get(reverse("data:import_detail", args=[old.pk])).content.decode()
    assert "The list of problems was removed on" in page and "kept for 30 days" in page


def test_purge_command_runs_the_sweep_and_the_retention(norfolk, settings, media):
    job = run(norfolk, 2020, bad_return())
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=40))
    dead = import_job_create(la=norfolk, collection_year=2021, uploads=small_return())
    lapsed = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS + 5)
    ImportJob.objects.filter(pk=dead.pk).update(status="running", started_at=lapsed, heartbeat_at=lapsed)

    out = io.StringIO()
    call_command("purge_import_data", stdout=out)
    assert "Import jobs given up: 1" in out.getvalue()
    assert not ImportProblem.objects.exists()
    dead.refresh_from_db()
    assert dead.status == ImportJob.Status.FAILED
    assert upload_folders(media) == []


# ---- the pseudonym key ---------------------------------------------------------------------------------


def _check(tmp_path, **env):
    base = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'key.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_pseudonym_key_of_its_own_is_required_outside_debug(tmp_path):
    missing = _check(tmp_path)
    assert missing.returncode != 0 and "PSEUDONYM_KEY must be set" in missing.stderr
    same = _check(tmp_path, PSEUDONYM_KEY="s" * 50)
    assert same.returncode != 0 and "PSEUDONYM_KEY must differ from SECRET_KEY" in same.stderr
    short = _check(tmp_path, PSEUDONYM_KEY="123456")
    assert short.returncode != 0 and "at least 32 characters" in short.stderr
    good = _check(tmp_path, PSEUDONYM_KEY="p" * 40)
    assert good.returncode == 0, good.stderr


def test_the_development_pseudonym_key_is_not_the_secret_key():
    assert django_settings.PSEUDONYM_KEY and django_settings.PSEUDONYM_KEY != django_settings.SECRET_KEY
