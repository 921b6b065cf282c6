"""Writes for the placements app: importing returns, recomputing measures, loading reference figures.

The upload view, the `import_903` command and the background task all call `import_job_run`.

Crash safety: a job holds a lease (`heartbeat_at`, renewed by every progress update and by a heartbeat
thread during long steps). `import_jobs_expire_stale` marks a job whose lease has lapsed (its worker was
killed) as failed, and deletes its uploaded files and any half-written (STAGING) or replaced
(SUPERSEDED) return rows. A return becomes current in the same transaction that replaces the measures
computed from it, so the measures always match the current returns. `import_data_purge` (the
`purge_import_data` command, run daily) also removes error reports past their retention period.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from placements import longitudinal, measures_update
from placements.models import ImportJob, ImportProblem, Population, Return, YearlyFigure
from placements.ssda903 import load
from sufficiency.leases import heartbeat, lease_lapsed
from sufficiency.models import LocalAuthority

logger = logging.getLogger(__name__)


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
def _import_lock(job: ImportJob) -> Iterator[None]:
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
            _progress(job, 0, WAITING_STAGE.format(**names))  # also renews the lease, stops a given-up job
            last_beat = time.monotonic()
        time.sleep(0.2)
    try:
        yield
    finally:
        lock.release()


# ---- import jobs -----------------------------------------------------------------------------------------


def files_checksum(paths: list[Path]) -> str:
    """SHA-256 over the files' contents in name order (the same files give the same checksum)."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _display_name(name: str) -> str:
    """The uploaded file's own name, as shown on the job page (at most 120 characters)."""
    name = Path(str(name).replace("\\", "/")).name or "upload"
    return name if len(name) <= 120 else name[:100] + "…" + name[-19:]


def _stored_name(index: int, name: str) -> str:
    """A short, safe file name on disk: the index, then the name's letters and digits, its extension kept
    (the reader recognises workbooks and zips by it). Never too long for the file system."""
    path = Path(_display_name(name))
    suffix = re.sub(r"[^A-Za-z0-9]", "", path.suffix)[:8]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("._")[:60] or "upload"
    return f"{index:02d}-{stem}" + (f".{suffix}" if suffix else "")


def import_job_create(
    *, la: LocalAuthority, collection_year: int, uploads: list[tuple[str, object]], user=None
) -> ImportJob:
    """Save uploaded files (name, file-like or bytes) to a private folder and record a queued job.

    If saving fails part-way the folder is removed: no half-written copy of the files is left.
    """
    job = ImportJob(la=la, collection_year=collection_year, created_by=user)
    folder = imports_folder() / str(job.id)
    names, size = [], 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for index, (name, content) in enumerate(uploads):
            target = folder / _stored_name(index, name)
            with open(target, "wb") as out:
                if isinstance(content, bytes | bytearray):
                    out.write(content)
                elif hasattr(content, "chunks"):
                    for chunk in content.chunks():
                        out.write(chunk)
                else:
                    shutil.copyfileobj(content, out)
            names.append(_display_name(name))
            size += target.stat().st_size
        job.file_names = names
        job.file_size = size
        job.upload_dir = str(folder)
        job.checksum = files_checksum(list(folder.iterdir()))
        job.save()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def _check_time(job: ImportJob) -> None:
    limit = settings.IMPORT_JOB_MAX_SECONDS
    if job.started_at and (timezone.now() - job.started_at).total_seconds() > limit:
        raise ImportStopped(TOO_LONG_MESSAGE.format(minutes=max(1, round(limit / 60))))


def _progress(job: ImportJob, fraction: float, stage: str) -> None:
    """Record progress and renew the lease; stop the job past its time limit or if it was given up."""
    _check_time(job)
    job.progress = max(0, min(100, round(fraction * 100)))
    job.stage = stage
    job.heartbeat_at = timezone.now()
    renewed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        progress=job.progress, stage=stage, heartbeat_at=job.heartbeat_at
    )
    if not renewed:
        raise ImportStopped(STOPPED_MESSAGE)


