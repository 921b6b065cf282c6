"""Crash safety of imports: a process killed at any stage leaves either the old return with its measures or
the new one with its own; the sweep gives up dead jobs and deletes what they left; a re-import works."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from placements import measures, services
from placements.models import (
    ChildHeader,
    Episode,
    ImportJob,
    Population,
    Return,
    UASCRecord,
    YearlyFigure,
)
from placements.services import (
    STOPPED_MESSAGE,
    import_job_create,
    import_job_run,
    import_jobs_expire_stale,
    population_import,
)
from placements.ssda903 import load, read, transform, validate
from tests.placements.returns import EPISODE_COLUMNS, HEADER_COLUMNS, child, csv_bytes, episode, small_return

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


class Killed(BaseException):
    """Stands for the process being killed: no `except Exception` handler sees it, no clean-up runs."""


def changed_return() -> list[tuple[str, bytes]]:
    """The small return less child C3's episode: 31 March count 1 instead of 2."""
    header, episodes = (content for _, content in small_return())
    episodes = b"\n".join(line for line in episodes.split(b"\n") if not line.startswith(b"C3")) + b"\n"
    return [("header.csv", header), ("episodes.csv", episodes)]


def other_year() -> list[tuple[str, bytes]]:
    """2020/21: one other child, who started in June 2020."""
    header = csv_bytes(HEADER_COLUMNS, [child("C9", "1", "01/01/2012")])
    episodes = csv_bytes(EPISODE_COLUMNS, [episode("C9", "01/06/2020")])
    return [("header.csv", header), ("episodes.csv", episodes)]


def run(la, year, uploads):
    return import_job_run(import_job_create(la=la, collection_year=year, uploads=uploads))


def stored(la) -> set:
    return set(
        YearlyFigure.objects.filter(la=la, source=YearlyFigure.Source.COMPUTED).values_list(
            "year", "measure", "value"
        )
    )


def recomputed(la) -> set:
    """The measures computed afresh from the current returns (what the stored ones must equal)."""
    years = sorted(set(Return.objects.current().filter(la=la).values_list("collection_year", flat=True)))
    populations = dict(Population.objects.filter(la=la).values_list("year", "population"))
    table = measures.compute_years(*load.la_frames(la), years, populations)
    return {
        (int(r.year), r.measure, None if r.value is None or r.value != r.value else float(r.value))
        for r in table.itertuples(index=False)
    }


def outcome_of(la, year, uploads) -> set:
    """The measures a clean import of these files would leave (tried, then rolled back)."""
    with transaction.atomic():
        assert run(la, year, uploads).status == ImportJob.Status.SUCCEEDED
        result = stored(la)
        transaction.set_rollback(True)
    return result


def cla_2020(la) -> float:
    return YearlyFigure.objects.get(la=la, year=2020, measure="cla_31_march", source="computed").value


def age_lease(job: ImportJob, settings) -> None:
    """Time passes: the job's lease lapses (its process is gone and renews nothing)."""
    old = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS + 5)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=old)


def kill_at(monkeypatch, target, name, *, after_calls: int = 0):
    """Make `target.name` kill the process on its (after_calls + 1)th call."""
    original = getattr(target, name)
    calls = {"n": 0}

    def killed(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > after_calls:
            raise Killed(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, killed)


# Each stage of an import, as (module, function, calls let through, whether the new return is current after).
STAGES = {
    "reading": (read, "read_return", 0, False),
    "validating": (validate, "validate_return", 0, False),
    "pseudonymising": (transform, "transform_return", 0, False),
    "writing staging rows": (load, "_bulk", 1, False),  # episodes written, header not
    "computing the measures": (services, "_measures_change", 0, False),
    "replacing the measures": (services, "_measures_apply", 0, False),  # inside the flip transaction
    "deleting the old return": (load, "return_delete", 0, True),
    "removing the uploaded files": (services, "_remove_upload", 0, True),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_crash_at_any_stage_leaves_consistent_measures_and_a_working_reimport(
    stage, norfolk, monkeypatch, settings
):
    assert run(norfolk, 2020, small_return()).status == ImportJob.Status.SUCCEEDED
    assert run(norfolk, 2021, other_year()).status == ImportJob.Status.SUCCEEDED
    old = stored(norfolk)
    new = outcome_of(norfolk, 2020, changed_return())
    assert old != new

    target, name, let_through, new_is_current = STAGES[stage]
    job = import_job_create(la=norfolk, collection_year=2020, uploads=changed_return())
    with monkeypatch.context() as patch:
        kill_at(patch, target, name, after_calls=let_through)
        with pytest.raises(Killed):
            import_job_run(job)

    # Whatever the stage, what readers see is consistent: measures equal a recompute from the current returns.
    assert stored(norfolk) == recomputed(norfolk) == (new if new_is_current else old)

    age_lease(job, settings)
    import_jobs_expire_stale()

    job.refresh_from_db()
    assert not ImportJob.objects.filter(status=ImportJob.Status.RUNNING).exists()
    if new_is_current:
        assert job.status == ImportJob.Status.SUCCEEDED
    else:
        assert job.status == ImportJob.Status.FAILED and job.stage == STOPPED_MESSAGE
        assert job.summary["error"] == STOPPED_MESSAGE
    assert set(Return.objects.values_list("state", flat=True)) == {Return.State.CURRENT}
    current = set(Return.objects.values_list("pk", flat=True))
    for model in (Episode, ChildHeader, UASCRecord):
        assert set(model.objects.values_list("ret_id", flat=True)) <= current
    assert not Path(job.upload_dir).exists()
    assert stored(norfolk) == recomputed(norfolk)

    again = run(norfolk, 2020, changed_return())
    expected = ImportJob.Status.UNCHANGED if new_is_current else ImportJob.Status.SUCCEEDED
    assert again.status == expected, again.summary
    assert stored(norfolk) == recomputed(norfolk) == new
    assert Return.objects.filter(la=norfolk, collection_year=2020).count() == 1


def test_a_current_return_whose_import_never_finished_is_imported_again(norfolk):
    """Left by a crash between the flip and the measures (before they were one transaction): the same
    file again must run, not answer 'unchanged', and so heal the measures."""
    run(norfolk, 2020, small_return())
    job = run(norfolk, 2020, changed_return())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    YearlyFigure.objects.filter(la=norfolk, measure="cla_31_march", year=2020).update(value=207)

    again = run(norfolk, 2020, changed_return())
    assert again.status == ImportJob.Status.SUCCEEDED
    assert cla_2020(norfolk) == 1
    assert stored(norfolk) == recomputed(norfolk)


def test_a_live_job_is_not_given_up(norfolk, settings):
    job = import_job_create(la=norfolk, collection_year=2020, uploads=small_return())
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=now, heartbeat_at=now)
    assert import_jobs_expire_stale() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and Path(job.upload_dir).exists()


def test_a_running_job_with_no_heartbeat_is_given_up(norfolk, settings):
    job = import_job_create(la=norfolk, collection_year=2020, uploads=small_return())
    started = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS + 5)
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=started, heartbeat_at=None)
    assert import_jobs_expire_stale() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not Path(job.upload_dir).exists()


