"""Reads for priorities: lists, the matrix, counts for the overview, board pack data, history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from priorities import rag as rag_rules
from priorities.models import Action, Portfolio, PortfolioTheme, StatusUpdate, Theme


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
    query = action.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(query[: limit + 1] if limit is not None else query)
    shown = records[:limit] if limit is not None else records
    entries = []
    for i, record in enumerate(shown):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None:
            delta = record.diff_against(older, included_fields=list(FIELD_LABELS))
            for change in delta.changes:
                changes.append((FIELD_LABELS[change.field], _show(change.old), _show(change.new)))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=record.history_user,
                kind={"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type],
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


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