def _record_problems(job: ImportJob, problems: list) -> None:
    rows = [
        ImportProblem(
            job=job,
            severity=p.severity,
            table=p.table or "",
            row=p.row,
            column=p.column or "",
            value=("" if p.value is None else str(p.value))[:200],
            message=p.message,
        )
        for p in problems
    ]
    ImportProblem.objects.bulk_create(rows, batch_size=2000)
    job.error_count = sum(1 for p in problems if p.severity == "error")
    job.warning_count = sum(1 for p in problems if p.severity == "warning")


def _remove_upload(job: ImportJob) -> None:
    # The uploaded files hold personal data: they are not kept once the job has ended, whatever its outcome.
    if job.upload_dir:
        shutil.rmtree(job.upload_dir, ignore_errors=True)


def _finish(job: ImportJob, status: str, stage: str) -> ImportJob:
    job.status = status
    job.stage = stage
    job.finished_at = timezone.now()
    if status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.UNCHANGED):
        job.progress = 100
    job.save()
    _remove_upload(job)
    return job


def _measures_complete(ret: Return) -> bool:
    """The return's measures are known complete: the job that made it current finished successfully."""
    return (
        ret.job_id is not None
        and ImportJob.objects.filter(pk=ret.job_id, status=ImportJob.Status.SUCCEEDED).exists()
    )


def import_job_run(job: ImportJob) -> ImportJob:
    """Run an import job: read, validate, transform, stage, compute the measures, make it current.

    A file with any error writes nothing: the job is REJECTED with every problem recorded.
    Importing the same files again for the same authority and year changes nothing (UNCHANGED), once
    the import that made them current has finished. A job that is not waiting (already run, or given up)
    is returned as it is. Two imports of one authority and year never overlap: the second waits for the
    first (ImportLock) and then runs against what the first made current.
    """
    from placements.ssda903.read import read_return
    from placements.ssda903.transform import transform_return
    from placements.ssda903.validate import validate_return

    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        job.refresh_from_db()
        return job
    job.status, job.started_at, job.heartbeat_at = ImportJob.Status.RUNNING, now, now
    staged = None
    try:
        with heartbeat(ImportJob, job.pk), _import_lock(job):
            current = Return.objects.current().filter(la=job.la, collection_year=job.collection_year).first()
            if current is not None and current.checksum == job.checksum and _measures_complete(current):
                job.summary = _return_summary(current)
                return _finish(job, ImportJob.Status.UNCHANGED, "These files are already the current return.")

            _progress(job, 0.02, "Reading the files")
            files = [
                (_shown_name(job, p.name), p.read_bytes()) for p in sorted(Path(job.upload_dir).iterdir())
            ]
            raw = read_return(files)
            problems = list(raw.problems)
            if not any(p.severity == "error" for p in problems):
                _progress(job, 0.15, "Checking every row")
                problems += validate_return(raw, job.collection_year)
            if any(p.severity == "error" for p in problems):
                _record_problems(job, problems)
                job.summary = {"rows_per_table": {name: len(df) for name, df in raw.tables.items()}}
                return _finish(job, ImportJob.Status.REJECTED, "The files have errors: nothing was imported.")

            _progress(job, 0.30, "Pseudonymising and working out distances")
            clean = transform_return(raw, job.collection_year, secret_key=settings.PSEUDONYM_KEY)
            _record_problems(job, problems + list(getattr(clean, "problems", [])))

            _progress(job, 0.40, "Saving the return")
            staged = load.return_stage(
                la=job.la,
                collection_year=job.collection_year,
                episodes=clean.episodes,
                header=clean.header,
                uasc=clean.uasc,
                summary=clean.summary,
                checksum=job.checksum,
                user=job.created_by,
                job=job,
                progress=lambda f: _progress(job, 0.40 + 0.40 * f, "Saving the return"),
            )
            _progress(job, 0.82, "Working out the measures")
            previous = _import_make_current(job, staged)
            staged = None  # current now: never to be deleted as a leftover
        for old in previous:
            load.return_delete(old)
        _remove_upload(job)
        return job
    except ImportStopped as exc:
        logger.warning("Import job %s stopped: %s", job.pk, exc)
        _discard(staged)
        job.summary = {"error": str(exc)}
        return _finish(job, ImportJob.Status.FAILED, str(exc))
    except Exception as exc:  # an unexpected fault: record it, keep the job visible, write nothing more
        logger.exception("Import job %s failed", job.pk)
        _discard(staged)
        job.summary = {"error": f"{type(exc).__name__}: {exc}"}
        return _finish(job, ImportJob.Status.FAILED, "The import failed unexpectedly: nothing was changed.")