def test_queued_jobs_wait_for_the_worker_but_not_for_ever(norfolk, settings):
    waiting = import_job_create(la=norfolk, collection_year=2020, uploads=small_return())
    lost = import_job_create(la=norfolk, collection_year=2021, uploads=small_return())
    created = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_QUEUE_MAX_SECONDS + 5)
    ImportJob.objects.filter(pk=lost.pk).update(created_at=created)

    assert import_jobs_expire_stale() == 1
    waiting.refresh_from_db()
    lost.refresh_from_db()
    assert waiting.status == ImportJob.Status.QUEUED and Path(waiting.upload_dir).exists()
    assert lost.status == ImportJob.Status.FAILED and "never started" in lost.stage
    assert not Path(lost.upload_dir).exists()
    # The worker comes back and picks up the lost job's task: it does not run a job given up.
    assert import_job_run(lost).status == ImportJob.Status.FAILED
    assert not Return.objects.filter(collection_year=2021).exists()


def test_a_job_given_up_while_it_ran_changes_nothing(norfolk, monkeypatch, settings):
    """The process was only paused past its lease: when it carries on it must not make its return current."""
    run(norfolk, 2020, small_return())
    before = stored(norfolk)
    job = import_job_create(la=norfolk, collection_year=2020, uploads=changed_return())
    original = services._measures_change

    def paused(la, staged=None):
        age_lease(job, settings)
        import_jobs_expire_stale()
        return original(la, staged)

    monkeypatch.setattr(services, "_measures_change", paused)
    job = import_job_run(job)
    assert job.status == ImportJob.Status.FAILED and job.stage == STOPPED_MESSAGE
    assert stored(norfolk) == before == recomputed(norfolk)
    assert set(Return.objects.values_list("state", flat=True)) == {Return.State.CURRENT}


def test_a_job_past_its_time_limit_stops_and_changes_nothing(norfolk, settings):
    run(norfolk, 2020, small_return())
    before = stored(norfolk)
    settings.IMPORT_JOB_MAX_SECONDS = 0
    job = run(norfolk, 2020, changed_return())
    assert job.status == ImportJob.Status.FAILED
    assert "longer than" in job.stage and "nothing was changed" in job.stage
    assert stored(norfolk) == before
    assert set(Return.objects.values_list("state", flat=True)) == {Return.State.CURRENT}
    assert not Path(job.upload_dir).exists()


def test_an_ordinary_error_while_staging_leaves_no_rows(norfolk, monkeypatch):
    run(norfolk, 2020, small_return())
    episodes_before = Episode.objects.count()

    original = load._bulk
    calls = {"n": 0}

    def full_after_the_episodes(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(load, "_bulk", full_after_the_episodes)
    job = run(norfolk, 2020, changed_return())
    assert job.status == ImportJob.Status.FAILED and "disk full" in job.summary["error"]
    assert Episode.objects.count() == episodes_before
    assert not Return.objects.exclude(state=Return.State.CURRENT).exists()


def test_a_population_upload_killed_part_way_saves_nothing(norfolk, monkeypatch):
    run(norfolk, 2020, small_return())
    before = stored(norfolk)
    kill_at(monkeypatch, services, "_measures_replace")
    with pytest.raises(Killed):
        population_import(name="pop.csv", content=b"la_code,year,population\nE10000020,2020,169000\n")
    assert not Population.objects.exists()
    assert stored(norfolk) == before == recomputed(norfolk)


def test_measures_follow_a_population_uploaded_while_an_import_computed(norfolk, monkeypatch):
    """Another write changed the measures' inputs between computing and the flip: computed again."""
    run(norfolk, 2020, small_return())
    original = services._measures_change
    calls = {"n": 0}

    def with_upload_meanwhile(la, staged=None):
        calls["n"] += 1
        rows = original(la, staged)
        if calls["n"] == 1:
            Population.objects.create(la=la, year=2020, population=10000)
        return rows

    monkeypatch.setattr(services, "_measures_change", with_upload_meanwhile)
    job = run(norfolk, 2020, changed_return())
    assert job.status == ImportJob.Status.SUCCEEDED
    assert calls["n"] == 2
    assert stored(norfolk) == recomputed(norfolk)
    assert (
        YearlyFigure.objects.get(la=norfolk, year=2020, measure="rate_per_10k", source="computed").value
        == 1.0
    )
