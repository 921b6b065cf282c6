"""read_return's own limits: too many files are refused unread, reading stops once it takes too long, and
a refused file writes nothing (the limits of each form are tested beside its module)."""

import pytest

from placements.ssda903 import read, tables
from placements.ssda903.read import WIDEST_TABLE, read_return

from .util import errors, sample_files, wide_csv


def test_too_many_files_are_refused_unread():
    raw = read_return([(f"f{i}.csv", b"A,B\n1,2\n") for i in range(read.MAX_FILES + 1)])
    [p] = errors(raw)
    assert "31 files were uploaded; at most 30" in p.message
    assert raw.tables == {} and len(raw.problems) == 1


def test_reading_stops_once_it_has_taken_too_long(monkeypatch):
    monkeypatch.setattr(tables, "MAX_READ_SECONDS", -1)  # already out of time
    raw = read_return(sample_files())
    [p] = errors(raw)
    assert "took longer than" in p.message and raw.tables == {}


@pytest.mark.django_db
def test_a_refused_file_writes_nothing(seeded_core, settings, tmp_path):
    from placements.models import Episode, ImportJob, ImportProblem, Return
    from placements.services import import_job_create, import_job_run
    from sufficiency.models import LocalAuthority

    settings.MEDIA_ROOT = tmp_path
    la = LocalAuthority.objects.get(code="E10000020")
    uploads = [("header.csv", dict(sample_files())["header.csv"]), ("episodes.csv", wide_csv(100_000))]
    job = import_job_run(import_job_create(la=la, collection_year=2024, uploads=uploads))
    assert job.status == ImportJob.Status.REJECTED
    assert [p.message for p in ImportProblem.objects.filter(job=job, severity="error")] == [
        f"episodes.csv has 100,000 columns; a 903 table has at most {WIDEST_TABLE}. Is this the right file?"
    ]
    assert not Return.objects.exists() and not Episode.objects.exists()
