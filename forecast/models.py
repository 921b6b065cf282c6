"""The forecast's data: unit costs and capacities (sourced figures), scenarios and stored forecast runs.

The tables keep the names they had when these models lived in the placements app (``db_table``), so moving
the models was a change of state only (migration 0001 of this app).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from placements.groups import GROUP_CHOICES
from sufficiency.models import LocalAuthority
from sufficiency.sources import source_citation


class FigureSource(models.TextChoices):
    SEED = "seed", "Stated in a seed document"
    ENTERED = "entered", "Entered by a data admin"


class UnitCostQuerySet(models.QuerySet):
    def for_la(self, la: LocalAuthority) -> "UnitCostQuerySet":
        return self.filter(la=la)

    def placements_only(self) -> "UnitCostQuerySet":
        """Costs of placement groups (the projection's); not the services shown only for comparison."""
        return self.exclude(group=UnitCost.OTHER_SERVICE).exclude(provider="")


class SourcedFigure:
    """A figure stated in a seed document or entered by a data admin (source, document, line, entered_by)."""

    @property
    def source_label(self) -> str:
        if self.source == FigureSource.SEED:
            return f"Published in {source_citation(self.source_document, self.source_line)}"
        who = (
            self.entered_by.get_full_name() or self.entered_by.username if self.entered_by else "a data admin"
        )
        return f"Entered by {who}"


class UnitCost(SourcedFigure, models.Model):
    """A weekly unit cost of a placement group and provider, in force from a date (later rows supersede)."""

    OTHER_SERVICE = "other_service"
    GROUP_CHOICES = [*GROUP_CHOICES, (OTHER_SERVICE, "Another service (for comparison, not costed)")]

    class Provider(models.TextChoices):
        IN_HOUSE = "in_house", "In-house (PR1 to PR3)"
        EXTERNAL = "external", "External (PR4, PR5)"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="unit_costs")
    group = models.CharField("placement group", max_length=30, choices=GROUP_CHOICES)
    provider = models.CharField(
        max_length=10, choices=Provider.choices, blank=True, help_text="Blank when the source does not say."
    )
    label = models.CharField(
        max_length=200, blank=True, help_text="What the cost is of, as stated, for example 'NABP'."
    )
    weekly_cost = models.DecimalField("weekly cost (£)", max_digits=10, decimal_places=2)
    effective_from = models.DateField()
    source = models.CharField(max_length=10, choices=FigureSource.choices, default=FigureSource.ENTERED)
    source_document = models.CharField(max_length=120, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(table_name="placements_historicalunitcost")
    objects = UnitCostQuerySet.as_manager()

    class Meta:
        db_table = "placements_unitcost"
        constraints = [
            models.UniqueConstraint(
                fields=["la", "group", "provider", "label", "effective_from"], name="one_unit_cost_per_date"
            ),
            models.CheckConstraint(condition=models.Q(weekly_cost__gte=0), name="unit_cost_not_negative"),
        ]
        ordering = ["la", "group", "provider", "effective_from"]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.get_provider_display()}: £{self.weekly_cost} a week"


class Capacity(SourcedFigure, models.Model):
    """A capacity figure a data admin holds: beds at any one time, or bed nights a year, of a group."""

    class Unit(models.TextChoices):
        BEDS = "beds", "Beds (children at any one time)"
        BED_NIGHTS = "bed_nights", "Bed nights a year"

    class Provider(models.TextChoices):
        IN_HOUSE = "in_house", "In-house"
        EXTERNAL = "external", "External"
        ANY = "any", "Any provider"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="capacities")
    name = models.CharField(max_length=120, help_text="For example 'In-house residential beds'.")
    group = models.CharField("placement group", max_length=30, choices=GROUP_CHOICES)
    provider = models.CharField(max_length=10, choices=Provider.choices, default=Provider.IN_HOUSE)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    effective_year = models.PositiveSmallIntegerField(
        help_text="The year ending 31 March from which the figure holds, for example 2021."
    )
    at_risk_percent = models.PositiveSmallIntegerField(
        "at risk from (per cent full)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The capacity is judged at risk when projected demand fills this share of it or more, "
        "for example 90.",
    )
    source = models.CharField(max_length=10, choices=FigureSource.choices, default=FigureSource.ENTERED)
    source_document = models.CharField(max_length=120, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(table_name="placements_historicalcapacity")

    class Meta:
        db_table = "placements_capacity"
        constraints = [
            models.UniqueConstraint(fields=["la", "name", "effective_year"], name="one_capacity_per_year"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="capacity_not_negative"),
            models.CheckConstraint(
                condition=models.Q(at_risk_percent__gte=1, at_risk_percent__lte=100),
                name="capacity_at_risk_percent_1_to_100",
            ),
        ]
        ordering = ["la", "name", "effective_year"]
        verbose_name_plural = "capacities"

    def __str__(self) -> str:
        return f"{self.name}: {self.value} {self.get_unit_display().lower()} from {self.effective_year}"


class ForecastScenario(models.Model):
    """Named adjustments to the baseline projection (validated by forecast.engine.scenarios)."""

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="forecast_scenarios")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    adjustments = models.JSONField(default=list)
    actions = models.ManyToManyField(
        "priorities.Action", blank=True, related_name="forecast_scenarios", help_text="Actions it assumes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[actions], table_name="placements_historicalforecastscenario")

    class Meta:
        db_table = "placements_forecastscenario"
        constraints = [models.UniqueConstraint(fields=["la", "name"], name="one_scenario_name_per_la")]
        ordering = ["la", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from forecast.engine.scenarios import scenario_from_spec

        try:
            scenario_from_spec(self.name, self.adjustments)
        except ValueError as exc:
            raise ValidationError({"adjustments": str(exc)}) from exc


class ForecastRun(models.Model):
    """One fitted and projected forecast (baseline, or with a scenario), its backtest and costs, stored."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="forecast_runs")
    ref_start = models.DateField("reference window start")
    ref_end = models.DateField(
        "reference window end", help_text="The projection starts from the stock on it."
    )
    horizon_months = models.PositiveSmallIntegerField()
    scenario = models.ForeignKey(
        ForecastScenario, null=True, blank=True, on_delete=models.CASCADE, related_name="runs"
    )
    inputs_key = models.CharField(
        max_length=64, blank=True, help_text="Hash of the returns, unit costs and scenario the run used"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Renewed while the run computes; a lapsed lease means the worker died",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    results = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "placements_forecastrun"
        indexes = [
            models.Index(
                fields=["la", "ref_start", "ref_end", "horizon_months", "inputs_key"],
                name="forecast_run_lookup",
            )
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        what = self.scenario.name if self.scenario_id else "baseline"
        return f"Forecast {self.la} {self.ref_start}–{self.ref_end} +{self.horizon_months} months ({what})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
