"""Reads for priorities: lists, the matrix, counts for the overview, board pack data, history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.utils import timezone

from priorities import rag as rag_rules
from priorities.models import Action, Portfolio, PortfolioTheme, Priority, StatusUpdate, Theme


def actions_for_list(*, today: date | None = None, include_archived: bool = False) -> QuerySet[Action]:
    """Actions with everything a list shows (portfolio, team, themes) and `rag_code` annotated."""
    qs = Action.objects.with_related().with_rag(today or timezone.localdate())
    return qs if include_archived else qs.active()


def actions_by_ids(ids: Iterable[int], *, include_archived: bool = True) -> QuerySet[Action]:
    """The actions with these ids (for FLOURISH links); archived ones included unless asked not to.

    This and `Action.get_absolute_url()` are the seam for other apps: link to `priorities.Action` by id,
    read through this selector, and show one with `templates/priorities/_action_summary.html`.
    """
    qs = Action.objects.with_related().filter(pk__in=list(ids))
    return qs if include_archived else qs.active()


def action_detail(*, pk: int) -> Action:
    """One action with its priority, portfolio, teams and themes."""
    return Action.objects.with_related().get(pk=pk)


def action_for_form(*, pk: int) -> Action:
    """One action with what its forms and the edit permission need (priority, portfolio, teams); no themes."""
    return (
        Action.objects.select_related("priority__portfolio", "owner_team")
        .prefetch_related("co_owner_teams")
        .get(pk=pk)
    )


def action_timeline(*, action: Action) -> QuerySet[StatusUpdate]:
    """The action's status updates, newest first, with who made them."""
    return action.status_updates.select_related("user").order_by("-created_at", "-pk")


def _with_total(query: QuerySet, limit: int | None) -> tuple[list, int]:
    """The first `limit` rows of `query` (every row when None) and how many rows it has in all, in one
    query: the total is counted over the same rows (a window), not by a second COUNT query."""
    rows = list(query.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, rows[0].total_rows if rows else 0


def action_latest_updates(*, action: Action, limit: int | None = None) -> tuple[list[StatusUpdate], int]:
    """The action's latest `limit` status updates (every one when None), newest first with who made them,
    and how many it has in all."""
    return _with_total(action_timeline(action=action), limit)


FIELD_LABELS = {
    "status": "Status",
    "progress_note": "Progress note",
    "rag_override": "RAG override",
    "rag_override_reason": "RAG override reason",
    "archived_at": "Archived",
    "description": "Description",
    "owner_team": "Owner team",
    "lead_officer": "Lead officer",
    "timescale_text": "Timescale",
    "due_start": "Due from",
    "due_end": "Due by",
    "revised_due_date": "Revised due date",
    "review_date": "Review date",
    "replan_reason": "Reason for re-planning",
}


@dataclass
class HistoryEntry:
    when: datetime
    user: object
    kind: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def action_history(*, action: Action, limit: int | None = None) -> list[HistoryEntry]:
    """The action's recorded changes (django-simple-history), newest first, with field diffs; the
    latest `limit` of them when given (one more record is read to diff the oldest shown)."""
    return action_history_page(action=action, limit=limit)[0]


def action_history_page(*, action: Action, limit: int | None = None) -> tuple[list[HistoryEntry], int]:
    """`action_history` and how many changes are recorded in all (counted in the same query)."""
    query = action.history.select_related("history_user").order_by("-history_date", "-history_id")
    records, total = _with_total(query, limit + 1 if limit is not None else None)
    shown = records[:limit] if limit is not None else records
    entries = []
    for i, record in enumerate(shown):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        reason = record.history_change_reason or ""
        if older is not None:
            for line in _field_changes(older, record):
                # A status update's reason already says "Status: old → new": list it once, not twice.
                if f"{line[0]}: {line[1]} → {line[2]}" not in reason:
                    changes.append(line)
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=record.history_user,
                kind={"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type],
                reason=reason,
                changes=changes,
            )
        )
    return entries, total


# The labelled fields by name (the order changes are listed in) with the attribute holding each value: a
# foreign key's id, as django-simple-history's diff_against gives it. Compared directly, a sixth of the cost
# of diff_against, which builds two dicts of the fields and a delta object for every record shown.
_DIFF_FIELDS = [(name, Action._meta.get_field(name).attname) for name in sorted(FIELD_LABELS)]


def _field_changes(older, record) -> list[tuple[str, str, str]]:
    """(label, old, new) for each labelled field that differs between two history records."""
    return [
        (FIELD_LABELS[name], _show(old), _show(new))
        for name, attname in _DIFF_FIELDS
        if (old := getattr(older, attname)) != (new := getattr(record, attname))
    ]


def _show(value) -> str:
    if value in (None, ""):
        return "(none)"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d %B %Y %H:%M")
    return str(value)