def _shown_name(job: ImportJob, stored: str) -> str:
    """The name the data admin uploaded a stored file under (problems name the file as they know it)."""
    index, _, rest = stored.partition("-")
    if index.isdigit() and int(index) < len(job.file_names):
        return job.file_names[int(index)]
    return rest or stored


def _discard(staged: Return | None) -> None:
    if staged is not None:
        load.return_delete(staged)


def _import_make_current(job: ImportJob, staged: Return) -> list[Return]:
    """Work out how the staged return changes the measures, then in ONE transaction make it current,
    update the authority's computed measures and mark the job succeeded.

    The change is worked out outside the transaction (short write transactions on SQLite); if another
    import or a population upload changed the authority's inputs meanwhile, it is worked out again, the
    last time inside the transaction. Returns the superseded returns, whose rows the caller deletes.
    """
    la = job.la
    attempts = 3
    for attempt in range(attempts):
        inside = attempt == attempts - 1
        if not inside:
            key = _measures_inputs(la, staged)
            change = _measures_change(la, staged)
            _progress(job, 0.95, "Saving the measures")
        with transaction.atomic():
            LocalAuthority.objects.select_for_update().get(pk=la.pk)
            if inside:
                change = _measures_change(la, staged)
            elif _measures_inputs(la, staged) != key:
                continue  # another write changed what the measures are computed from: compute again
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportJob.Status.RUNNING:
                raise ImportStopped(STOPPED_MESSAGE)
            previous = load.return_make_current(staged)
            years = _measures_apply(la, change)
            if years is None:
                if not inside:
                    transaction.set_rollback(True)
                    continue  # the stored measures moved since the change was worked out
                years = measures_recompute(la=la)  # stored measures inconsistent: recompute them whole
            staged.refresh_from_db()
            job.summary = {**_return_summary(staged), "years_recomputed": years}
            job.status = ImportJob.Status.SUCCEEDED
            job.stage = "Imported."
            job.progress = 100
            job.finished_at = timezone.now()
            job.save()
        return previous
    raise AssertionError("unreachable")  # pragma: no cover


def _return_summary(ret: Return) -> dict:
    return {
        "rows_per_table": ret.rows_per_table,
        "children": ret.children,
        "episodes": ret.episodes,
        "first_decom": ret.first_decom.isoformat() if ret.first_decom else None,
        "last_decom": ret.last_decom.isoformat() if ret.last_decom else None,
    }


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
                _remove_upload(job)
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


# ---- measures --------------------------------------------------------------------------------------------

# The import's steps live in placements.measures_update; they are looked up here, where the import runs them.
MeasuresChange = measures_update.MeasuresChange
_measures_inputs = measures_update.measures_inputs
_measures_change = measures_update.measures_change
_measures_apply = measures_update.measures_apply
_measures_suspect = measures_update.measures_suspect
_stored_counts = measures_update.stored_counts


def _measures_replace(la: LocalAuthority, rows: list[YearlyFigure]) -> None:
    with transaction.atomic():
        YearlyFigure.objects.filter(la=la, source=YearlyFigure.Source.COMPUTED).delete()
        YearlyFigure.objects.bulk_create(rows, batch_size=2000)


