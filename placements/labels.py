"""What a measure is called and what it counts, as a reader reads them.

Measures the portal computes take their title and unit from the measures registry (`measures.MEASURES`);
codes only the seed documents publish take theirs from fixtures/published_measures_meta.csv, read once
per process. No database.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.conf import settings

from placements import measures


def published_meta_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "published_measures_meta.csv"


@cache
def published_meta() -> dict[str, dict]:
    """Title, unit and note of each published-only measure code, by code ({} when the file is absent)."""
    path = published_meta_path()
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["measure"]: row for row in csv.DictReader(fh)}


def measure_title(code: str) -> str:
    """"Children looked after at 31 March" for "cla_31_march"; an unknown code in words."""
    definition = measures.MEASURES.get(code)
    if definition is not None:
        return definition.title
    return published_meta().get(code, {}).get("title", code.replace("_", " ").capitalize())


def measure_unit(code: str) -> str:
    """count | percent | rate: from the measures registry, else the published figures' titles and units."""
    definition = measures.MEASURES.get(code)
    if definition is not None:
        return definition.unit
    unit = published_meta().get(code, {}).get("unit")
    if unit:
        return unit
    return "percent" if code.endswith("_pct") else "count"
