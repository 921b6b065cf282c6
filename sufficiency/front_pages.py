"""Each role's own front page: what a person needs to act on, read from each app's data.

- Commissioner: their team(s)' actions needing an update (overdue, due soon, stale), then the rest.
- Lead commissioner: actions slipping, by portfolio; priorities with no live action.
- Manager: what changed since their previous visit or a chosen date.
- Data admin: imports in progress and failed, FLOURISH measures overdue for an update, reference data
  missing per authority and year (within the authorities the user may see).
A user with several roles sees each of their sections. Reads only; the visit is recorded by the view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from placements.labels import measure_title, measure_unit
from priorities import rag as rag_rules
from priorities import selectors as prio
from priorities.rag_changes import rag_changes_since
from sufficiency.access import visible_authorities
from sufficiency.models import FrontPageVisit
from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER, has_role
from sufficiency.templatetags.portal_format import collection_year, measure_change, measure_value

DEFAULT_SINCE_DAYS = 28
FAILED_IMPORTS_DAYS = 28
# How often a FLOURISH measure is updated, from the register's "frequency", in days.
FREQUENCY_DAYS = {
    "annual": 365,
    "annually": 365,
    "yearly": 365,
    "termly": 122,
    "six-monthly": 183,
    "half-yearly": 183,
    "quarterly": 92,
    "monthly": 31,
    "weekly": 7,
}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# ---- the manager's "since" -----------------------------------------------------------------------------

VISIT_GAP = timedelta(minutes=30)  # opening the page again within this is the same visit


def record_visit(user, now: datetime | None = None) -> datetime | None:
    """Note this visit and return when the user's previous visit was (None on a first visit)."""
    now = now or timezone.now()
    visit = FrontPageVisit.objects.filter(user=user).first()
    if visit is None:
        FrontPageVisit.objects.create(user=user, previous_at=None, seen_at=now)
        return None
    if now - visit.seen_at > VISIT_GAP:
        visit.previous_at = visit.seen_at
    visit.seen_at = now
    visit.save(update_fields=["previous_at", "seen_at"])
    return visit.previous_at


# ---- commissioner ---------------------------------------------------------------------------------------


def commissioner_section(user, today: date) -> dict:
    return {"template": "sufficiency/front/_commissioner.html", **prio.team_actions(user=user, today=today)}


# ---- lead commissioner ----------------------------------------------------------------------------------


def lead_section(user, today: date) -> dict:
    sections = prio.slipping_actions(today=today)
    return {
        "template": "sufficiency/front/_lead.html",
        "slipping": sections,
        "slipping_total": sum(len(s.actions) for s in sections),
        "without_action": list(prio.priorities_without_live_action()),
        "stale_weeks": rag_rules.STALE_AFTER_DAYS // 7,
    }


# ---- manager --------------------------------------------------------------------------------------------


def manager_section(user, today: date, since: date) -> dict:
    from flourish import status as flourish_status
    from flourish.assess import LABELS as assess_labels
    from flourish.models import MeasureValue as FlourishValue
    from flourish.selectors import attach, measures_qs
    from placements.models import ImportJob
    from placements.models import YearlyFigure as PlacementsValue

    start = _start_of(since)
    las = visible_authorities(user)
    imports = list(
        ImportJob.objects.filter(
            la__in=las, finished_at__gte=start, status=ImportJob.Status.SUCCEEDED
        ).select_related("la", "created_by")
    )
    moved = (
        PlacementsValue.objects.filter(
            la__in=las, updated_at__gte=start, source=PlacementsValue.Source.COMPUTED
        )
        .values("la_id", "la__name", "year")
        .order_by("la__name", "-year")
    )
    figures: dict[tuple[int, str, int], int] = defaultdict(int)
    for row in moved:
        figures[(row["la_id"], row["la__name"], row["year"])] += 1
    changed_codes = set(
        FlourishValue.objects.filter(Q(created_at__gte=start) | Q(updated_at__gte=start)).values_list(
            "measure__code", flat=True
        )
    )
    flourish_changes = []
    if changed_codes:
        for m in attach(measures_qs().filter(code__in=changed_codes)):
            history = m.assessment.history
            before = history[-2] if len(history) >= 2 else None
            # A first value that gives no status is no change worth reporting.
            if before is None and m.assessment.status == flourish_status.NONE:
                continue
            if before != m.assessment.status:
                flourish_changes.append(
                    {"measure": m, "before": assess_labels.get(before, ""), "after": m.assessment}
                )
    action_changes = prio.action_changes_since(since=since)
    # An override is already listed with its reason; its RAG line would say the same again.
    overridden = {c.action.pk for c in action_changes if c.what.startswith("RAG override")}
    return {
        "template": "sufficiency/front/_manager.html",
        "since": since,
        "imports": imports,
        "figures": recalculated_headlines(figures),
        "headline_titles": [measure_title(code) for code in HEADLINE_CODES],
        "action_changes": action_changes,
        "rag_changes": [
            c for c in rag_changes_since(since=since, today=today) if c.action.pk not in overridden
        ],
        "flourish_changes": flourish_changes,
    }


HEADLINE_CODES = ["cla_31_march", "rate_per_10k", "starts", "ceases"]


