"""Reads for FLOURISH: measures with their series and status, the overview, area and measure pages,
commentary history and linked commissioning actions, and the annual report's data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from flourish.assess import Point, applicable_target, assess, count_by_status
from flourish.models import ActionLink, Commentary, ImpactArea, Measure, MeasureValue, Outcome
from flourish.periods import sort_key
from sufficiency.sources import source_citation

HOME_AREA = "Norfolk"


def _home_values() -> Prefetch:
    return Prefetch(
        "values",
        queryset=MeasureValue.objects.filter(area=HOME_AREA).order_by("period_end", "pk"),
        to_attr="home_values",
    )


def measures_qs() -> QuerySet[Measure]:
    """Measures with area, owner team, outcomes and the home area's values (prefetched)."""
    return Measure.objects.select_related("area", "owner_team").prefetch_related("outcomes", _home_values())


class _PlacementsReader:
    """Values of placement-linked measures, read from the placements app (never copied here)."""

    def __init__(self):
        self._comparators = None

    def comparators(self) -> dict:
        if self._comparators is None:
            from placements.selectors import dashboard_values
            from sufficiency.models import LocalAuthority

            la = LocalAuthority.objects.filter(code=settings.DEFAULT_LA_CODE).select_related("region").first()
            self._comparators = dashboard_values(la=la) if la else {}
        return self._comparators

    def points(self, code: str) -> list[Point]:
        from placements.selectors import measure_series

        rows = measure_series(settings.DEFAULT_LA_CODE, code)
        if not rows:
            return []
        comp = self.comparators()
        points = []
        for row in rows:
            y = row["year"]
            note, reference = f"Computed from the imported SSDA903 returns, year ending 31 March {y}.", ""
            if row["source"] != "computed":
                # A published figure keeps its own note: it says when a figure is in-year or monthly
                # rather than a year ending 31 March, so the page never implies otherwise.
                published = (comp.get("published", {}).get(code, {}).get(y) or [{}])[0]
                note = published.get("note") or f"Published figure for the year ending 31 March {y}."
                reference = source_citation(published.get("document", ""), published.get("section", ""))
            points.append(
                Point(
                    period=f"{y - 1}/{str(y)[-2:]}",
                    period_end=date(y, 3, 31),
                    value=row["value"],
                    note=note,
                    england=comp.get("england", {}).get(code, {}).get(y),
                    region=comp.get("region", {}).get(code, {}).get(y),
                    sn_average=comp.get("sn_average", {}).get(code, {}).get(y),
                    source="placements",
                    reference=reference,
                )
            )
        return points


def _point(v: MeasureValue) -> Point:
    return Point(
        period=v.period,
        period_end=v.period_end,
        value=v.value,
        provisional=v.provisional,
        note=v.note,
        england=v.england,
        region=v.region,
        sn_average=v.sn_average,
        reference=v.source,
        quote=v.source_quote,
    )


def attach(measures, *, upto: date | None = None, reader: _PlacementsReader | None = None) -> list[Measure]:
    """Give each measure `.points` (oldest first) and `.assessment`; `upto` drops later and undated periods."""
    reader = reader or _PlacementsReader()
    out = []
    for m in measures:
        if m.placements_measure:
            points = reader.points(m.placements_measure)
        else:
            values = getattr(m, "home_values", None)
            if values is None:
                values = m.values.filter(area=HOME_AREA)
            points = [_point(v) for v in values]
        points.sort(key=lambda p: sort_key(p.period, p.period_end))
        if upto is not None:
            points = [p for p in points if p.period_end is not None and p.period_end <= upto]
        m.points = points
        m.assessment = assess(
            points=points,
            polarity=m.polarity,
            status_rule=m.status_rule,
            escalation_rule=m.escalation_rule,
            target=m.target,
            targets=m.targets,
        )
        out.append(m)
    return out


@dataclass
class AreaSummary:
    area: ImpactArea | None
    measures: list[Measure]
    counts: dict[str, int] = field(default_factory=dict)


def overview(*, upto: date | None = None) -> dict:
    """Every area with its measures' status counts, the escalated measures, and unplaced measures."""
    measures = attach(measures_qs(), upto=upto)
    by_area: dict[int | None, list[Measure]] = {}
    for m in measures:
        by_area.setdefault(m.area_id, []).append(m)
    areas = [
        AreaSummary(a, by_area.get(a.pk, []), count_by_status(x.assessment for x in by_area.get(a.pk, [])))
        for a in ImpactArea.objects.all()
    ]
    unplaced = by_area.get(None, [])
    return {
        "areas": areas,
        "unplaced": AreaSummary(None, unplaced, count_by_status(x.assessment for x in unplaced)),
        "counts": count_by_status(m.assessment for m in measures),
        "escalated": [m for m in measures if m.assessment.escalated],
        "total": len(measures),
    }


def area_detail(*, code: str) -> dict:
    """An area, its outcomes each with their measures, and its measures not tied to an outcome."""
    area = ImpactArea.objects.get(code=code)
    measures = attach(measures_qs().filter(area=area))
    outcomes = list(area.outcomes.all())
    by_outcome: dict[int, list[Measure]] = {o.pk: [] for o in outcomes}
    without = []
    for m in measures:
        linked = [o.pk for o in m.outcomes.all() if o.pk in by_outcome]
        for pk in linked:
            by_outcome[pk].append(m)
        if not linked:
            without.append(m)
    return {
        "area": area,
        "determinants": list(area.determinants.all()),
        "outcome_actions": _outcome_actions(outcomes),
        "outcomes": [(o, by_outcome[o.pk]) for o in outcomes],
        "without_outcome": without,
        "counts": count_by_status(m.assessment for m in measures),
        "measures": measures,
    }


