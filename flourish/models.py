"""The FLOURISH outcomes framework: impact areas, outcomes, determinants, partnership priorities,
the measures register, measure values, commentary, and links to commissioning actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

TEXT_MAX = 4000


class ImpactArea(models.Model):
    """One of the eight FLOURISH areas (F, L, O, U, R, I, S, H) with its impact statement."""

    code = models.CharField(max_length=4, unique=True)
    name = models.CharField(max_length=120)
    impact_statement = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("flourish:area_detail", args=[self.code])


class Outcome(models.Model):
    """An outcome statement of an area ("F1 ...")."""

    area = models.ForeignKey(ImpactArea, on_delete=models.PROTECT, related_name="outcomes")
    code = models.CharField(max_length=8, unique=True)
    statement = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.statement}"


class Determinant(models.Model):
    """A universal or tailored determinant of flourishing."""

    class Kind(models.TextChoices):
        UNIVERSAL = "universal", "Universal"
        TAILORED = "tailored", "Tailored"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    area = models.ForeignKey(
        ImpactArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="determinants",
        help_text="The area a tailored determinant belongs to; blank for universal ones.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "name"]
        # A tailored determinant may be named under two areas ("Peer support" for L and I).
        constraints = [
            models.UniqueConstraint(fields=["kind", "area", "name"], name="flourish_determinant_area_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PartnershipPriority(models.Model):
    """A priority of the partnership strategy, with its success statements."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = "partnership priorities"

    def __str__(self) -> str:
        return self.name


class SuccessStatement(models.Model):
    """What success looks like for a partnership priority, for families or for agencies."""

    class Audience(models.TextChoices):
        FAMILIES = "families", "What success will look like for children, young people, and families"
        AGENCIES = "agencies", "What success will mean for agencies working with them"

    priority = models.ForeignKey(
        PartnershipPriority, on_delete=models.CASCADE, related_name="success_statements"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.FAMILIES)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__order", "order"]

    def __str__(self) -> str:
        return self.text


class HundredChildren(models.Model):
    """A line of "If Norfolk had just 100 children" ("51 would be boys")."""

    statement = models.CharField(max_length=300, unique=True)
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "if Norfolk had 100 children statement"

    def __str__(self) -> str:
        return self.statement


class Measure(models.Model):
    """A measure of the register: what it counts, who owns it, and its status and escalation rules."""

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NEUTRAL = "neutral", "Neither higher nor lower is better"

    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=40, blank=True)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    area = models.ForeignKey(
        ImpactArea, null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="measures")
    owner_team = models.ForeignKey(
        "sufficiency.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="flourish_measures"
    )
    owner_officer = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=300, blank=True)
    source_quote = models.TextField(blank=True)
    frequency = models.CharField(max_length=60, blank=True)
    last_update = models.DateField(null=True, blank=True)
    next_update = models.DateField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    target_source = models.TextField(blank=True)
    targets = models.JSONField(
        default=list,
        blank=True,
        help_text='Staged targets [{"value", "date", "source_quote"}]; a period is judged on the first target due on or after it.',
    )
    caveats = models.TextField(blank=True)
    status_rule = models.JSONField(default=dict, blank=True)
    escalation_rule = models.JSONField(default=dict, blank=True)
    placements_measure = models.CharField(
        max_length=60,
        blank=True,
        help_text="A placements measure code: values are then read from the placements app, never entered.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change (optimistic locking).")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(polarity__in=["higher", "lower", "neutral"]), name="flourish_measure_polarity"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("flourish:measure_detail", args=[self.code])

    @property
    def is_placements_linked(self) -> bool:
        return bool(self.placements_measure)


class MeasureValue(models.Model):
    """A value of a measure for a period and an area, with the comparators given beside it."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    period = models.CharField(max_length=40, help_text="As written: 2021, 2020-21, August 2020.")
    period_end = models.DateField(
        null=True, blank=True, help_text="Last day of the period, for ordering; blank when not known."
    )
    area = models.CharField(max_length=100, default="Norfolk")
    value = models.FloatField()
    provisional = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    england = models.FloatField(null=True, blank=True)
    region = models.FloatField(null=True, blank=True)
    sn_average = models.FloatField("statistical neighbour average", null=True, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the figure was transcribed from.")
    source_quote = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [F("period_end").asc(nulls_last=True), "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period", "area"], name="flourish_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period} {self.area}: {self.value:g}"


class Commentary(models.Model):
    """The owner's commentary on a measure for a period. Changes are kept in its history."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="commentaries")
    period = models.CharField(max_length=40)
    text = models.TextField(max_length=TEXT_MAX)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "-updated_at"]
        verbose_name_plural = "commentaries"
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="flourish_commentary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period}"


class ActionLink(models.Model):
    """A commissioning action (priorities.Action, by id) that serves a measure or an outcome."""

    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="action_links"
    )
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="action_links"
    )
    action = models.ForeignKey("priorities.Action", on_delete=models.PROTECT, related_name="flourish_links")
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(measure__isnull=False) & Q(outcome__isnull=True))
                | (Q(measure__isnull=True) & Q(outcome__isnull=False)),
                name="flourish_link_one_target",
            ),
            models.UniqueConstraint(fields=["measure", "action"], name="flourish_link_measure_action"),
            models.UniqueConstraint(fields=["outcome", "action"], name="flourish_link_outcome_action"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id or self.outcome_id} ↔ action {self.action_id}"
