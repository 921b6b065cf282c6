"""Load the FLOURISH framework and measures register from fixtures/. Idempotent: safe to run again.

Both files are read at seed time and may be partial (they are transcribed by hand): a missing file or
key is skipped, and a later run adds what has appeared since. A second run never overwrites a value,
commentary, owner or target changed in the portal: existing rows only have their blank fields filled.
Measures linked to a placements measure (`placements_measure`) get no MeasureValue rows: their values
are read from the placements app.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from flourish.models import (
    Determinant,
    HundredChildren,
    ImpactArea,
    Measure,
    MeasureValue,
    Outcome,
    PartnershipPriority,
    SuccessStatement,
)
from flourish.periods import period_end
from sufficiency.models import Team

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FRAMEWORK = FIXTURES / "flourish_framework.json"
MEASURES = FIXTURES / "flourish_measures.json"

COMPARATOR_FIELDS = {
    "England": "england",
    "Region": "region",
    "Statistical neighbour average": "sn_average",
}


def read_json(path: Path) -> dict:
    """The file as a dict; {} when it does not exist yet or is not complete JSON."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _fill_blanks(obj, values: dict) -> bool:
    """Set fields that are blank on `obj` from `values`; True when anything changed."""
    changed = False
    for field, value in values.items():
        if value in (None, "", {}, []):
            continue
        if getattr(obj, field) in (None, "", {}, []):
            setattr(obj, field, value)
            changed = True
    return changed


def _team(name: str) -> Team | None:
    if not name:
        return None
    team = Team.objects.filter(name=name).first()
    if team is None:
        team = Team.objects.create(name=name, slug=slugify(name) or "team")
    return team


@transaction.atomic
def load_framework(data: dict) -> dict[str, int]:
    """Areas, outcomes, determinants and partnership priorities; returns counts created."""
    created = {
        "areas": 0,
        "outcomes": 0,
        "determinants": 0,
        "partnership priorities": 0,
        "success statements": 0,
        "100 children lines": 0,
    }
    for i, row in enumerate(data.get("areas") or []):
        if not row.get("code"):
            continue
        area, made = ImpactArea.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row.get("name", row["code"]),
                "impact_statement": row.get("impact_statement", ""),
                "order": row.get("order", i + 1),
            },
        )
        created["areas"] += made
        if not made and _fill_blanks(area, {"impact_statement": row.get("impact_statement")}):
            area.save()
        for j, o in enumerate(row.get("outcomes") or []):
            if not o.get("code"):
                continue
            outcome, made = Outcome.objects.get_or_create(
                code=o["code"], defaults={"area": area, "statement": o.get("statement", ""), "order": j + 1}
            )
            created["outcomes"] += made
            if not made and _fill_blanks(outcome, {"statement": o.get("statement")}):
                outcome.save()
    areas = {a.code: a for a in ImpactArea.objects.all()}
    for i, row in enumerate(data.get("determinants") or []):
        if row.get("kind") not in Determinant.Kind.values or not row.get("name"):
            continue
        determinant, made = Determinant.objects.get_or_create(
            kind=row["kind"],
            name=row["name"],
            area=areas.get(row.get("area") or ""),
            defaults={"description": row.get("description", ""), "order": i + 1},
        )
        created["determinants"] += made
        if not made and _fill_blanks(determinant, {"description": row.get("description")}):
            determinant.save()
    for i, row in enumerate(data.get("partnership_priorities") or []):
        if not row.get("code"):
            continue
        priority, made = PartnershipPriority.objects.get_or_create(
            code=row["code"],
            defaults={"name": row.get("name", row["code"]), "order": row.get("order", i + 1)},
        )
        created["partnership priorities"] += made
        have = set(priority.success_statements.values_list("audience", "text"))
        for audience, key in (
            (SuccessStatement.Audience.FAMILIES, "success_statements"),
            (SuccessStatement.Audience.AGENCIES, "agency_success_statements"),
        ):
            for j, text in enumerate(row.get(key) or []):
                if text and (audience, text) not in have:
                    SuccessStatement.objects.create(
                        priority=priority, audience=audience, text=text, order=j + 1
                    )
                    created["success statements"] += 1
    for i, row in enumerate(data.get("if_norfolk_had_100_children") or []):
        statement = row.get("statement") if isinstance(row, dict) else row
        if not statement:
            continue
        _, made = HundredChildren.objects.get_or_create(
            statement=statement[:300],
            defaults={
                "value": row.get("value") if isinstance(row, dict) else None,
                "unit": (row.get("unit") or "") if isinstance(row, dict) else "",
                "order": i + 1,
            },
        )
        created["100 children lines"] += made
    return created


