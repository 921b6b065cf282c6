"""Writes for priorities. Every write checks permission, runs in one transaction and bumps `version`.

Optimistic concurrency through `sufficiency.concurrency`: a form carries the action's `version` as it was
when the form was shown, the service claims the next version with a compare-and-set, and if another save
got there first nothing is written and ConflictError says what the other person changed. A status update,
the busiest write, writes its status update and history record first and claims the row last, so the row
lock is held only from the compare-and-set to the commit.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from priorities import selectors
from priorities.models import DESCRIPTION_MAX, TEXT_MAX, Action, Portfolio, Priority, StatusUpdate, Theme
from priorities.timescales import parse_timescale
from sufficiency.concurrency import ConflictError, claim, lock_and_claim
from sufficiency.models import Team


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied("You do not have permission to change this action.")


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValidationError({field: f"Must be {limit} characters or fewer (it has {len(value)})."})


def _current(pk: int) -> Action:
    """The action as it is now, with what its forms show."""
    return selectors.action_for_form(pk=pk)


def _lock(action: Action, expected_version: int) -> Action:
    """Claim the next version and return the row as it is now, or raise ConflictError. Call in a transaction."""
    return lock_and_claim(Action, pk=action.pk, expected_version=expected_version, current=_current)


def _save(action: Action, user, reason: str) -> None:
    action._history_user = user
    action._change_reason = reason
    action.save()


def action_update_status(
    *,
    action: Action,
    user,
    to_status: str,
    comment: str = "",
    evidence_url: str = "",
    expected_version: int,
    progress_note: str | None = None,
) -> StatusUpdate:
    """Record a status update (append-only) and set the action's status (and progress note if given)."""
    _require(user, "priorities.edit_action", action)
    comment = (comment or "").strip()
    if to_status not in Action.Status.values:
        raise ValidationError({"status": "Select a status from the list."})
    if to_status in Action.COMMENT_REQUIRED and not comment:
        raise ValidationError(
            {"comment": f"Enter a comment explaining why the action is {to_status.lower()}."}
        )
    _check_length("comment", comment, TEXT_MAX)
    _check_length("evidence_url", evidence_url or "", 500)
    if progress_note is not None:
        _check_length("progress_note", progress_note, TEXT_MAX)
    # The caller's copy is the row as the form saw it when its version is the form's (the view has just read
    # it); an older copy is read again. A newer one means someone saved after the form was shown: a conflict,
    # shown with that copy, as fresh as a second read would be.
    current = action if action.version >= expected_version else _current(action.pk)
    if current.version != expected_version:
        raise ConflictError(current=current, expected_version=expected_version)
    from_status = current.status
    if (
        to_status == from_status
        and not comment
        and (progress_note is None or progress_note == current.progress_note)
    ):
        raise ValidationError({"status": "Change the status, or add a comment or progress note."})
    saved = copy.copy(current)
    saved.status = to_status
    if progress_note is not None:
        saved.progress_note = progress_note
    saved.version = expected_version + 1
    saved.updated_at = timezone.now()
    saved._history_user = user
    saved._change_reason = f"Status: {from_status} → {to_status}"
    saved._history_date = saved.updated_at
    with transaction.atomic():
        # Append-only records first; the compare-and-set last, so the row lock is held only until the commit.
        # If the claim fails, both records are rolled back with it.
        update = StatusUpdate.objects.create(
            action=current,
            user=user,
            created_at=saved.updated_at,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
            evidence_url=evidence_url or "",
        )
        Action.history.bulk_history_create([saved], update=True, default_user=user)
        # status=from_status as well: the status update must start from the status the row really has.
        claimed = claim(
            Action,
            pk=current.pk,
            expected_version=expected_version,
            where={"status": from_status},
            status=saved.status,
            progress_note=saved.progress_note,
            updated_at=saved.updated_at,
        )
        if not claimed:
            transaction.set_rollback(True)
    if not claimed:
        raise ConflictError(current=_current(action.pk), expected_version=expected_version)
    action.__dict__.update(
        {k: getattr(saved, k) for k in ("status", "progress_note", "version", "updated_at")}
    )
    return update


def action_override_rag(*, action: Action, user, rag: str, reason: str, expected_version: int) -> Action:
    """Set (or clear, with rag="") the RAG override; a reason is required to set one. Recorded in history."""
    _require(user, "priorities.edit_action", action)
    reason = (reason or "").strip()
    if rag not in Action.RagOverride.values:
        raise ValidationError({"rag": "Select red, amber, green or no override."})
    if rag and not reason:
        raise ValidationError({"reason": "Enter the reason for overriding the RAG."})
    _check_length("reason", reason, TEXT_MAX)
    with transaction.atomic():
        locked = _lock(action, expected_version)
        locked.rag_override = rag
        locked.rag_override_reason = reason if rag else ""
        _save(locked, user, f"RAG override: {rag or 'cleared'}" + (f" ({reason})" if reason else ""))
    return locked


