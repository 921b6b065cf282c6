"""SSDA903 returns as imported, the import jobs that load them, reference data and the stored measures.

Data flows one way: uploaded file → ssda903 pipeline → Return + rows (per LA and collection year)
→ measures.py → YearlyFigure (computed) → selectors → views. Published figures (from the seed documents)
and comparator figures are YearlyFigure rows too, kept apart by `source`.
"""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sufficiency.models import LocalAuthority


class ReturnQuerySet(models.QuerySet):
    def current(self) -> "ReturnQuerySet":
        """Returns whose rows count: fully written and not superseded."""
        return self.filter(state=Return.State.CURRENT)

    def for_la(self, la: LocalAuthority) -> "ReturnQuerySet":
        return self.filter(la=la)


class Return(models.Model):
    """One LA's SSDA903 return for one collection year, as imported (pseudonymised)."""

    class State(models.TextChoices):
        STAGING = "staging", "Being written"
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Replaced by a later import"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="returns")
    collection_year = models.PositiveSmallIntegerField(
        help_text="The year the collection ends: 2020 is 2019/20."
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.STAGING)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the uploaded files")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    imported_at = models.DateTimeField(auto_now_add=True)
    job = models.OneToOneField("ImportJob", null=True, blank=True, on_delete=models.SET_NULL)
    rows_per_table = models.JSONField(default=dict)
    children = models.PositiveIntegerField(default=0)
    episodes = models.PositiveIntegerField(default=0)
    first_decom = models.DateField(null=True)
    last_decom = models.DateField(null=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["la", "collection_year"],
                condition=models.Q(state="current"),
                name="one_current_return_per_la_year",
            )
        ]
        indexes = [models.Index(fields=["la", "state", "collection_year"], name="return_la_state_year")]
        ordering = ["la", "-collection_year"]

    def __str__(self) -> str:
        return f"{self.la} {self.collection_year - 1}/{str(self.collection_year)[-2:]}"


class Episode(models.Model):
    """An Episodes row of a return. CHILD is a keyed hash; only postcode outward codes are kept."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="episode_rows")
    child = models.CharField(max_length=32)
    decom = models.DateField()
    dec = models.DateField(null=True)
    rne = models.CharField(max_length=2, blank=True)
    ls = models.CharField(max_length=2, blank=True)
    cin = models.CharField(max_length=2, blank=True)
    place = models.CharField(max_length=4, blank=True)
    place_provider = models.CharField(max_length=3, blank=True)
    rec = models.CharField(max_length=4, blank=True)
    reason_place_change = models.CharField(max_length=6, blank=True)
    home_outward = models.CharField(max_length=4, blank=True)
    pl_outward = models.CharField(max_length=4, blank=True)
    pl_post_key = models.CharField(
        max_length=32, blank=True, help_text="Keyed hash of PL_POST (equality only)"
    )
    urn = models.CharField(max_length=10, blank=True)
    pl_la = models.CharField(max_length=9, blank=True)
    distance = models.FloatField(null=True, help_text="Miles from home: PL_DISTANCE or from postcodes")

    class Meta:
        indexes = [models.Index(fields=["ret", "child"], name="episode_ret_child")]

    def __str__(self) -> str:
        return f"Episode from {self.decom}"


class ChildHeader(models.Model):
    """A Header row: only what the measures need (sex, date of birth, ethnicity code)."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="header_rows")
    child = models.CharField(max_length=32)
    sex = models.CharField(max_length=1, blank=True)
    dob = models.DateField(null=True)
    ethnic = models.CharField(max_length=4, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ret", "child"], name="header_ret_child")]

    def __str__(self) -> str:
        return f"Header row {self.pk}"


class UASCRecord(models.Model):
    """A UASC row: when the child ceased to be an unaccompanied asylum-seeking child (DUC)."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="uasc_rows")
    child = models.CharField(max_length=32)
    duc = models.DateField(null=True)

    def __str__(self) -> str:
        return f"UASC row {self.pk}"


class ImportJob(models.Model):
    """One upload of a return: who, when, file checksum, progress and outcome. Kept for ever."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        UNCHANGED = "unchanged", "Already imported (no change)"
        REJECTED = "rejected", "Rejected: the file has errors"
        FAILED = "failed", "Failed: an unexpected error"

    FINISHED = {Status.SUCCEEDED, Status.UNCHANGED, Status.REJECTED, Status.FAILED}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="import_jobs")
    collection_year = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    file_names = models.JSONField(default=list)
    file_size = models.BigIntegerField(default=0)
    checksum = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    upload_dir = models.CharField(max_length=300, blank=True, help_text="Where the files wait for the worker")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Renewed while the job runs; a lapsed lease means the worker died"
    )
    problems_removed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the error report was removed (kept for a set number of days)"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_job_status_heartbeat")]

    def __str__(self) -> str:
        return f"Import of {self.la} {self.collection_year} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def report_removed_note(self) -> str:
        """What the job page says once the error report has been removed (it held children's data)."""
        if self.problems_removed_at is None:
            return ""
        days = settings.IMPORT_PROBLEM_RETENTION_DAYS
        return (
            f"The list of problems was removed on {self.problems_removed_at:%-d %B %Y}: error reports hold "
            f"children's details and are kept for {days} day{'s' if days != 1 else ''} after an import."
        )


