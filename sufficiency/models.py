"""The shared core: users, local authorities and teams."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


def existed_in_years(first: int | None, last: int | None, year: int) -> bool:
    """Whether an authority with these first and last collection years (None: open) existed in `year`; the
    rule `LocalAuthorityQuerySet.existing_in` says in SQL."""
    return (first is None or first <= year) and (last is None or year <= last)


class LocalAuthorityQuerySet(models.QuerySet):
    def las(self) -> "LocalAuthorityQuerySet":
        """Local authorities only (not regions or England)."""
        return self.filter(kind=LocalAuthority.Kind.LA)

    def visible_to(self, user) -> "LocalAuthorityQuerySet":
        """The local authorities a user may see: those granted, or all when none is granted."""
        if not user.is_authenticated:
            return self.none()
        granted = user.local_authorities.all()
        if user.is_superuser or not granted.exists():
            return self.las()
        return self.las().filter(pk__in=granted.values("pk"))

    def existing_in(self, year: int) -> "LocalAuthorityQuerySet":
        """The authorities that existed in a collection year (the year ending 31 March `year`)."""
        return self.filter(
            models.Q(first_collection_year__isnull=True) | models.Q(first_collection_year__lte=year),
            models.Q(last_collection_year__isnull=True) | models.Q(last_collection_year__gte=year),
        )

    def current(self) -> "LocalAuthorityQuerySet":
        """The authorities that exist now (not replaced by others)."""
        return self.filter(last_collection_year__isnull=True)

    def for_choosers(self, user) -> "LocalAuthorityQuerySet":
        """The authorities a user may see, for a chooser: those with figures held or granted to the user
        first, then every other (of the 153, most a deployment never uses; then the three counties
        replaced in 2023), each part by name."""
        from django.apps import apps

        YearlyFigure = apps.get_model("placements", "YearlyFigure")
        in_use = models.Exists(YearlyFigure.objects.filter(la=models.OuterRef("pk"))) | models.Exists(
            LocalAuthority.users.through.objects.filter(localauthority=models.OuterRef("pk"), user=user.pk)
        )
        ended = models.Q(last_collection_year__isnull=False)
        return (
            self.visible_to(user)
            .annotate(
                in_use=in_use, ended=models.ExpressionWrapper(ended, output_field=models.BooleanField())
            )
            .order_by("-in_use", "is_synthetic", "ended", "name")
        )


class LocalAuthority(models.Model):
    """An English local authority, region or the country, keyed by its ONS code."""

    class Kind(models.TextChoices):
        LA = "la", "Local authority"
        REGION = "region", "Region"
        NATIONAL = "national", "National"

    code = models.CharField("ONS code", max_length=9, unique=True, help_text="For example E10000020")
    dfe_number = models.CharField("DfE LA number", max_length=3, blank=True, help_text="For example 926")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LA)
    region = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": "region"},
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="A made-up authority for demonstrations: its figures are not real."
    )
    statistical_neighbours = models.ManyToManyField("self", symmetrical=False, blank=True)
    # Collection years run to 31 March: an authority formed on 1 April 2023 first makes the return for
    # 2023/24 (2024); one abolished on 31 March 2023 last made it for 2022/23 (2023).
    first_collection_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The first collection year (ending 31 March) the authority made a return for, e.g. 2024 "
        "for one formed on 1 April 2023. Blank for an authority older than the returns.",
    )
    last_collection_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The last collection year (ending 31 March) the authority made a return for, e.g. 2023 "
        "for one replaced on 1 April 2023. Blank while it exists.",
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text="The authorities that took over its area when it ended.",
    )

    history = HistoricalRecords()
    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "local authority"
        verbose_name_plural = "local authorities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_collection_year__isnull=True)
                | models.Q(last_collection_year__isnull=True)
                | models.Q(first_collection_year__lte=models.F("last_collection_year")),
                name="authority_first_year_not_after_last",
            )
        ]

    def __str__(self) -> str:
        if self.is_synthetic and "synthetic" not in self.name.lower():
            return f"{self.name} (synthetic)"
        if self.last_collection_year:  # two authorities named North Yorkshire, two named Somerset
            return f"{self.name} (until 31 March {self.last_collection_year})"
        return self.name

    def existed_in(self, year: int) -> bool:
        """Whether the authority existed in the collection year ending 31 March `year`."""
        return existed_in_years(self.first_collection_year, self.last_collection_year, year)

    def clean(self) -> None:
        """A DfE LA number belongs to one authority at a time: a successor may carry its predecessor's
        number (North Yorkshire 815, Somerset 933), never an authority existing in the same years."""
        from django.core.exceptions import ValidationError

        if not self.dfe_number or self.kind != self.Kind.LA:
            return
        first, last = self.first_collection_year, self.last_collection_year
        overlapping = LocalAuthority.objects.las().filter(dfe_number=self.dfe_number).exclude(pk=self.pk)
        if last is not None:
            overlapping = overlapping.exclude(first_collection_year__gt=last)
        if first is not None:
            overlapping = overlapping.exclude(last_collection_year__lt=first)
        other = overlapping.first()
        if other is not None:
            raise ValidationError(
                {"dfe_number": f"{other} has DfE LA number {self.dfe_number} in the same years"}
            )


class Team(models.Model):
    """An owner team named in the commissioning action tables."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A portal user. Roles are groups (see sufficiency.roles)."""

    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    local_authorities = models.ManyToManyField(
        LocalAuthority,
        blank=True,
        related_name="users",
        help_text="The authorities this user may see. None granted means every authority held.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    email_reminders = models.BooleanField(
        "weekly reminder e-mail",
        default=True,
        help_text="A weekly e-mail of the user's actions and measures that are due, overdue or not updated.",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[teams])

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ReminderDigest(models.Model):
    """A weekly reminder e-mail sent to a user: at most one per ISO week (the constraint makes it so)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminder_digests")
    week = models.CharField(max_length=8, help_text="ISO week, for example 2026-W49.")
    sent_at = models.DateTimeField(auto_now_add=True)
    actions = models.PositiveIntegerField(default=0, help_text="Actions listed in the e-mail.")
    measures = models.PositiveIntegerField(default=0, help_text="Measures listed in the e-mail.")

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="one_reminder_digest_per_week")]

    def __str__(self) -> str:
        return f"Reminder to {self.user} for {self.week}"


class FrontPageVisit(models.Model):
    """When a user last opened the front page, so it can show what changed since their previous visit."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="front_page_visit")
    previous_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} last saw the front page at {self.seen_at:%Y-%m-%d %H:%M}"