def action_update_details(
    *,
    action: Action,
    user,
    expected_version: int,
    description: str,
    lead_officer: str,
    timescale_text: str,
    themes: Iterable[Theme],
    owner_team: Team | None = None,
) -> Action:
    """Change an action's wording, lead officer, timescale (dates re-read) and themes.

    Commissioners of the action's team may do this; moving it to another owner team is for lead
    commissioners only.
    """
    _require(user, "priorities.edit_action", action)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Enter the action."})
    _check_length("description", description, DESCRIPTION_MAX)
    _check_length("lead_officer", lead_officer or "", 120)
    _check_length("timescale_text", timescale_text or "", 100)
    if owner_team is not None and owner_team.pk != action.owner_team_id:
        _require(user, "priorities.manage_strategy")
    themes = list(themes)
    ts = parse_timescale(timescale_text)
    with transaction.atomic():
        locked = _lock(action, expected_version)
        old_themes = sorted(t.name for t in locked.themes.all())
        locked.description = description
        locked.lead_officer = (lead_officer or "").strip()
        locked.timescale_text = (timescale_text or "").strip()
        locked.due_start, locked.due_end = ts.start, ts.end
        if owner_team is not None:
            locked.owner_team = owner_team
        new_themes = sorted(t.name for t in themes)
        reason = "Details changed"
        if new_themes != old_themes:
            reason += f"; themes: {', '.join(old_themes) or 'none'} → {', '.join(new_themes) or 'none'}"
        _save(locked, user, reason)
        locked.themes.set(themes)
    return locked


def action_archive(*, action: Action, user, expected_version: int, when: datetime | None = None) -> Action:
    """Retire an action: kept with its history, out of the default lists. Never deleted."""
    _require(user, "priorities.manage_strategy")
    with transaction.atomic():
        locked = _lock(action, expected_version)
        locked.archived_at = when or timezone.now()
        _save(locked, user, "Archived")
    return locked


def action_unarchive(*, action: Action, user, expected_version: int) -> Action:
    """Bring an archived action back into the lists."""
    _require(user, "priorities.manage_strategy")
    with transaction.atomic():
        locked = _lock(action, expected_version)
        locked.archived_at = None
        _save(locked, user, "Restored from archive")
    return locked


def priority_archive(*, priority: Priority, user, when: datetime | None = None) -> Priority:
    """Retire a priority (its actions leave the default lists with it). Never deleted."""
    _require(user, "priorities.manage_strategy")
    with transaction.atomic():
        priority = Priority.objects.select_for_update().get(pk=priority.pk)
        priority.archived_at = when or timezone.now()
        priority._history_user = user
        priority.save()
    return priority


def priority_create(*, portfolio: Portfolio, title: str, user, order: int | None = None) -> Priority:
    """Add a priority to a portfolio (lead commissioners, at the yearly refresh)."""
    _require(user, "priorities.manage_strategy")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter the priority."})
    _check_length("title", title, 500)
    if order is None:
        order = (
            Priority.objects.filter(portfolio=portfolio)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
            or 0
        ) + 1
    priority = Priority(portfolio=portfolio, title=title, order=order, source="Added in the portal")
    priority._history_user = user
    priority.save()
    return priority


def action_create(
    *,
    priority: Priority,
    user,
    description: str,
    owner_team: Team,
    timescale_text: str = "",
    themes: Iterable[Theme] = (),
    status: str = Action.Status.NOT_STARTED,
    lead_officer: str = "",
    co_owner_teams: Iterable[Team] = (),
) -> Action:
    """Add an action to a priority; due dates are parsed from the timescale text."""
    _require(user, "priorities.manage_strategy")
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Enter the action."})
    _check_length("description", description, DESCRIPTION_MAX)
    _check_length("timescale_text", timescale_text, 100)
    _check_length("lead_officer", lead_officer, 120)
    if status not in Action.Status.values:
        raise ValidationError({"status": "Select a status from the list."})
    ts = parse_timescale(timescale_text)
    with transaction.atomic():
        action = Action(
            priority=priority,
            description=description,
            owner_team=owner_team,
            lead_officer=lead_officer,
            timescale_text=timescale_text,
            due_start=ts.start,
            due_end=ts.end,
            status=status,
        )
        _save(action, user, "Added")
        action.themes.set(themes)
        action.co_owner_teams.set(co_owner_teams)
    return action


def action_replan(
    *,
    action: Action,
    user,
    expected_version: int,
    revised_due_date,
    review_date,
    reason: str,
) -> Action:
    """Set or clear an action's revised due date and review date (lead commissioners). The timescale and
    due dates as written in the strategy are kept; the change and its reason are recorded in history."""
    _require(user, "priorities.manage_strategy")
    reason = (reason or "").strip()
    _check_length("reason", reason, TEXT_MAX)
    if (revised_due_date or review_date) and not reason:
        raise ValidationError({"reason": "Enter the reason for re-planning the action."})
    if revised_due_date and action.due_start and revised_due_date < action.due_start:
        raise ValidationError(
            {
                "revised_due_date": f"The revised due date must be on or after the start, {action.due_start:%-d %B %Y}."
            }
        )
    with transaction.atomic():
        locked = _lock(action, expected_version)
        locked.revised_due_date = revised_due_date
        locked.review_date = review_date
        locked.replan_reason = reason if (revised_due_date or review_date) else ""
        parts = [
            f"due {revised_due_date:%-d %B %Y}" if revised_due_date else "no revised due date",
            f"review {review_date:%-d %B %Y}" if review_date else "no review date",
        ]
        _save(locked, user, f"Re-planned: {', '.join(parts)}" + (f" ({reason})" if reason else ""))
    return locked
