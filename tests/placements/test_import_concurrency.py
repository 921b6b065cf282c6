"""Imports at the same time: different authorities both land; two imports of one authority and year
never overlap (the second waits for the first, or gives up with a message at its time limit)."""

import threading
import time

import pytest
from django.db import connection, connections

from placements import services
from placements.models import ImportJob, Return, YearlyFigure
from placements.services import ImportLock, import_job_create, import_job_run
from placements.ssda903 import load
from sufficiency.models import LocalAuthority
from tests.placements.returns import EPISODE_COLUMNS, HEADER_COLUMNS, child, csv_bytes, episode, small_return
from tests.placements.test_incremental_import import full, stored

pytestmark = pytest.mark.usefixtures("media")


def two_children() -> list[tuple[str, bytes]]:
    header = csv_bytes(HEADER_COLUMNS, [child("D1"), child("D2", "2", "01/02/2012")])
    episodes = csv_bytes(
        EPISODE_COLUMNS, [episode("D1", "01/05/2019"), episode("D2", "01/06/2019", place="K2", provider="PR4")]
    )
    return [("header.csv", header), ("episodes.csv", episodes)]


def in_thread(target, *args) -> threading.Thread:
    """Run target in a thread with its own database connection (closed when it ends)."""
    errors = []

    def body():
        try:
            target(*args)
        except BaseException as exc:  # pragma: no cover - reported by the test
            errors.append(exc)
            raise
        finally:
            connections.close_all()

    thread = threading.Thread(target=body, daemon=True)
    thread.errors = errors
    thread.start()
    return thread


def held_elsewhere(la_id: int, year: int, release: threading.Event, taken: threading.Event):
    lock = ImportLock(la_id, year)
    assert lock.acquire()
    taken.set()
    release.wait(30)
    lock.release()


@pytest.mark.django_db(transaction=True)
def test_the_lock_is_per_authority_and_year_and_free_again_once_released(seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    release, taken = threading.Event(), threading.Event()
    holder = in_thread(held_elsewhere, norfolk.pk, 2020, release, taken)
    assert taken.wait(10)
    same, other_year = ImportLock(norfolk.pk, 2020), ImportLock(norfolk.pk, 2021)
    assert not same.acquire()
    assert other_year.acquire()
    other_year.release()
    release.set()
    holder.join(10)
    assert same.acquire()
    same.release()


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_the_running_import_of_its_year_then_runs(seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    release, taken = threading.Event(), threading.Event()
    holder = in_thread(held_elsewhere, norfolk.pk, 2020, release, taken)
    assert taken.wait(10)
    stages = []
    original = services._progress

    def watched(job, fraction, stage):
        stages.append(stage)
        if stage.startswith("Waiting") and len(stages) >= 2:
            release.set()  # the other import finishes while this one waits
        original(job, fraction, stage)

    services._progress = watched
    try:
        job = import_job_run(import_job_create(la=norfolk, collection_year=2020, uploads=small_return()))
    finally:
        services._progress = original
        release.set()
        holder.join(10)
    assert stages[0] == "Waiting for another import of Norfolk 2019/20 to finish"
    assert job.status == ImportJob.Status.SUCCEEDED
    assert stored(norfolk) == full(norfolk)


@pytest.mark.django_db(transaction=True)
def test_an_import_that_waits_past_its_time_limit_gives_up_and_changes_nothing(seeded_core, settings):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    release, taken = threading.Event(), threading.Event()
    holder = in_thread(held_elsewhere, norfolk.pk, 2020, release, taken)
    assert taken.wait(10)
    settings.IMPORT_JOB_MAX_SECONDS = 1
    try:
        job = import_job_create(la=norfolk, collection_year=2020, uploads=small_return())
        job = import_job_run(job)
    finally:
        release.set()
        holder.join(10)
    assert job.status == ImportJob.Status.FAILED
    assert job.stage == (
        "Another import of Norfolk 2019/20 was still running after 1 minute, so this one never started; "
        "nothing was changed. Start it again once that import has finished."
    )
    assert not Return.objects.exists() and not YearlyFigure.objects.filter(source="computed").exists()


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def _timeline(monkeypatch) -> list[tuple[str, str]]:
    """(event, job id) as imports start writing their return and finish making it current; writing is
    slowed so that overlapping imports would interleave."""
    events: list[tuple[str, str]] = []
    stage, make_current = load.return_stage, services._import_make_current

    def slow_stage(**kwargs):
        events.append(("writing", str(kwargs["job"].pk)))
        time.sleep(0.5)
        return stage(**kwargs)

    def recorded_make_current(job, staged):
        previous = make_current(job, staged)
        events.append(("current", str(job.pk)))
        return previous

    monkeypatch.setattr(load, "return_stage", slow_stage)
    monkeypatch.setattr(services, "_import_make_current", recorded_make_current)
    return events


def _run_together(jobs: list[ImportJob]) -> list[ImportJob]:
    threads = [in_thread(import_job_run, job) for job in jobs]
    for thread in threads:
        thread.join(120)
        assert not thread.is_alive() and not thread.errors
    return [ImportJob.objects.get(pk=job.pk) for job in jobs]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_imports_of_two_authorities_at_once_both_land_side_by_side(seeded_core, monkeypatch):
    _needs_postgres()
    events = _timeline(monkeypatch)
    norfolk = LocalAuthority.objects.get(code="E10000020")
    demo = LocalAuthority.objects.get(code="Z99999999")
    jobs = [
        import_job_create(la=norfolk, collection_year=2020, uploads=small_return()),
        import_job_create(la=demo, collection_year=2020, uploads=two_children()),
    ]
    jobs = _run_together(jobs)
    assert [job.status for job in jobs] == [ImportJob.Status.SUCCEEDED] * 2
    # Neither waited for the other: both were writing before either was current.
    assert {kind for kind, _ in events[:2]} == {"writing"}
    for la, cla in ((norfolk, 2), (demo, 2)):
        assert stored(la) == full(la)
        assert stored(la)[(2020, "cla_31_march")] == cla


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_authority_and_year_run_one_after_the_other(seeded_core, monkeypatch):
    _needs_postgres()
    events = _timeline(monkeypatch)
    norfolk = LocalAuthority.objects.get(code="E10000020")
    jobs = [
        import_job_create(la=norfolk, collection_year=2020, uploads=small_return()),
        import_job_create(la=norfolk, collection_year=2020, uploads=two_children()),
    ]
    jobs = _run_together(jobs)
    assert [job.status for job in jobs] == [ImportJob.Status.SUCCEEDED] * 2
    # Never interleaved: one import wrote and made its return current before the other began writing.
    assert [kind for kind, _ in events] == ["writing", "current", "writing", "current"]
    first, second = events[0][1], events[2][1]
    assert events[1][1] == first and events[3][1] == second != first
    current = Return.objects.current().get(la=norfolk, collection_year=2020)
    assert str(current.job_id) == second
    assert Return.objects.filter(la=norfolk).count() == 1
    assert stored(norfolk) == full(norfolk)