def _measure_fields(row: dict, areas: dict[str, ImpactArea]) -> dict:
    target = row.get("target") or {}
    return {
        "title": row.get("title", row["code"]),
        "definition": row.get("definition", ""),
        "unit": row.get("unit", ""),
        "polarity": row.get("polarity") if row.get("polarity") in Measure.Polarity.values else "neutral",
        "area": areas.get(row.get("area") or ""),
        "owner_team": _team(row.get("owner_team", "")),
        "owner_officer": row.get("owner_officer", ""),
        "source": row.get("source", ""),
        "source_quote": row.get("source_quote", ""),
        "frequency": row.get("frequency", ""),
        "target": target.get("value"),
        "target_source": target.get("source_quote", ""),
        "targets": [
            t for t in row.get("targets") or ([target] if target.get("value") is not None else []) if t
        ],
        "caveats": row.get("caveats", ""),
        "status_rule": row.get("status_rule") or {"kind": "none"},
        "escalation_rule": row.get("escalation_rule") or {"kind": "none"},
        "placements_measure": row.get("placements_measure") or "",
    }


def _move_period(measure: Measure, v: dict, key: tuple[str, str]) -> bool:
    """Move a value the seed once held under another period (`moved_from`, a corrected period) to
    its corrected period, with the fixture's note; True when moved. A value changed in the portal
    since (a different number) stays where it is."""
    old = v.get("moved_from")
    row = measure.values.filter(period=old, area=key[1], value=v["value"]).first() if old else None
    if row is None:
        return False
    row.period, row.period_end, row.note = key[0], period_end(key[0]), v.get("note", row.note)
    row._change_reason = f"Period corrected from {old} to {key[0]} (as the source document gives it)"
    row.save()
    return True


@transaction.atomic
def load_measures(data: dict) -> dict[str, int]:
    """The measures register and its values; returns counts created."""
    created = {"measures": 0, "values": 0}
    areas = {a.code: a for a in ImpactArea.objects.all()}
    outcomes = {o.code: o for o in Outcome.objects.all()}
    for row in data.get("measures") or []:
        if not row.get("code"):
            continue
        fields = _measure_fields(row, areas)
        target_date = (row.get("target") or {}).get("date")
        measure = Measure.objects.filter(code=row["code"]).first()
        if measure is None:
            measure = Measure(code=row["code"], **fields)
            if target_date:
                measure.target_date = target_date
            measure.save()
            created["measures"] += 1
        elif _fill_blanks(measure, fields):
            measure.save()
        codes = [c for c in row.get("outcomes") or [] if c in outcomes]
        if codes:
            measure.outcomes.add(*[outcomes[c] for c in codes])
        if measure.placements_measure:
            continue
        have = set(measure.values.values_list("period", "area"))
        for v in row.get("values") or []:
            if v.get("value") is None or not v.get("period"):
                continue
            key = (str(v["period"]), v.get("area") or "Norfolk")
            if key in have:
                continue
            if _move_period(measure, v, key):
                have.add(key)
                continue
            comparators = v.get("comparators") or {}
            MeasureValue.objects.create(
                measure=measure,
                period=key[0],
                period_end=period_end(key[0]),
                area=key[1],
                value=v["value"],
                provisional=bool(v.get("provisional")),
                note=v.get("note", ""),
                source=v.get("source", ""),
                source_quote=v.get("source_quote", ""),
                **{f: comparators.get(name) for name, f in COMPARATOR_FIELDS.items()},
            )
            have.add(key)
            created["values"] += 1
    return created


def load_seed(framework: Path = FRAMEWORK, measures: Path = MEASURES) -> str:
    """Load both fixtures; returns a short summary."""
    created = load_framework(read_json(framework))
    created.update(load_measures(read_json(measures)))
    return ", ".join(f"{n} {what} added" for what, n in created.items())
