"""Writes for the placements app: importing returns, recomputing measures, loading reference figures.

The upload view, the `import_903` command and the background task all call `import_job_run`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from placements import measures
from placements.models import ImportJob, ImportProblem, MeasureValue, Population, Return
from placements.ssda903 import load
from sufficiency.models import LocalAuthority

logger = logging.getLogger(__name__)

MEASURES_GENERATION_KEY = "placements:measures-generation"


# ---- import jobs -----------------------------------------------------------------------------------------


def files_checksum(paths: list[Path]) -> str:
    """SHA-256 over the files' contents in name order (the same files give the same checksum)."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def import_job_create(
    *, la: LocalAuthority, collection_year: int, uploads: list[tuple[str, object]], user=None
) -> ImportJob:
    """Save uploaded files (name, file-like or bytes) to a private folder and record a queued job."""
    job = ImportJob(la=la, collection_year=collection_year, created_by=user)
    folder = Path(settings.MEDIA_ROOT) / "imports" / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    names, size = [], 0
    for index, (name, content) in enumerate(uploads):
        safe = f"{index:02d}-{Path(name).name or 'upload'}"
        target = folder / safe
        with open(target, "wb") as out:
            if isinstance(content, bytes | bytearray):
                out.write(content)
            elif hasattr(content, "chunks"):
                for chunk in content.chunks():
                    out.write(chunk)
            else:
                shutil.copyfileobj(content, out)
        names.append(Path(name).name)
        size += target.stat().st_size
    job.file_names = names
    job.file_size = size
    job.upload_dir = str(folder)
    job.checksum = files_checksum(list(folder.iterdir()))
    job.save()
    return job


def _progress(job: ImportJob, fraction: float, stage: str) -> None:
    job.progress = max(0, min(100, round(fraction * 100)))
    job.stage = stage
    ImportJob.objects.filter(pk=job.pk).update(progress=job.progress, stage=stage)


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
    # The uploaded files hold personal data: they are not kept once the job has finished.
    if job.upload_dir:
        shutil.rmtree(job.upload_dir, ignore_errors=True)
    return job


