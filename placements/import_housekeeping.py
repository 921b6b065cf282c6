"""Import housekeeping: dead jobs, the rows and files they left, and error reports past their retention.

`import_jobs_expire_stale` runs on every data page; `import_data_purge` is the daily
`purge_import_data` command.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from placements.import_lock import NEVER_STARTED_MESSAGE, STOPPED_MESSAGE, imports_folder
from placements.models import ImportJob, ImportProblem, Return
from placements.ssda903 import load
from sufficiency.leases import lease_lapsed

logger = logging.getLogger(__name__)


def remove_upload(job: ImportJob) -> None:
    # The uploaded files hold personal data: they are not kept once the job has ended, whatever its outcome.
    if job.upload_dir:
        shutil.rmtree(job.upload_dir, ignore_errors=True)


# ---- dead jobs, leftovers and retention --------------------------------------------------------------


def import_jobs_expire_stale() -> int:
    """Mark dead import jobs failed and delete what they left; cheap enough to call on every data page.

    Dead: RUNNING with a lease older than IMPORT_JOB_LEASE_SECONDS (the worker was killed or restarted),
    or QUEUED for longer than IMPORT_JOB_QUEUE_MAX_SECONDS (no worker ran it). Their uploaded files and
    half-written returns are deleted, as are replaced returns' rows left by a crash. Returns how many
    jobs were marked failed.
    """
    now = timezone.now()
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(lease_lapsed(now))
    queued = ImportJob.objects.filter(
        status=ImportJob.Status.QUEUED,
        created_at__lt=now - timedelta(seconds=settings.IMPORT_JOB_QUEUE_MAX_SECONDS),
    )
    expired = 0
    for dead, message in ((running, STOPPED_MESSAGE), (queued, NEVER_STARTED_MESSAGE)):
        for job in list(dead.only("pk", "upload_dir")):
            # Conditional: a job that renewed its lease (or finished) since it was read is left alone.
            if dead.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED, stage=message, summary={"error": message}, finished_at=now
            ):
                expired += 1
                logger.warning("Import job %s was given up: %s", job.pk, message)
                remove_upload(job)
    returns_remove_leftovers()
    upload_folders_remove_orphans()
    return expired


def returns_remove_leftovers() -> int:
    """Delete STAGING returns no live job is writing, and SUPERSEDED returns a crash left; returns how many."""
    lapsed = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS)
    leftovers = Return.objects.filter(
        Q(state=Return.State.SUPERSEDED)
        | Q(state=Return.State.STAGING, job__isnull=True, imported_at__lt=lapsed)
        | (Q(state=Return.State.STAGING, job__isnull=False) & ~Q(job__status=ImportJob.Status.RUNNING))
    )
    removed = 0
    for ret in list(leftovers):
        load.return_delete(ret)
        removed += 1
    return removed


def upload_folders_remove_orphans() -> int:
    """Delete upload folders whose job has ended or does not exist (after a crash); returns how many.

    A folder without a job is left alone for one lease period: its job may be being created.
    """
    root = imports_folder()
    if not root.is_dir():
        return 0
    folders = {p.name: p for p in root.iterdir() if p.is_dir()}
    waiting = {
        str(pk)
        for pk in ImportJob.objects.filter(
            pk__in=[n for n in folders if _is_uuid(n)],
            status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING],
        ).values_list("pk", flat=True)
    }
    known = {
        str(pk)
        for pk in ImportJob.objects.filter(pk__in=[n for n in folders if _is_uuid(n)]).values_list(
            "pk", flat=True
        )
    }
    young = time.time() - settings.IMPORT_JOB_LEASE_SECONDS
    removed = 0
    for name, path in folders.items():
        if name in waiting or (name not in known and path.stat().st_mtime > young):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _is_uuid(name: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", name))


def import_problems_purge(*, now=None) -> int:
    """Delete the error reports (ImportProblem rows: raw CHILD ids, dates of birth) of imports that ended
    more than IMPORT_PROBLEM_RETENTION_DAYS ago; the job keeps its counts and says the report was removed.
    Returns how many problem rows were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IMPORT_PROBLEM_RETENTION_DAYS)
    jobs = list(
        ImportJob.objects.filter(finished_at__lt=cutoff, problems_removed_at__isnull=True)
        .filter(problems__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    deleted = 0
    for job_id in jobs:
        while True:
            ids = list(ImportProblem.objects.filter(job_id=job_id).values_list("pk", flat=True)[:20000])
            if not ids:
                break
            with transaction.atomic():
                deleted += ImportProblem.objects.filter(pk__in=ids).delete()[0]
        ImportJob.objects.filter(pk=job_id).update(problems_removed_at=now)
    return deleted


def import_data_purge() -> dict[str, int]:
    """The daily housekeeping (`manage.py purge_import_data`): dead jobs, leftovers, orphan upload
    folders, and error reports past their retention period."""
    return {"jobs_failed": import_jobs_expire_stale(), "problems_deleted": import_problems_purge()}