def measures_recompute(*, la: LocalAuthority) -> list[int]:
    """Recompute every computed measure of every imported year of an authority from its current returns
    (the longitudinal record built afresh from all of them); returns the years.

    Read and replaced in one transaction with the authority locked, so the stored measures always
    match the current returns and populations. The stored longitudinal record is rebuilt too when it
    was not built from these returns.
    """
    with transaction.atomic():
        LocalAuthority.objects.select_for_update().get(pk=la.pk)
        returns = load.la_returns(la)
        record = measures_update.full_record(returns)
        _measures_replace(la, measures_update.measure_rows(la, record, returns.values()))
        if not longitudinal.record_valid(la, returns):
            longitudinal.record_write(la, returns, record)
    return sorted(set(returns.values()))


# ---- reference figures: population, comparators, published ----------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    message: str


def _read_table(name: str, content: bytes) -> pd.DataFrame:
    """A CSV or XLSX upload as a DataFrame of strings."""
    if name.lower().endswith(".xlsx") or content[:2] == b"PK":
        try:
            return pd.read_excel(io.BytesIO(content), engine="calamine", dtype=str).fillna("")
        except Exception as exc:
            raise ValueError(f"{name} is not a readable .xlsx workbook ({exc})") from exc
    text = content.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise ValueError(f"{name} is empty")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _writable_area_codes(user, *, with_comparators: bool) -> set[str] | None:
    """The area codes a user may write reference figures for; None when any (no user, or no limits).

    Population: the user's own authorities. Comparators: those, their statistical neighbours, the
    regions and England (the areas their dashboards compare with).
    """
    if user is None or user.is_superuser or not user.local_authorities.exists():
        return None
    own = LocalAuthority.objects.visible_to(user)
    codes = set(own.values_list("code", flat=True))
    if with_comparators:
        codes |= set(
            LocalAuthority.objects.filter(pk__in=own.values("statistical_neighbours")).values_list(
                "code", flat=True
            )
        )
        codes |= set(
            LocalAuthority.objects.exclude(kind=LocalAuthority.Kind.LA).values_list("code", flat=True)
        )
    return codes


def population_import(*, name: str, content: bytes, user=None) -> tuple[int, list[RowProblem]]:
    """Import `la_code,year,population[,source]`: all rows or none. Returns (rows saved, problems).

    With `user`, only the authorities that user may see can be written.
    """
    df = _read_table(name, content)
    df.columns = [c.strip().lower() for c in df.columns]
    missing = {"la_code", "year", "population"} - set(df.columns)
    if missing:
        return 0, [RowProblem(1, ", ".join(sorted(missing)), "", "Required column is missing")]
    las = {la.code: la for la in LocalAuthority.objects.all()}
    writable = _writable_area_codes(user, with_comparators=False)
    problems, rows = [], []
    for i, r in enumerate(df.to_dict("records"), start=2):
        code, year, pop = r["la_code"].strip(), r["year"].strip(), r["population"].strip().replace(",", "")
        if code not in las:
            problems.append(RowProblem(i, "la_code", code, "Not a local authority code the portal holds"))
        elif writable is not None and code not in writable:
            problems.append(RowProblem(i, "la_code", code, "You may not change this authority's figures"))
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            problems.append(RowProblem(i, "year", year, "Year must be a collection year such as 2020"))
        if not pop.isdigit() or int(pop) == 0:
            problems.append(RowProblem(i, "population", pop, "Population must be a whole number above 0"))
        if not problems:
            rows.append((las[code], int(year), int(pop), r.get("source", "").strip()))
    if problems:
        return 0, problems
    # The figures and the measures they change (rates) are written in one transaction: both or neither.
    with transaction.atomic():
        touched = {}
        for la, year, pop, source in rows:
            Population.objects.update_or_create(
                la=la, year=year, defaults={"population": pop, "source": source}
            )
            touched[la.pk] = la
        for la in touched.values():
            if Return.objects.current().for_la(la).exists():
                measures_recompute(la=la)
    return len(rows), []


