"""Import jobs' shared words and their lock: at most one import of an authority's collection year at a time.

The messages a data admin reads when an import did not finish, the exception that stops a job, and where
uploaded files wait are here too, so that the job runner (placements.services) and the housekeeping
(placements.import_housekeeping) share them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from placements.models import ImportJob

# What a data admin reads when an import did not finish (job.stage and job.summary["error"]).
STOPPED_MESSAGE = "The import stopped before it finished; nothing was changed. Start it again."
NEVER_STARTED_MESSAGE = (
    "The import never started (the background worker was not running); nothing was changed. Start it again."
)
TOO_LONG_MESSAGE = (
    "The import took longer than the {minutes} minutes allowed and was stopped; nothing was changed. "
    "Start it again, and ask for help if it happens again."
)


WAITING_STAGE = "Waiting for another import of {la} {year} to finish"
WAITED_TOO_LONG_MESSAGE = (
    "Another import of {la} {year} was still running after {minutes}, so this one never started; "
    "nothing was changed. Start it again once that import has finished."
)


class ImportStopped(Exception):
    """The job must stop: it ran past its time limit, or it was given up as dead while it ran."""


def imports_folder() -> Path:
    """Where uploaded files wait for the worker (one folder per job, named by the job's id)."""
    return Path(settings.MEDIA_ROOT) / "imports"


# ---- one import per authority and year at a time ---------------------------------------------------------


class ImportLock:
    """At most one import of an authority's collection year runs at a time, across threads, worker
    processes and (on PostgreSQL) machines.

    PostgreSQL: a session-level advisory lock keyed by authority and year, so it is never held by a
    transaction (imports write in many short ones) and is released by the server when the holder's
    connection ends, even if its process was killed. Other databases (SQLite, one machine): an exclusive
    `flock` on a file per authority and year under MEDIA_ROOT, released by the kernel when the process
    ends. Imports of other authorities or other years never wait for each other.
    """

    NAMESPACE = 903  # the first 16 bits of the advisory lock key: this lock's own range of keys

    def __init__(self, la_id: int, collection_year: int):
        self.la_id, self.collection_year = int(la_id), int(collection_year)
        self.key = (self.NAMESPACE << 48) | (self.la_id << 16) | self.collection_year
        self._file = None
        self._held = False

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; returns whether it is now held (never waits)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
                self._held = bool(cursor.fetchone()[0])
            return self._held
        import fcntl

        folder = Path(settings.MEDIA_ROOT) / "import-locks"
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / f"{self.la_id}-{self.collection_year}.lock", "a+")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file, self._held = handle, True
        return True

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        if self._file is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
            return
        import fcntl

        try:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._file.close()
            self._file = None


@contextmanager
def import_lock(job: ImportJob, progress: Callable[[ImportJob, float, str], None]) -> Iterator[None]:
    """Hold the job's authority-and-year lock while the block runs; wait for it while another import of
    the same authority and year runs (the job says so), at most until the job's time limit."""
    from placements.ssda903.codes import year_label

    lock = ImportLock(job.la_id, job.collection_year)
    names = {"la": job.la.name, "year": year_label(job.collection_year)}
    last_beat = None
    while not lock.acquire():
        limit = settings.IMPORT_JOB_MAX_SECONDS
        if job.started_at and (timezone.now() - job.started_at).total_seconds() > limit:
            minutes = max(1, round(limit / 60))
            waited = f"{minutes} minute" + ("" if minutes == 1 else "s")
            raise ImportStopped(WAITED_TOO_LONG_MESSAGE.format(**names, minutes=waited))
        if last_beat is None or time.monotonic() - last_beat >= 2:
            progress(job, 0, WAITING_STAGE.format(**names))  # also renews the lease, stops a given-up job
            last_beat = time.monotonic()
        time.sleep(0.2)
    try:
        yield
    finally:
        lock.release()
