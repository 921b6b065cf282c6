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

import hashlib
import logging
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from placements import longitudinal, measures_update, record_prefetch
from placements.import_housekeeping import (
    import_data_purge,
    import_jobs_expire_stale,
    import_problems_purge,
    returns_remove_leftovers,
    upload_folders_remove_orphans,
)
from placements.import_housekeeping import remove_upload as _remove_upload
from placements.import_lock import (
    NEVER_STARTED_MESSAGE,
    STOPPED_MESSAGE,
    TOO_LONG_MESSAGE,
    WAITED_TOO_LONG_MESSAGE,
    WAITING_STAGE,
    ImportLock,
    ImportStopped,
    import_lock,
    imports_folder,
)
from placements.models import ImportJob, ImportProblem, Population, Return, YearlyFigure
from placements.reference_figures import (
    RowProblem,
    _read_table,
    _writable_area_codes,
    comparators_import,
    comparators_load,
    published_load,
)
from placements.ssda903 import load
from sufficiency.leases import heartbeat
from sufficiency.models import LocalAuthority

logger = logging.getLogger(__name__)

# Names other modules import from here, wherever they are defined.
__all__ = [
    "NEVER_STARTED_MESSAGE",
    "STOPPED_MESSAGE",
    "TOO_LONG_MESSAGE",
    "WAITED_TOO_LONG_MESSAGE",
    "WAITING_STAGE",
    "ImportLock",
    "ImportStopped",
    "MeasuresChange",
    "RowProblem",
    "comparators_import",
    "comparators_load",
    "files_checksum",
    "import_data_purge",
    "import_job_create",
    "import_job_run",
    "import_jobs_expire_stale",
    "import_problems_purge",
    "imports_folder",
    "measures_recompute",
    "population_import",
    "published_load",
    "returns_remove_leftovers",
    "upload_folders_remove_orphans",
]


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
        with heartbeat(ImportJob, job.pk), import_lock(job, _progress):
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

            # The children's stored record is read while the return is saved (placements.record_prefetch).
            record_prefetch.start(job.la, _children_of(clean), job.collection_year)
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
    finally:
        record_prefetch.discard(job.la)  # a read started but not taken (the import stopped before the merge)


def _children_of(clean) -> set[str]:
    return set().union(
        *(set(df["child"].dropna().astype(str)) for df in (clean.episodes, clean.header, clean.uasc))
    )


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


# ---- population (rates are recomputed from it) ---------------------------------------------------------


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