def comparators_import(
    *, name: str, content: bytes, source_document: str = "uploaded", user=None
) -> tuple[int, list[RowProblem]]:
    """Import comparator figures in long format `area_code,year,measure,value`: all rows or none.

    `area_code` is an ONS code the portal holds (England E92000001, a region, a neighbour) or
    `SN_AVG_<ONS code>` for the average of that authority's statistical neighbours.
    """
    df = _read_table(name, content)
    df.columns = [c.strip().lower() for c in df.columns]
    missing = {"area_code", "year", "measure", "value"} - set(df.columns)
    if missing:
        return 0, [RowProblem(1, ", ".join(sorted(missing)), "", "Required column is missing")]
    las = {la.code: la for la in LocalAuthority.objects.all()}
    writable = _writable_area_codes(user, with_comparators=True)
    problems, rows = [], []
    for i, r in enumerate(df.to_dict("records"), start=2):
        code = r["area_code"].strip()
        source = YearlyFigure.Source.COMPARATOR
        if code.startswith("SN_AVG_"):
            code, source = code.removeprefix("SN_AVG_"), YearlyFigure.Source.SN_AVERAGE
        year, measure, value = r["year"].strip(), r["measure"].strip(), r["value"].strip()
        row_problems = []
        if code not in las:
            row_problems.append(
                RowProblem(i, "area_code", r["area_code"], "Not an area code the portal holds")
            )
        elif writable is not None and code not in writable:
            row_problems.append(
                RowProblem(
                    i,
                    "area_code",
                    r["area_code"],
                    "You may not change this area's figures: it is not one of your authorities, "
                    "their statistical neighbours, a region or England",
                )
            )
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            row_problems.append(RowProblem(i, "year", year, "Year must be a collection year such as 2020"))
        if not measure or len(measure) > 60:
            row_problems.append(RowProblem(i, "measure", measure, "Measure code is missing or too long"))
        try:
            number = float(value) if value else None
        except ValueError:
            row_problems.append(RowProblem(i, "value", value, "Value must be a number (or blank)"))
        problems += row_problems
        if not row_problems:
            rows.append(
                YearlyFigure(
                    la=las[code],
                    year=int(year),
                    measure=measure,
                    value=number,
                    source=source,
                    source_document=r.get("source_document", "").strip() or source_document,
                    source_section=r.get("source_section", "").strip(),
                    quote=r.get("quote", "").strip(),
                    note=r.get("note", "").strip(),
                )
            )
    if problems:
        return 0, problems
    with transaction.atomic():
        for mv in rows:
            YearlyFigure.objects.update_or_create(
                la=mv.la,
                year=mv.year,
                measure=mv.measure,
                source=mv.source,
                source_document=mv.source_document,
                defaults={
                    "value": mv.value,
                    "source_section": mv.source_section,
                    "quote": mv.quote,
                    "note": mv.note,
                },
            )
    return len(rows), []


def published_load(path: Path) -> int:
    """Load the seed documents' published figures (fixtures/published_measures.csv); idempotent."""
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    las = {la.code: la for la in LocalAuthority.objects.all()}
    with transaction.atomic():
        for r in records:
            YearlyFigure.objects.update_or_create(
                la=las[r["la_code"]],
                year=int(r["year"]),
                measure=r["measure"],
                source=YearlyFigure.Source.PUBLISHED,
                source_document=r["source_document"],
                defaults={
                    "value": float(r["value"]) if r["value"] else None,
                    "source_section": r.get("source_section", ""),
                    "quote": r.get("quote", ""),
                    "note": r.get("note", ""),
                },
            )
    return len(records)


def comparators_load(path: Path) -> int:
    """Load the seed documents' comparator figures (fixtures/comparators.csv); idempotent."""
    content = path.read_bytes()
    saved, problems = comparators_import(name=path.name, content=content, source_document="")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(f"row {p.row} {p.column}: {p.message}" for p in problems))
    return saved
