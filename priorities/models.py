"""Commissioning priorities: portfolios, themes, the strategy matrix, priorities, actions and their updates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from priorities import rag as rag_rules

DESCRIPTION_MAX = 4000
TEXT_MAX = 2000


class Portfolio(models.Model):
    """A portfolio of the priorities table (Residential & SIA, Fostering & Adoption, ...)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """One of the strategy's five themes (Build, Specialise, Streamline, Partner, Transform)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60, unique=True)
    definition = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PortfolioTheme(models.Model):
    """A cell of the portfolio x theme matrix in "The Strategy" section, as written.

    The matrix names the strategy's portfolios ("Residential", "Semi Independent", ...) which differ from
    the priorities table's; `row_label` keeps the row as written and `portfolio` is the table portfolio it
    belongs to (used to link the cell to actions).
    """

    row_label = models.CharField(max_length=120)
    row_order = models.PositiveSmallIntegerField(default=0)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="matrix_cells")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="matrix_cells")
    text = models.CharField(max_length=200, blank=True, help_text="The cell as written (a tick, or empty).")

    class Meta:
        ordering = ["row_order", "theme__order"]
        constraints = [
            models.UniqueConstraint(fields=["row_label", "theme"], name="prio_matrix_row_theme_unique")
        ]

    def __str__(self) -> str:
        return f"{self.row_label} × {self.theme}: {self.text or '-'}"


class Priority(models.Model):
    """A priority of a portfolio. Retired by archiving, never deleted."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="priorities")
    title = models.CharField(max_length=500)
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=200, blank=True, help_text="Where it was transcribed from.")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["portfolio__order", "order", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ActionQuerySet(models.QuerySet):
    def active(self) -> ActionQuerySet:
        """Not archived, and not under an archived priority."""
        return self.filter(archived_at__isnull=True, priority__archived_at__isnull=True)

    def with_related(self) -> ActionQuerySet:
        return self.select_related("priority__portfolio", "owner_team").prefetch_related(
            "themes", "co_owner_teams"
        )

    def open(self) -> ActionQuerySet:
        return self.exclude(status__in=Action.CLOSED_STATUSES)

    def late(self, today: date) -> ActionQuerySet:
        """Past their due date (the revised one when set) and not complete, cancelled or launched."""
        return (
            self.open()
            .exclude(status=Action.Status.LAUNCHED)
            .filter(Q(revised_due_date__lt=today) | Q(revised_due_date__isnull=True, due_end__lt=today))
        )

    def for_teams(self, teams) -> ActionQuerySet:
        """Owned or co-owned by any of the teams."""
        return self.filter(Q(owner_team__in=teams) | Q(co_owner_teams__in=teams)).distinct()

    def with_last_updated(self) -> ActionQuerySet:
        """Annotate `last_updated_at`: the latest status update, or when the action was added."""
        latest = (
            StatusUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
        )
        return self.annotate(last_updated_at=Coalesce(Subquery(latest), F("created_at")))

    def with_rag(self, today: date) -> ActionQuerySet:
        """Annotate `rag_computed` (the rules of priorities.rag, in SQL), `rag_code` (override first),
        `due_on` (revised due date, else the timescale's last day) and `last_updated_at`."""
        qs = self if "last_updated_at" in self.query.annotations else self.with_last_updated()
        qs = qs.annotate(due_on=Coalesce(F("revised_due_date"), F("due_end")))
        stale_start = timezone.make_aware(datetime.combine(rag_rules.stale_before(today), time.min))
        computed = Case(
            When(status__in=Action.CLOSED_STATUSES, then=Value(rag_rules.NOT_RATED)),
            When(status=rag_rules.LAUNCHED, then=Value(rag_rules.GREEN)),
            When(due_on__lt=today, then=Value(rag_rules.RED)),
            When(review_date__lte=today, then=Value(rag_rules.AMBER)),
            When(status=Action.Status.ON_HOLD, then=Value(rag_rules.AMBER)),
            When(last_updated_at__lt=stale_start, then=Value(rag_rules.AMBER)),
            When(due_on__isnull=True, then=Value(rag_rules.NOT_RATED)),
            When(
                due_on__lte=today + timedelta(days=rag_rules.AMBER_WITHIN_DAYS), then=Value(rag_rules.AMBER)
            ),
            default=Value(rag_rules.GREEN),
            output_field=models.CharField(),
        )
        return qs.annotate(rag_computed=computed).annotate(
            rag_code=Case(
                When(~Q(rag_override=""), then=F("rag_override")),
                default=F("rag_computed"),
                output_field=models.CharField(),
            )
        )


class Action(models.Model):
    """An action of a priority: who owns it, by when, its themes and where it stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "Not started", "Not started"
        IN_PROGRESS = "In progress", "In progress"
        LAUNCHED = "Launched", "Launched"
        ON_HOLD = "On hold", "On hold"
        COMPLETE = "Complete", "Complete"
        CANCELLED = "Cancelled", "Cancelled"

    class RagOverride(models.TextChoices):
        NONE = "", "No override"
        RED = rag_rules.RED, "Red"
        AMBER = rag_rules.AMBER, "Amber"
        GREEN = rag_rules.GREEN, "Green"

    CLOSED_STATUSES = [Status.COMPLETE, Status.CANCELLED]
    COMMENT_REQUIRED = [Status.ON_HOLD, Status.COMPLETE, Status.CANCELLED]

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(max_length=DESCRIPTION_MAX)
    owner_team = models.ForeignKey("sufficiency.Team", on_delete=models.PROTECT, related_name="owned_actions")
    co_owner_teams = models.ManyToManyField(
        "sufficiency.Team",
        blank=True,
        related_name="co_owned_actions",
        help_text="Other teams named in the 'Assigned to' cell; their commissioners may edit the action too.",
    )
    assigned_to_text = models.CharField(
        "assigned to (as written)", max_length=200, blank=True, help_text="The 'Assigned to' cell as written."
    )
    lead_officer = models.CharField(max_length=120, blank=True)
    timescale_text = models.CharField("timescale (as written)", max_length=100, blank=True)
    due_start = models.DateField(null=True, blank=True)
    due_end = models.DateField(null=True, blank=True)
    revised_due_date = models.DateField(
        null=True,
        blank=True,
        help_text="Set by a lead commissioner when the action is re-planned; the timescale as written is kept.",
    )
    review_date = models.DateField(
        null=True, blank=True, help_text="When a lead commissioner means to look at the action again."
    )
    replan_reason = models.TextField("reason for re-planning", max_length=TEXT_MAX, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="actions")
    theme_text = models.CharField("themes (as written)", max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    status_text = models.CharField(
        "status (as written in the source)", max_length=60, blank=True, help_text="For example 'In Progress'."
    )
    progress_note = models.TextField(max_length=TEXT_MAX, blank=True)
    rag_override = models.CharField("RAG override", max_length=10, choices=RagOverride.choices, blank=True)
    rag_override_reason = models.TextField(max_length=TEXT_MAX, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change (optimistic locking).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["priority__portfolio__order", "priority__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["Not started", "In progress", "Launched", "On hold", "Complete", "Cancelled"]
                ),
                name="prio_action_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(rag_override__in=["", "red", "amber", "green"]),
                name="prio_action_rag_override_valid",
            ),
        ]

    def __str__(self) -> str:
        text = self.description.split("\n", 1)[0]
        return text if len(text) <= 80 else text[:79] + "…"

    def get_absolute_url(self) -> str:
        """Stable address of the action (FLOURISH links to it)."""
        return reverse("priorities:action_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None or (self.priority_id and self.priority.archived_at is not None)

    @property
    def due_date(self) -> date | None:
        """The date the action is due: the revised due date when set, else the timescale's last day."""
        return self.revised_due_date or self.due_end

    def last_updated(self) -> datetime:
        """The latest status update, or when the action was added (the annotation when read with it)."""
        annotated = self.__dict__.get("last_updated_at")
        if annotated is not None:
            return annotated
        latest = self.status_updates.order_by("-created_at").values_list("created_at", flat=True).first()
        return latest or self.created_at

    def rag(self, today: date | None = None) -> rag_rules.Rag:
        """The RAG to show, with its rule (see priorities.rag)."""
        return rag_rules.action_rag(
            status=self.status,
            due_end=self.due_end,
            today=today or timezone.localdate(),
            override=self.rag_override,
            override_reason=self.rag_override_reason,
            revised_due=self.revised_due_date,
            review_date=self.review_date,
            last_updated=timezone.localdate(self.last_updated()),
        )

    def is_late(self, today: date | None = None) -> bool:
        """Past its due date (revised, if set) and not closed; a launched action is not late."""
        today = today or timezone.localdate()
        due = self.due_date
        return (
            self.status not in self.CLOSED_STATUSES
            and self.status != self.Status.LAUNCHED
            and due is not None
            and due < today
        )

    def team_ids(self) -> set[int]:
        """The owner team and every co-owner team."""
        return {self.owner_team_id, *(t.pk for t in self.co_owner_teams.all())}


class StatusUpdate(models.Model):
    """One status change of an action. Append-only: never edited or deleted."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="status_updates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    from_status = models.CharField(max_length=20, choices=Action.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Action.Status.choices)
    comment = models.TextField(max_length=TEXT_MAX, blank=True)
    evidence_url = models.URLField("evidence link", max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The database refuses a close-out without a comment, whatever code path writes it.
            models.CheckConstraint(
                condition=~Q(to_status__in=["On hold", "Complete", "Cancelled"]) | ~Q(comment=""),
                name="prio_statusupdate_comment_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Status updates are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Status updates are append-only: they cannot be deleted.")
