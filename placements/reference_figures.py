"""Reference figures: comparators (England, regions, neighbours and their average) and the seed documents'
published figures, imported from CSV or XLSX; the population import (which recomputes rates) is in
placements.services and shares the reading and the checks here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.db import transaction

from placements.models import YearlyFigure
from sufficiency.models import LocalAuthority


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