def _outcome_actions(outcomes: list[Outcome]) -> dict[int, list]:
    """Commissioning actions linked to each outcome, in two queries."""
    from priorities.selectors import actions_by_ids

    links = list(ActionLink.objects.filter(outcome__in=outcomes).values_list("outcome_id", "action_id"))
    if not links:
        return {}
    actions = {a.pk: a for a in actions_by_ids({a for _, a in links})}
    out: dict[int, list] = {}
    for outcome_id, action_id in links:
        out.setdefault(outcome_id, []).append(actions[action_id])
    return out


def target_series(measure: Measure) -> list[float | None] | float | None:
    """The target each of the measure's periods is judged on (staged targets), else its one target."""
    if not measure.targets:
        return measure.target
    return [applicable_target(measure.targets, p.period_end, measure.target)[0] for p in measure.points]


def measure_detail(*, code: str) -> Measure:
    """One measure with its series and assessment attached."""
    return attach([measures_qs().get(code=code)])[0]


def measure_other_values(*, measure: Measure) -> QuerySet[MeasureValue]:
    """Values for areas other than the home area (for the values table)."""
    return measure.values.exclude(area=HOME_AREA).order_by("area", "period_end", "pk")


@dataclass
class CommentaryEntry:
    period: str
    text: str
    user: object
    when: object
    kind: str


def commentary_for(*, measure: Measure) -> dict[str, Commentary]:
    """The current commentary per period."""
    return {c.period: c for c in measure.commentaries.select_related("updated_by")}


def commentary_history(*, measure: Measure) -> list[CommentaryEntry]:
    """Every version of every commentary of the measure, newest first."""
    records = Commentary.history.filter(measure_id=measure.pk).select_related("history_user")
    return [
        CommentaryEntry(
            r.period,
            r.text,
            r.history_user,
            r.history_date,
            {"+": "Added", "~": "Changed", "-": "Deleted"}[r.history_type],
        )
        for r in records.order_by("-history_date", "-history_id")
    ]


def value_history(*, measure: Measure, limit: int = 50) -> list:
    """Recorded changes to the measure's values, newest first (who entered or changed what)."""
    return list(
        MeasureValue.history.filter(measure_id=measure.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def register_history(*, measure: Measure, limit: int = 50) -> list:
    """Changes to the measure's register entry made in the portal, newest first."""
    return list(
        Measure.history.filter(id=measure.pk, history_change_reason__startswith="Register changed")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def linked_actions(*, measure: Measure | None = None, outcome: Outcome | None = None) -> list:
    """Commissioning actions linked to a measure (or an outcome), read through the priorities seam."""
    from priorities.selectors import actions_by_ids

    links = (
        ActionLink.objects.filter(measure=measure) if measure else ActionLink.objects.filter(outcome=outcome)
    )
    ids = list(links.values_list("action_id", flat=True))
    if not ids:
        return []
    return list(actions_by_ids(ids))


def linkable_actions() -> QuerySet:
    """Active commissioning actions to choose from when linking."""
    from priorities.selectors import actions_for_list

    return actions_for_list().order_by("priority__portfolio__order", "priority__order", "pk")


def report_years() -> list[int]:
    """Years holding a dated value, newest first."""
    years = {
        d.year for d in MeasureValue.objects.exclude(period_end=None).values_list("period_end", flat=True)
    }
    return sorted(years, reverse=True)


def annual_report(*, year: int) -> dict:
    """Every area's measures as at 31 December of `year`: latest value, status and the rule, commentary."""
    upto = date(year, 12, 31)
    data = overview(upto=upto)
    codes = [m.pk for a in data["areas"] for m in a.measures] + [m.pk for m in data["unplaced"].measures]
    comments = {}
    for c in Commentary.objects.filter(measure_id__in=codes).select_related("updated_by"):
        comments[(c.measure_id, c.period)] = c
    for a in [*data["areas"], data["unplaced"]]:
        for m in a.measures:
            m.report_points = [p for p in m.points if p.period_end and p.period_end.year == year]
            latest = m.points[-1] if m.points else None
            m.commentary = comments.get((m.pk, latest.period)) if latest else None
    return {**data, "year": year, "upto": upto}


def all_values() -> QuerySet[MeasureValue]:
    """Every entered value with its measure (for the XLSX export)."""
    return MeasureValue.objects.select_related("measure", "measure__area", "entered_by").order_by(
        "measure__code", "area", "period_end", "pk"
    )


def framework() -> dict:
    """The framework as written: areas and outcomes, determinants, partnership priorities, 100 children."""
    from flourish.models import Determinant, HundredChildren, PartnershipPriority

    determinants = list(Determinant.objects.select_related("area").order_by("kind", "area__order", "order"))
    return {
        "areas": list(ImpactArea.objects.prefetch_related("outcomes")),
        "universal": [d for d in determinants if d.kind == Determinant.Kind.UNIVERSAL],
        "tailored": [d for d in determinants if d.kind == Determinant.Kind.TAILORED],
        "priorities": list(PartnershipPriority.objects.prefetch_related("success_statements")),
        "hundred": list(HundredChildren.objects.all()),
    }