def counts_by_status(qs: QuerySet[Action]) -> dict[str, int]:
    """Count per status, in status order (zeros included)."""
    counter = Counter(qs.values_list("status", flat=True))
    return {s.value: counter.get(s.value, 0) for s in Action.Status}


def counts_by_rag(qs: QuerySet[Action]) -> dict[str, int]:
    """Count per RAG code (red, amber, green, none); `qs` must be annotated with `rag_code`."""
    counter = Counter(qs.values_list("rag_code", flat=True))
    return {code: counter.get(code, 0) for code in [*rag_rules.RATINGS, rag_rules.NOT_RATED]}


def overview_counts(*, today: date | None = None) -> dict:
    """Counts by status and by RAG and the number of late actions (active actions only)."""
    today = today or timezone.localdate()
    qs = Action.objects.active().with_rag(today)
    return {
        "total": qs.count(),
        "by_status": counts_by_status(qs),
        "by_rag": counts_by_rag(qs),
        "late": qs.late(today).count(),
    }


@dataclass
class MatrixRow:
    label: str
    portfolio: Portfolio
    cells: list[tuple[Theme, str]]


def strategy_matrix() -> tuple[list[Theme], list[MatrixRow]]:
    """The portfolio x theme table of "The Strategy" as written, with the portfolio each row belongs to."""
    themes = list(Theme.objects.all())
    cells = PortfolioTheme.objects.select_related("portfolio", "theme").order_by("row_order", "theme__order")
    rows: dict[str, MatrixRow] = {}
    for cell in cells:
        row = rows.setdefault(cell.row_label, MatrixRow(cell.row_label, cell.portfolio, []))
        row.cells.append((cell.theme, cell.text))
    return themes, list(rows.values())


def action_matrix(
    *, today: date | None = None
) -> tuple[list[Theme], list[tuple[Portfolio, list[tuple[Theme, int]]]]]:
    """Active actions counted by portfolio x theme (an action with two themes counts in both)."""
    themes = list(Theme.objects.all())
    counter = Counter(
        Action.objects.active().values_list("priority__portfolio_id", "themes__id").exclude(themes__id=None)
    )
    rows = [(p, [(t, counter.get((p.pk, t.pk), 0)) for t in themes]) for p in Portfolio.objects.all()]
    return themes, rows


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def actions_changed_since(qs: QuerySet[Action], since: date) -> QuerySet[Action]:
    """Actions changed (any field, or a status update) on or after the day `since`."""
    start = _start_of(since)
    return qs.filter(Q(updated_at__gte=start) | Q(status_updates__created_at__gte=start)).distinct()


@dataclass
class BoardPackSection:
    portfolio: Portfolio
    actions: list[Action]


def board_pack(*, since: date, today: date | None = None) -> dict:
    """All active actions by portfolio with status, RAG and the status updates since `since`."""
    today = today or timezone.localdate()
    start = _start_of(since)
    updates = Prefetch(
        "status_updates",
        queryset=StatusUpdate.objects.filter(created_at__gte=start)
        .select_related("user")
        .order_by("created_at"),
        to_attr="updates_since",
    )
    actions = list(
        actions_for_list(today=today)
        .prefetch_related(updates)
        .order_by("priority__portfolio__order", "priority__order", "pk")
    )
    for action in actions:
        action.rag_result = action.rag(today)
    sections = []
    by_portfolio: dict[int, list[Action]] = {}
    for action in actions:
        by_portfolio.setdefault(action.priority.portfolio_id, []).append(action)
    for portfolio in Portfolio.objects.all():
        if portfolio.pk in by_portfolio:
            sections.append(BoardPackSection(portfolio, by_portfolio[portfolio.pk]))
    summary = []
    for section in sections:
        rags = Counter(a.rag_result.code for a in section.actions)
        statuses = Counter(a.status for a in section.actions)
        summary.append(
            {
                "portfolio": section.portfolio,
                "total": len(section.actions),
                "rag": {code: rags.get(code, 0) for code in [*rag_rules.RATINGS, rag_rules.NOT_RATED]},
                "status": {s.value: statuses.get(s.value, 0) for s in Action.Status},
                "late": sum(1 for a in section.actions if a.is_late(today)),
                "updated": sum(1 for a in section.actions if a.updates_since),
            }
        )
    return {"since": since, "today": today, "sections": sections, "summary": summary}


# ---- front pages: what each person needs to act on ---------------------------------------------------------

NEEDS_ATTENTION = [rag_rules.RED, rag_rules.AMBER]
# How far along a status is; a status update to a lower rank moved the action backwards.
STATUS_RANK = {
    Action.Status.NOT_STARTED: 0,
    Action.Status.ON_HOLD: 1,
    Action.Status.IN_PROGRESS: 2,
    Action.Status.LAUNCHED: 3,
    Action.Status.COMPLETE: 4,
}


