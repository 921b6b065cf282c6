"""Reference data for the core app: local authorities (with Norfolk's statistical neighbours) and teams."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from sufficiency.models import LocalAuthority, Team

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# Owner teams named in the seed strategy's action tables; the priorities seed adds any others it finds.
SEED_TEAMS = ["Commissioning and Resources", "Transformation", "Corporate Parenting"]


@transaction.atomic
def load_local_authorities(path: Path = FIXTURES / "local_authorities.csv") -> int:
    """Create or update the authorities in the fixture, then their regions and neighbours."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {}
    for row in rows:
        la, _ = LocalAuthority.objects.update_or_create(
            code=row["code"],
            defaults={
                "dfe_number": row["dfe_number"],
                "name": row["name"],
                "kind": row["kind"],
                "is_synthetic": row["is_synthetic"] == "true",
            },
        )
        by_code[la.code] = la
    for row in rows:
        la = by_code[row["code"]]
        region = by_code.get(row["region_code"]) if row["region_code"] else None
        if la.region_id != (region.pk if region else None):
            la.region = region
            la.save(update_fields=["region"])
        if row["statistical_neighbours"]:
            la.statistical_neighbours.set([by_code[c] for c in row["statistical_neighbours"].split()])
    return len(rows)


def load_teams(names: list[str] = SEED_TEAMS) -> int:
    for name in names:
        Team.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
    return len(names)


def load_seed() -> str:
    las = load_local_authorities()
    teams = load_teams()
    return f"{las} areas, {teams} teams"
