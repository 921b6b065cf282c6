"""Writes for FLOURISH. Every write checks permission and runs in one transaction: nothing half-saved.

Optimistic concurrency through `sufficiency.concurrency`, as in priorities: the value form carries the
measure's `version` as it was when the form was shown, the service claims the next version with a
compare-and-set, and if someone else saved first nothing is written and ConflictError says what they
changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from flourish.models import TEXT_MAX, ActionLink, Commentary, Measure, MeasureValue
from flourish.periods import HELP as PERIOD_HELP
from flourish.periods import period_end
from flourish.selectors import HOME_AREA
from flourish.upload import UploadRow
from sufficiency.concurrency import ConflictError as ConflictError  # what the writes below raise
from sufficiency.concurrency import lock_and_claim


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied("You do not have permission to change this measure.")


def _lock(measure: Measure, expected_version: int) -> Measure:
    """Claim the next version and return the row as it is now, or raise ConflictError. Call in a transaction."""
    return lock_and_claim(Measure, pk=measure.pk, expected_version=expected_version)


@dataclass
class Recorded:
    value: MeasureValue
    created: bool
    commentary: Commentary | None


def measure_record_value(
    *,
    measure: Measure,
    user,
    expected_version: int,
    period: str,
    value: float,
    provisional: bool = False,
    note: str = "",
    england: float | None = None,
    region: float | None = None,
    sn_average: float | None = None,
    commentary: str = "",
    area: str = HOME_AREA,
) -> Recorded:
    """Add (or correct) the value of a period, with optional commentary, in one transaction."""
    _require(user, "flourish.edit_measure", measure)
    if measure.placements_measure:
        raise ValidationError(
            "This measure's values come from the placements app (SSDA903 returns); they cannot be entered here."
        )
    period = " ".join((period or "").split())
    end = period_end(period)
    if not period or end is None:
        raise ValidationError({"period": PERIOD_HELP})
    note = (note or "").strip()
    commentary = (commentary or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError({"note": f"Note must be {TEXT_MAX} characters or fewer."})
    if len(commentary) > TEXT_MAX:
        raise ValidationError({"commentary": f"Commentary must be {TEXT_MAX} characters or fewer."})
    with transaction.atomic():
        locked = _lock(measure, expected_version)
        locked.last_update = timezone.localdate()
        locked._history_user = user
        locked._change_reason = f"Value for {period}"
        locked.save()
        row = MeasureValue.objects.filter(measure=locked, period=period, area=area).first()
        created = row is None
        if created:
            row = MeasureValue(measure=locked, period=period, area=area)
        new = {
            "period_end": end,
            "value": value,
            "provisional": provisional,
            "note": note,
            "england": england,
            "region": region,
            "sn_average": sn_average,
        }
        # Only the commentary may have changed: keep the value (and its history) as it is.
        if created or any(getattr(row, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(row, k, v)
            row.entered_by = user
            row._history_user = user
            row._change_reason = "Added in the portal" if created else "Corrected in the portal"
            row.save()
        comment = None
        if commentary:
            comment = measure_set_commentary(
                measure=locked, user=user, period=period, text=commentary, _checked=True
            )
    measure.version = locked.version
    return Recorded(row, created, comment)


REGISTER_FIELDS = {
    "owner_team": "Owner team",
    "owner_officer": "Owner officer",
    "target": "Target",
    "target_date": "Target date",
    "frequency": "Frequency",
    "next_update": "Next update",
    "caveats": "Caveats",
}


def measure_update_register(*, measure: Measure, user, expected_version: int, **fields) -> Measure:
    """Change a measure's register entry (owner, target, frequency, next update, caveats); recorded in
    its history with the fields changed. Lead commissioners and data admins only."""
    _require(user, "flourish.manage_register")
    unknown = set(fields) - set(REGISTER_FIELDS)
    if unknown:
        raise ValueError(f"Not register fields: {sorted(unknown)}")
    if len(fields.get("caveats") or "") > TEXT_MAX:
        raise ValidationError({"caveats": f"Caveats must be {TEXT_MAX} characters or fewer."})
    with transaction.atomic():
        locked = _lock(measure, expected_version)
        changed = [
            label
            for name, label in REGISTER_FIELDS.items()
            if name in fields and getattr(locked, name) != fields[name]
        ]
        for name, value in fields.items():
            setattr(locked, name, value)
        locked._history_user = user
        locked._change_reason = "Register changed: " + (", ".join(changed) or "nothing")
        locked.save()
    measure.version = locked.version
    return locked


def measure_set_commentary(
    *, measure: Measure, user, period: str, text: str, _checked: bool = False
) -> Commentary:
    """Set the commentary of a period (its earlier wording stays in the history)."""
    if not _checked:
        _require(user, "flourish.edit_measure", measure)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"commentary": "Enter the commentary."})
    if len(text) > TEXT_MAX:
        raise ValidationError({"commentary": f"Commentary must be {TEXT_MAX} characters or fewer."})
    with transaction.atomic():
        comment = (
            Commentary.objects.select_for_update()
            .filter(measure=measure, period=period)
            .order_by("pk")
            .first()
        )
        if comment is None:
            comment = Commentary(measure=measure, period=period)
        if comment.text == text:
            return comment
        comment.text = text
        comment.updated_by = user
        comment._history_user = user
        comment.save()
    return comment


def action_link_add(
    *, user, action, measure: Measure | None = None, outcome=None, note: str = ""
) -> ActionLink:
    """Link a commissioning action to a measure or an outcome (lead commissioners)."""
    _require(user, "flourish.link_actions")
    if (measure is None) == (outcome is None):
        raise ValidationError("Link the action to a measure or to an outcome.")
    link, _ = ActionLink.objects.get_or_create(
        measure=measure, outcome=outcome, action=action, defaults={"note": note[:500], "created_by": user}
    )
    return link


def action_link_remove(*, user, link: ActionLink) -> None:
    _require(user, "flourish.link_actions")
    link._history_user = user
    link.delete()


def values_import(*, user, rows: list[UploadRow]) -> dict[str, int]:
    """Write checked upload rows (create or correct) all or nothing; returns counts.

    One transaction: the measures are locked first, every row is checked again against them (a measure
    removed, or switched to the placements app, since the file was checked), and nothing is written
    unless all rows pass; an error part-way (or the process being stopped) rolls every row back. History:
    each value added or changed gets a history record (user, "Bulk upload"), and each measure touched one
    naming how many values the upload added and changed, so the optimistic lock's "what changed" lists
    the upload.
    """
    from simple_history.utils import bulk_create_with_history

    _require(user, "flourish.upload_values")
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        measures = {
            m.code: m
            for m in Measure.objects.select_for_update()
            .filter(code__in={r.measure_code for r in rows})
            .order_by("pk")
        }
        errors = [
            f"Row {r.row}: no measure has the code {r.measure_code} any more."
            if r.measure_code not in measures
            else f"Row {r.row}: the values of {r.measure_code} now come from the placements app."
            for r in rows
            if r.measure_code not in measures or measures[r.measure_code].placements_measure
        ]
        if errors:
            raise ValidationError(errors)
        existing = {
            (v.measure_id, v.period, v.area): v
            for v in MeasureValue.objects.filter(measure__in=measures.values())
        }
        now = timezone.now()
        added: dict[tuple, MeasureValue] = {}
        changed: dict[tuple, MeasureValue] = {}
        per_measure: dict[int, list[int]] = {}
        for r in rows:
            measure = measures[r.measure_code]
            key = (measure.pk, r.period, r.area)
            row = added.get(key) or existing.get(key)
            if row is not None and (row.value, row.provisional, row.note) == (r.value, r.provisional, r.note):
                counts["unchanged"] += 1
                continue
            if row is None:
                row = MeasureValue(measure=measure, period=r.period, area=r.area, created_at=now)
                added[key] = row
            elif key not in added:
                changed[key] = row
            row.period_end = r.period_end
            row.value, row.provisional, row.note = r.value, r.provisional, r.note
            row.entered_by = user
            row.updated_at = now
            tally = per_measure.setdefault(measure.pk, [0, 0])
            tally[0 if key in added else 1] += 1
        reason = "Bulk upload"
        if added:
            bulk_create_with_history(
                list(added.values()),
                MeasureValue,
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        if changed:
            _values_update(list(changed.values()))
            MeasureValue.history.bulk_history_create(
                list(changed.values()),
                batch_size=1000,
                update=True,
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        counts["added"], counts["changed"] = len(added), len(changed)
        today = timezone.localdate()
        for measure in measures.values():
            if measure.pk not in per_measure:
                continue
            n_added, n_changed = per_measure[measure.pk]
            measure.version += 1
            measure.last_update = today
            measure._history_user = user
            measure._change_reason = f"Bulk upload: {n_added} value(s) added, {n_changed} changed"
            measure.save(update_fields=["version", "last_update"])
    return counts


_UPLOAD_FIELDS = ("period_end", "value", "provisional", "note", "entered_by", "updated_at")


def _values_update(rows: list[MeasureValue]) -> None:
    """Save the upload's fields of existing values: one prepared UPDATE run for every row.

    bulk_update() builds a CASE expression per field and row in Python: ten times slower for a full file.
    """
    fields = [MeasureValue._meta.get_field(name) for name in _UPLOAD_FIELDS]
    pk = MeasureValue._meta.pk
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(MeasureValue._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(pk.column),
    )
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
        + [pk.get_db_prep_save(row.pk, connection)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
