"""Forms of the unit-cost pages: a weekly unit cost of a placement group and provider, from a date; and the
form of every group and provider the forecast projects at once (the data admins' unit-cost page)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.db import transaction

from forecast.cost_tables import FIXED_PROVIDER, pair_words
from forecast.forms import NUMERIC, AuthorityFieldMixin
from forecast.models import FigureSource, UnitCost
from placements.groups import GROUP_KEYS, GROUP_LABELS
from sufficiency.forms import GovukFormMixin
from sufficiency.models import LocalAuthority


class UnitCostForm(AuthorityFieldMixin, GovukFormMixin, forms.ModelForm):
    effective_from = forms.DateField(
        label="In force from",
        help_text="For example 1/4/2024 or 2024-04-01. A later date supersedes the cost from that date.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the date the cost is in force from",
            "invalid": "Enter a real date",
        },
    )

    class Meta:
        model = UnitCost
        fields = ["la", "group", "provider", "label", "weekly_cost", "effective_from", "note"]
        widgets = {"weekly_cost": forms.TextInput(attrs=NUMERIC), "note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "weekly_cost": {
                "required": "Enter the weekly cost in pounds",
                "invalid": "Enter the cost as a number",
            },
            "group": {"required": "Choose the placement group"},
        }

    def clean(self):
        data = super().clean()
        if data.get("group") and data["group"] != UnitCost.OTHER_SERVICE and not data.get("provider"):
            self.add_error(
                "provider", "Choose in-house or external: a placement group's cost needs a provider"
            )
        if data.get("weekly_cost") is not None and data["weekly_cost"] < 0:
            self.add_error("weekly_cost", "The weekly cost cannot be negative")
        return data


# The group x provider pairs the forecast can project (forecast.engine.model._provider_class with the groups'
# rule in placements.groups): in-house fostering is PR1-PR3 and agency fostering PR4, PR5 or blank by
# definition, and fostering by relatives or friends is costed in-house (FIXED_PROVIDER); every other group
# may be either.
PAIRS: list[tuple[str, str]] = [
    (group, provider)
    for group in GROUP_KEYS
    for provider in ("in_house", "external")
    if FIXED_PROVIDER.get(group, provider) == provider
]
PROVIDER_WORDS = {"in_house": "In-house", "external": "External"}


def pair_field(group: str, provider: str) -> str:
    return f"{group}__{provider}"


def unit_costs_in_force(*, la: LocalAuthority, on: date) -> dict[tuple[str, str], UnitCost]:
    """The placement unit cost in force on a date for each group and provider (the latest from on or
    before it; of two from the same date, the later entered)."""
    out: dict[tuple[str, str], UnitCost] = {}
    rows = (
        UnitCost.objects.for_la(la)
        .placements_only()
        .filter(effective_from__lte=on)
        .select_related("entered_by")
        .order_by("effective_from", "pk")
    )
    for row in rows:
        out[(row.group, row.provider)] = row
    return out


class UnitCostGridForm(GovukFormMixin, forms.Form):
    """A weekly cost for every group and provider the forecast projects, from one date. A blank field keeps
    the cost held; a figure equal to the one in force on that date is not a change."""

    effective_from = forms.DateField(
        label="In force from",
        help_text="The date the new costs apply from, for example 1/4/2025 or 2025-04-01. Earlier months keep "
        "the costs in force then.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the date the costs apply from", "invalid": "Enter a real date"},
    )
    note = forms.CharField(
        label="Where the figures come from (optional)",
        help_text="For example the budget book or a contract, with its year. Kept with each cost saved.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, la: LocalAuthority, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.la = la
        self.in_force = unit_costs_in_force(la=la, on=today)
        self.later: dict[tuple[str, str], list[UnitCost]] = {}
        for row in UnitCost.objects.for_la(la).placements_only().filter(effective_from__gt=today):
            self.later.setdefault((row.group, row.provider), []).append(row)  # ordered by date (Meta)
        for group, provider in PAIRS:
            what = pair_words(group, provider)
            self.fields[pair_field(group, provider)] = forms.DecimalField(
                label=PROVIDER_WORDS[provider],
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=2,
                help_text=self._held(group, provider),
                widget=forms.TextInput(attrs={**NUMERIC, "class": f"govuk-input {NUMERIC['class']}"}),
                error_messages={
                    "invalid": f"Enter the weekly cost of {what} in pounds, for example 450 or 2850.50",
                    "min_value": f"The weekly cost of {what} cannot be negative",
                    "max_digits": f"The weekly cost of {what} must be less than £100,000,000",
                    "max_whole_digits": f"The weekly cost of {what} must be less than £100,000,000",
                    "max_decimal_places": f"Give the weekly cost of {what} in pounds and pence (2 decimal places)",
                },
            )
            self._describe(pair_field(group, provider))

    def _held(self, group: str, provider: str) -> str:
        held = self.in_force.get((group, provider))
        words = (
            f"In force now: £{held.weekly_cost:,.2f} a week from {held.effective_from:%-d %B %Y}."
            if held
            else "No cost held now."
        )
        later = "; ".join(
            f"£{c.weekly_cost:,.2f} from {c.effective_from:%-d %B %Y}"
            for c in self.later.get((group, provider), [])
        )
        return f"{words} Later: {later}." if later else words

    def groups(self) -> list[dict]:
        """The fields by placement group, for the page: {"key", "title", "fields": [bound fields]}."""
        out: list[dict] = []
        for group, provider in PAIRS:
            if not out or out[-1]["key"] != group:
                out.append({"key": group, "title": GROUP_LABELS[group], "fields": []})
            out[-1]["fields"].append(self[pair_field(group, provider)])
        return out

    def changes(self) -> dict[tuple[str, str], Decimal]:
        """The figures entered that differ from the cost in force on the date given."""
        when = self.cleaned_data["effective_from"]
        held = unit_costs_in_force(la=self.la, on=when)
        out = {}
        for group, provider in PAIRS:
            value = self.cleaned_data.get(pair_field(group, provider))
            if value is None:
                continue
            current = held.get((group, provider))
            if current is None or current.weekly_cost != value:
                out[(group, provider)] = value
        return out

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(pair_field(*p)) is not None for p in PAIRS):
            raise forms.ValidationError("Enter at least one weekly cost", code="empty")
        return data

    @transaction.atomic
    def save(self, *, user) -> list[UnitCost]:
        """Save each changed cost as the figure in force from the date given (a figure already held for that
        date is changed, so its history keeps the earlier value), all or none."""
        when = self.cleaned_data["effective_from"]
        saved = []
        for (group, provider), value in self.changes().items():
            row = (
                UnitCost.objects.filter(la=self.la, group=group, provider=provider, effective_from=when)
                .order_by("pk")
                .first()
            )
            if row is None:
                row = UnitCost(la=self.la, group=group, provider=provider, effective_from=when)
            row.weekly_cost = value
            row.source = FigureSource.ENTERED
            row.entered_by = user
            row.note = self.cleaned_data["note"]
            row.full_clean()
            row.save()
            saved.append(row)
        return saved