def import_job_run(job: ImportJob) -> ImportJob:
    """Run an import job: read, validate, transform, write, recompute the measures.

    A file with any error writes nothing: the job is REJECTED with every problem recorded.
    Importing the same files again for the same authority and year changes nothing (UNCHANGED).
    """
    from placements.ssda903.read import read_return
    from placements.ssda903.transform import transform_return
    from placements.ssda903.validate import validate_return

    job.status = ImportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        current = Return.objects.current().filter(la=job.la, collection_year=job.collection_year).first()
        if current is not None and current.checksum == job.checksum:
            job.summary = _return_summary(current)
            return _finish(job, ImportJob.Status.UNCHANGED, "These files are already the current return.")

        _progress(job, 0.02, "Reading the files")
        paths = sorted(Path(job.upload_dir).iterdir())
        files = [(p.name.split("-", 1)[1], p.read_bytes()) for p in paths]
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
        ret = load.return_write(
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
        _progress(job, 0.82, "Recomputing the measures for every year")
        years = measures_recompute(la=job.la)
        job.summary = {**_return_summary(ret), "years_recomputed": years}
        return _finish(job, ImportJob.Status.SUCCEEDED, "Imported.")
    except Exception as exc:  # an unexpected fault: record it, keep the job visible, write nothing more
        logger.exception("Import job %s failed", job.pk)
        job.summary = {"error": f"{type(exc).__name__}: {exc}"}
        return _finish(job, ImportJob.Status.FAILED, "The import failed unexpectedly: nothing was changed.")


def _return_summary(ret: Return) -> dict:
    return {
        "rows_per_table": ret.rows_per_table,
        "children": ret.children,
        "episodes": ret.episodes,
        "first_decom": ret.first_decom.isoformat() if ret.first_decom else None,
        "last_decom": ret.last_decom.isoformat() if ret.last_decom else None,
    }


# ---- measures --------------------------------------------------------------------------------------------


def measures_recompute(*, la: LocalAuthority) -> list[int]:
    """Recompute every computed measure of every imported year of an authority; returns the years."""
    years = sorted(set(Return.objects.current().for_la(la).values_list("collection_year", flat=True)))
    episodes, header, uasc = load.la_frames(la)
    populations = dict(Population.objects.filter(la=la).values_list("year", "population"))
    table = (
        measures.compute_years(episodes, header, uasc, years, populations)
        if years
        else pd.DataFrame(columns=["year", "measure", "value"])
    )
    rows = [
        MeasureValue(
            la=la,
            year=int(r.year),
            measure=r.measure,
            source=MeasureValue.Source.COMPUTED,
            value=None if r.value is None or pd.isna(r.value) else float(r.value),
        )
        for r in table.itertuples(index=False)
    ]
    with transaction.atomic():
        MeasureValue.objects.filter(la=la, source=MeasureValue.Source.COMPUTED).delete()
        MeasureValue.objects.bulk_create(rows, batch_size=2000)
    measures_generation_bump()
    return years


def measures_generation_bump() -> None:
    """New data: dashboards' cached reads are stale."""
    try:
        cache.incr(MEASURES_GENERATION_KEY)
    except ValueError:
        cache.set(MEASURES_GENERATION_KEY, 1, None)


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


def population_import(*, name: str, content: bytes) -> tuple[int, list[RowProblem]]:
    """Import `la_code,year,population[,source]`: all rows or none. Returns (rows saved, problems)."""
    df = _read_table(name, content)
    df.columns = [c.strip().lower() for c in df.columns]
    missing = {"la_code", "year", "population"} - set(df.columns)
    if missing:
        return 0, [RowProblem(1, ", ".join(sorted(missing)), "", "Required column is missing")]
    las = {la.code: la for la in LocalAuthority.objects.all()}
    problems, rows = [], []
    for i, r in enumerate(df.to_dict("records"), start=2):
        code, year, pop = r["la_code"].strip(), r["year"].strip(), r["population"].strip().replace(",", "")
        if code not in las:
            problems.append(RowProblem(i, "la_code", code, "Not a local authority code the portal holds"))
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            problems.append(RowProblem(i, "year", year, "Year must be a collection year such as 2020"))
        if not pop.isdigit() or int(pop) == 0:
            problems.append(RowProblem(i, "population", pop, "Population must be a whole number above 0"))
        if not problems:
            rows.append((las[code], int(year), int(pop), r.get("source", "").strip()))
    if problems:
        return 0, problems
    touched = set()
    with transaction.atomic():
        for la, year, pop, source in rows:
            Population.objects.update_or_create(
                la=la, year=year, defaults={"population": pop, "source": source}
            )
            touched.add(la)
    for la in touched:
        if Return.objects.current().for_la(la).exists():
            measures_recompute(la=la)
    return len(rows), []


def comparators_import(
    *, name: str, content: bytes, source_document: str = "uploaded"
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
    problems, rows = [], []
    for i, r in enumerate(df.to_dict("records"), start=2):
        code = r["area_code"].strip()
        source = MeasureValue.Source.COMPARATOR
        if code.startswith("SN_AVG_"):
            code, source = code.removeprefix("SN_AVG_"), MeasureValue.Source.SN_AVERAGE
        year, measure, value = r["year"].strip(), r["measure"].strip(), r["value"].strip()
        row_problems = []
        if code not in las:
            row_problems.append(
                RowProblem(i, "area_code", r["area_code"], "Not an area code the portal holds")
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
                MeasureValue(
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
            MeasureValue.objects.update_or_create(
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
    measures_generation_bump()
    return len(rows), []


def published_load(path: Path) -> int:
    """Load the seed documents' published figures (fixtures/published_measures.csv); idempotent."""
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    las = {la.code: la for la in LocalAuthority.objects.all()}
    with transaction.atomic():
        for r in records:
            MeasureValue.objects.update_or_create(
                la=las[r["la_code"]],
                year=int(r["year"]),
                measure=r["measure"],
                source=MeasureValue.Source.PUBLISHED,
                source_document=r["source_document"],
                defaults={
                    "value": float(r["value"]) if r["value"] else None,
                    "source_section": r.get("source_section", ""),
                    "quote": r.get("quote", ""),
                    "note": r.get("note", ""),
                },
            )
    measures_generation_bump()
    return len(records)


def comparators_load(path: Path) -> int:
    """Load the seed documents' comparator figures (fixtures/comparators.csv); idempotent."""
    content = path.read_bytes()
    saved, problems = comparators_import(name=path.name, content=content, source_document="")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(f"row {p.row} {p.column}: {p.message}" for p in problems))
    return saved