def _rated(qs: QuerySet[Action], today: date) -> list[Action]:
    """The actions with their `rag_result` (the rule in words) worked out once."""
    actions = list(qs)
    for action in actions:
        action.rag_result = action.rag(today)
    return actions


def team_actions(*, user, today: date | None = None) -> dict:
    """The open actions of the user's teams: those needing attention (red or amber: overdue, due soon,
    stale, on hold, review due) most urgent first, and the rest."""
    today = today or timezone.localdate()
    teams = list(user.teams.all())
    if not teams:
        return {"teams": [], "attention": [], "rest": []}
    qs = (
        actions_for_list(today=today)
        .open()
        .filter(Q(owner_team__in=teams) | Q(co_owner_teams__in=teams))
        .distinct()
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    actions = _rated(qs, today)
    return {
        "teams": teams,
        "attention": [a for a in actions if a.rag_result.code in NEEDS_ATTENTION],
        "rest": [a for a in actions if a.rag_result.code not in NEEDS_ATTENTION],
    }


@dataclass
class SlippingSection:
    portfolio: Portfolio
    actions: list[Action]


def slipping_actions(*, today: date | None = None) -> list[SlippingSection]:
    """Active actions that are slipping, by portfolio: overdue, not updated for the stale period, or whose
    latest status update moved them backwards (for example In progress to Not started). Each action gets
    `slipping_reasons`."""
    today = today or timezone.localdate()
    stale = timezone.make_aware(datetime.combine(rag_rules.stale_before(today), time.min))
    latest = StatusUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    qs = (
        actions_for_list(today=today)
        .open()
        .annotate(latest_from=Subquery(latest.values("from_status")[:1]))
        .annotate(latest_to=Subquery(latest.values("to_status")[:1]))
        .order_by("priority__portfolio__order", F("due_on").asc(nulls_last=True), "pk")
    )
    by_portfolio: dict[int, SlippingSection] = {}
    for action in _rated(qs, today):
        reasons = []
        if action.is_late(today):
            reasons.append(f"Overdue since {action.due_date.day} {action.due_date:%B %Y}")
        if action.last_updated_at < stale:
            reasons.append(f"No status update for {rag_rules.STALE_AFTER_DAYS // 7} weeks or more")
        if (
            action.latest_from in STATUS_RANK
            and action.latest_to in STATUS_RANK
            and STATUS_RANK[action.latest_to] < STATUS_RANK[action.latest_from]
        ):
            reasons.append(f"Moved back from {action.latest_from} to {action.latest_to}")
        if reasons:
            action.slipping_reasons = reasons
            portfolio = action.priority.portfolio
            by_portfolio.setdefault(portfolio.pk, SlippingSection(portfolio, [])).actions.append(action)
    return list(by_portfolio.values())


def priorities_without_live_action() -> QuerySet[Priority]:
    """Active priorities with no active action that is still open (all done, cancelled or none at all)."""
    live = Action.objects.active().open().filter(priority=OuterRef("pk"))
    return (
        Priority.objects.filter(archived_at__isnull=True)
        .exclude(Exists(live))
        .select_related("portfolio")
        .order_by("portfolio__order", "order", "pk")
    )


@dataclass
class ActionChange:
    action: Action
    when: datetime
    what: str


def action_changes_since(*, since: date, limit: int = 50) -> list[ActionChange]:
    """Status changes (not progress notes alone), RAG overrides and re-plans of active actions on or after
    `since`, newest first."""
    start = _start_of(since)
    changes = []
    updates = (
        StatusUpdate.objects.filter(created_at__gte=start)
        .exclude(from_status=F("to_status"))
        .filter(action__archived_at__isnull=True, action__priority__archived_at__isnull=True)
        .select_related("action__priority__portfolio")
        .order_by("-created_at")[:limit]
    )
    for u in updates:
        changes.append(
            ActionChange(u.action, u.created_at, f"Status: {u.from_status or '-'} → {u.to_status}")
        )
    records = (
        Action.history.filter(history_date__gte=start)
        .filter(
            Q(history_change_reason__startswith="RAG override")
            | Q(history_change_reason__startswith="Re-planned")
        )
        .order_by("-history_date")[:limit]
    )
    by_id = {
        a.pk: a
        for a in Action.objects.active()
        .select_related("priority__portfolio")
        .filter(pk__in={r.id for r in records})
    }
    for r in records:
        if r.id in by_id:
            changes.append(ActionChange(by_id[r.id], r.history_date, r.history_change_reason))
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def reminder_actions(*, user, today: date | None = None) -> list[Action]:
    """The open actions of the user's teams that are overdue, due within the amber window, stale or due
    for review: what the weekly reminder lists."""
    return team_actions(user=user, today=today)["attention"]