def recalculated_headlines(figures: dict[tuple[int, str, int], int]) -> list[dict]:
    """Per authority and year whose computed figures were recalculated: how many, and the headline
    figures with their change on the year before (so a manager sees what moved, not only that it did)."""
    from placements.models import YearlyFigure

    if not figures:
        return []
    years = {year for _, _, year in figures}
    held = {
        (la_id, year, code): value
        for la_id, year, code, value in YearlyFigure.objects.filter(
            la_id__in={la_id for la_id, _, _ in figures},
            year__in=years | {y - 1 for y in years},
            measure__in=HEADLINE_CODES,
            source=YearlyFigure.Source.COMPUTED,
        ).values_list("la_id", "year", "measure", "value")
    }
    rows = []
    for (la_id, la_name, year), n in figures.items():
        cells = []
        for code in HEADLINE_CODES:
            unit = measure_unit(code)
            value, before = held.get((la_id, year, code)), held.get((la_id, year - 1, code))
            change = ""
            if value is not None and before is not None:
                diff = value - before
                change = (
                    "no change"
                    if abs(diff) < 0.05
                    else (
                        f"{'up' if diff > 0 else 'down'} {measure_change(diff, unit)} on {collection_year(year - 1)}"
                    )
                )
            cells.append({"value": measure_value(value, unit), "change": change})
        rows.append({"la": la_name, "year": year, "count": n, "cells": cells})
    return rows


# ---- data admin -----------------------------------------------------------------------------------------


@dataclass
class DueMeasure:
    measure: object
    due: date | None
    why: str


def measures_due(today: date) -> tuple[list[DueMeasure], list[DueMeasure]]:
    """FLOURISH measures entered by hand (not read from placements) that are overdue for an update, from the
    register's next update date, else its last update plus its frequency; and those with no date to go by."""
    from flourish.models import Measure

    overdue, undated = [], []
    for m in Measure.objects.filter(placements_measure="").select_related("owner_team").order_by("code"):
        days = FREQUENCY_DAYS.get(m.frequency.strip().lower())
        if m.next_update:
            due, why = m.next_update, f"next update was due {m.next_update.day} {m.next_update:%B %Y}"
        elif m.last_update and days:
            due = m.last_update + timedelta(days=days)
            why = f"{m.frequency.lower()}: last updated {m.last_update.day} {m.last_update:%B %Y}"
        else:
            undated.append(DueMeasure(m, None, "no next update date, or last update and frequency, held"))
            continue
        if due < today:
            overdue.append(DueMeasure(m, due, why))
    return overdue, undated


def reference_missing(user) -> list[dict]:
    """Per authority and collection year with a current return: a missing population figure, or no
    comparator figures for England or the authority's region."""
    from placements.models import Population, Return, YearlyFigure
    from placements.selectors import ENGLAND

    returns = list(
        Return.objects.current()
        .filter(la__in=visible_authorities(user))
        .select_related("la__region")
        .order_by("la__name", "-collection_year")
    )
    if not returns:
        return []
    years = {r.collection_year for r in returns}
    populations = set(
        Population.objects.filter(la__in={r.la_id for r in returns}, year__in=years).values_list(
            "la_id", "year"
        )
    )
    comparators = set(
        YearlyFigure.objects.filter(source=YearlyFigure.Source.COMPARATOR, year__in=years)
        .values_list("la__code", "year")
        .distinct()
    )
    missing = []
    for r in returns:
        gaps = []
        if (r.la_id, r.collection_year) not in populations:
            gaps.append("population (children aged 0 to 17)")
        if (ENGLAND, r.collection_year) not in comparators:
            gaps.append("England comparator figures")
        if r.la.region_id and (r.la.region.code, r.collection_year) not in comparators:
            gaps.append(f"{r.la.region.name} comparator figures")
        if gaps:
            missing.append({"la": r.la, "year": r.collection_year, "gaps": gaps})
    return missing


def data_admin_section(user, today: date) -> dict:
    from placements.models import ImportJob

    jobs = ImportJob.objects.filter(la__in=visible_authorities(user)).select_related("la", "created_by")
    overdue, undated = measures_due(today)
    return {
        "template": "sufficiency/front/_data_admin.html",
        "in_progress": list(jobs.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])),
        "failed": list(
            jobs.filter(
                status__in=[ImportJob.Status.FAILED, ImportJob.Status.REJECTED],
                created_at__gte=_start_of(today - timedelta(days=FAILED_IMPORTS_DAYS)),
            )
        ),
        "failed_days": FAILED_IMPORTS_DAYS,
        "measures_overdue": overdue,
        "measures_undated": undated,
        "reference_missing": reference_missing(user),
    }


def sections_for(user, *, today: date, since: date) -> list[dict]:
    """The front page sections for the user's roles, most specific first."""
    sections = []
    if has_role(user, COMMISSIONER):
        sections.append(commissioner_section(user, today))
    if has_role(user, LEAD_COMMISSIONER):
        sections.append(lead_section(user, today))
    if has_role(user, DATA_ADMIN):
        sections.append(data_admin_section(user, today))
    if has_role(user, MANAGER):
        sections.append(manager_section(user, today, since))
    return sections
