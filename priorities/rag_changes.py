"""Actions whose RAG changed between a past day and today, for the manager's front page.

A RAG changes when someone changes the action (its status, a re-plan, an override) and also when time
passes (a due date goes by, eight weeks pass with no update). Both are found the same way: the RAG rule
(`priorities.rag`) is applied to the action as it stood at the start of the day `since` (its history
record then, and its latest status update before then) and to the action as it is today.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max
from django.utils import timezone

from priorities import rag as rag_rules
from priorities.models import Action, StatusUpdate
from priorities.selectors import ActionChange, _start_of, actions_for_list
from sufficiency.templatetags.portal_format import long_date


def rag_changes_since(*, since: date, today: date | None = None) -> list[ActionChange]:
    """Active actions whose RAG at the start of `since` differs from their RAG today; newest first.

    An action added after `since` had no RAG then and is not listed (its status changes are).
    """
    today = today or timezone.localdate()
    start = _start_of(since)
    actions = list(actions_for_list(today=today).filter(created_at__lt=start))
    if not actions:
        return []
    ids = [a.pk for a in actions]
    then: dict[int, object] = {}
    for record in (
        Action.history.filter(id__in=ids, history_date__lt=start)
        .order_by("id", "-history_date", "-history_id")
        .only(
            "id",
            "history_date",
            "history_type",
            "status",
            "due_end",
            "revised_due_date",
            "review_date",
            "rag_override",
            "rag_override_reason",
        )
    ):
        then.setdefault(record.id, record)
    updated_then = dict(
        StatusUpdate.objects.filter(action_id__in=ids, created_at__lt=start)
        .values("action_id")
        .annotate(latest=Max("created_at"))
        .values_list("action_id", "latest")
    )
    now = timezone.now()
    changes = []
    for action in actions:
        record = then.get(action.pk)
        if record is None or record.history_type == "-":
            continue
        before = rag_rules.action_rag(
            status=record.status,
            due_end=record.due_end,
            today=since,
            override=record.rag_override,
            override_reason=record.rag_override_reason,
            revised_due=record.revised_due_date,
            review_date=record.review_date,
            last_updated=timezone.localdate(updated_then.get(action.pk) or action.created_at),
        )
        after = action.rag(today)
        if before.code != after.code:
            what = f"RAG: {before.label} on {long_date(since)}, {after.label} now. {after.rule}"
            changes.append(ActionChange(action, now, what))
    return changes