class ImportProblem(models.Model):
    """An error or warning found in an uploaded return: table, row, column, value, what is wrong."""

    class Severity(models.TextChoices):
        ERROR = "error", "Error"
        WARNING = "warning", "Warning"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    severity = models.CharField(max_length=7, choices=Severity.choices)
    table = models.CharField(max_length=40, blank=True)
    row = models.PositiveIntegerField(null=True)
    column = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.severity}: {self.table} row {self.row} {self.column}: {self.message}"


class Population(models.Model):
    """ONS mid-year estimate of the population aged 0–17, per authority and collection year."""

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="populations")
    year = models.PositiveSmallIntegerField(help_text="Collection year the estimate is used for")
    population = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["la", "year"], name="one_population_per_la_year")]
        ordering = ["la", "year"]

    def __str__(self) -> str:
        return f"{self.la} {self.year}: {self.population}"


class YearlyFigure(models.Model):
    """A yearly figure for an area: computed from returns, published in a seed document, or a comparator."""

    class Source(models.TextChoices):
        COMPUTED = "computed", "Computed from imported returns"
        PUBLISHED = "published", "Published figure"
        COMPARATOR = "comparator", "Comparator figure"
        SN_AVERAGE = "sn_average", "Statistical neighbours' average"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="measure_values")
    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=60)
    value = models.FloatField(null=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    source_document = models.CharField(max_length=120, blank=True)
    source_section = models.CharField(max_length=300, blank=True)
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "placements_measurevalue"  # its name before the rename (migration 0005)
        constraints = [
            models.UniqueConstraint(
                fields=["la", "year", "measure", "source", "source_document"], name="one_value_per_source"
            )
        ]
        indexes = [models.Index(fields=["la", "measure", "year"], name="measure_la_code_year")]
        ordering = ["la", "measure", "year"]

    def __str__(self) -> str:
        return f"{self.la} {self.year} {self.measure} = {self.value} ({self.source})"


class LongitudinalEpisode(models.Model):
    """One row of an authority's longitudinal record (measures.build_longitudinal over its current returns):
    per child and DECOM, the row of the latest return that holds it, short breaks left out.

    Derived data, kept so that an import merges its own return into it instead of rebuilding it from every
    return held. LongitudinalState says which current returns it was built from; when they differ, it is
    rebuilt from the returns.
    """

    # No index of its own: the (la, child) index serves every lookup by authority, and each index costs
    # an import's writes more as the record grows.
    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+", db_index=False)
    child = models.CharField(max_length=32)
    collection_year = models.PositiveSmallIntegerField(
        help_text="The return the row was last written from (a later return that re-reports it unchanged "
        "leaves it as it is)"
    )
    decom = models.DateField()
    dec = models.DateField(null=True)
    rne = models.CharField(max_length=2, blank=True)
    ls = models.CharField(max_length=2, blank=True)
    cin = models.CharField(max_length=2, blank=True)
    place = models.CharField(max_length=4, blank=True)
    place_provider = models.CharField(max_length=3, blank=True)
    rec = models.CharField(max_length=4, blank=True)
    pl_post_key = models.CharField(max_length=32, blank=True)
    distance = models.FloatField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["la", "child"], name="longitudinal_la_child"),
            models.Index(fields=["la", "dec"], name="longitudinal_la_dec"),
        ]

    def __str__(self) -> str:
        return f"Longitudinal episode from {self.decom}"


class LongitudinalChild(models.Model):
    """A child of an authority's longitudinal record: the Header row (sex, date of birth) and the UASC row
    (DUC) of the latest return that holds the child in that table (measures.latest_per_child)."""

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+", db_index=False)
    child = models.CharField(max_length=32)
    header_year = models.PositiveSmallIntegerField(null=True, help_text="Blank: no Header row")
    sex = models.CharField(max_length=1, blank=True)
    dob = models.DateField(null=True)
    uasc_year = models.PositiveSmallIntegerField(null=True, help_text="Blank: no UASC row")
    duc = models.DateField(null=True)

    class Meta:
        indexes = [models.Index(fields=["la", "child"], name="longitudinal_child_la_child")]

    def __str__(self) -> str:
        return f"Longitudinal child {self.pk}"


class LongitudinalState(models.Model):
    """Which current returns an authority's longitudinal record was built from (their ids and years)."""

    la = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    returns = models.JSONField(default=list, help_text="[[return id, collection year], ...] in id order")

    def __str__(self) -> str:
        return f"Longitudinal record of {self.la_id}"
