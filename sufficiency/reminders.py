"""The weekly reminder e-mail: to each action owner and measure owner, what is due, overdue or not updated.

An action's owners are the users in its owner or co-owner teams; a FLOURISH measure's owners are the users
in its owner team. A user gets one e-mail a week at most (a ReminderDigest row per user and ISO week, unique
in the database), nothing when they have switched reminders off, have no e-mail address or have nothing due.
Run weekly by a scheduler: `manage.py send_reminders`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from priorities import selectors as prio
from sufficiency import front_pages
from sufficiency.models import ReminderDigest


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Digest:
    user: object
    actions: list = field(default_factory=list)
    measures: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.actions or self.measures)


def digest_for(user, *, today: date, measures_overdue: list) -> Digest:
    """What the user's e-mail lists: their teams' actions needing attention and their teams' measures
    overdue for an update."""
    team_ids = {t.pk for t in user.teams.all()}
    return Digest(
        user=user,
        actions=prio.reminder_actions(user=user, today=today) if team_ids else [],
        measures=[d for d in measures_overdue if d.measure.owner_team_id in team_ids],
    )


@dataclass
class Outcome:
    sent: list = field(default_factory=list)
    already: list = field(default_factory=list)
    nothing_due: list = field(default_factory=list)
    opted_out: list = field(default_factory=list)
    no_address: list = field(default_factory=list)


def send_reminders(*, today: date | None = None, dry_run: bool = False) -> Outcome:
    """Send this week's digests; returns who got one and why the others did not."""
    today = today or timezone.localdate()
    week = iso_week(today)
    measures_overdue, _ = front_pages.measures_due(today)
    done = set(ReminderDigest.objects.filter(week=week).values_list("user_id", flat=True))
    outcome = Outcome()
    users = get_user_model().objects.filter(is_active=True).prefetch_related("teams").order_by("username")
    base = settings.PORTAL_URL.rstrip("/")
    for user in users:
        if not user.email_reminders:
            outcome.opted_out.append(user)
            continue
        if user.pk in done:
            outcome.already.append(user)
            continue
        digest = digest_for(user, today=today, measures_overdue=measures_overdue)
        if digest.empty:
            outcome.nothing_due.append(user)
            continue
        if not user.email:
            outcome.no_address.append(user)
            continue
        if dry_run:
            outcome.sent.append(user)
            continue
        context = {
            "digest": digest,
            "service_name": settings.SERVICE_NAME,
            "today": today,
            "base": base,
            "my_actions": base + reverse("priorities:my_actions"),
            "preferences": base + reverse("reminder_preferences"),
        }
        message = EmailMessage(
            subject=f"{settings.SERVICE_NAME}: {_subject(digest)}",
            body=render_to_string("sufficiency/email/reminder.txt", context),
            to=[user.email],
        )
        try:
            with transaction.atomic():
                # The row first: a second run (or a run at the same time) cannot send the week's mail again.
                ReminderDigest.objects.create(
                    user=user, week=week, actions=len(digest.actions), measures=len(digest.measures)
                )
                message.send()
        except IntegrityError:
            outcome.already.append(user)
            continue
        outcome.sent.append(user)
    return outcome


def set_reminder_preference(*, user, enabled: bool) -> None:
    """Switch the user's weekly reminder e-mail on or off (recorded in the user's history)."""
    user.email_reminders = bool(enabled)
    user._change_reason = f"Weekly reminder e-mail {'on' if enabled else 'off'}"
    user.save(update_fields=["email_reminders"])


def _subject(digest: Digest) -> str:
    parts = []
    if digest.actions:
        parts.append(f"{len(digest.actions)} action{'s' if len(digest.actions) != 1 else ''} to update")
    if digest.measures:
        parts.append(f"{len(digest.measures)} measure{'s' if len(digest.measures) != 1 else ''} overdue")
    return " and ".join(parts)
