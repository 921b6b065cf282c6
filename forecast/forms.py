"""Forms of the forecast pages: choose a forecast, save a scenario, add a capacity (unit costs: cost_forms)."""

from __future__ import annotations

from django import forms

from forecast.engine.scenarios import scenario_from_spec
from forecast.models import Capacity, ForecastScenario
from forecast.services import MAX_HORIZON
from placements.groups import GROUP_CHOICES
from sufficiency.forms import GovukFormMixin
from sufficiency.models import LocalAuthority

HORIZONS = [
    (m, f"{m} months ({m // 12} year{'s' if m > 12 else ''})") for m in range(12, MAX_HORIZON + 1, 12)
]
NUMERIC = {"inputmode": "decimal", "class": "govuk-input--width-5"}


def authorities_for(user):
    return LocalAuthority.objects.visible_to(user).order_by("is_synthetic", "name")


class AuthorityFieldMixin:
    """A model form's `la` field: the authorities the user may see, chosen by ONS code."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la"].queryset = authorities_for(user)
        self.fields["la"].to_field_name = "code"
        self.fields["la"].empty_label = "Choose an authority"
        self.fields["la"].error_messages["required"] = "Choose the authority"


class ForecastChoiceForm(GovukFormMixin, forms.Form):
    """Authority, reference window (years ending 31 March) and horizon; read from the query string."""

    la = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": "Choose an authority from the list"},
    )
    ref_from = forms.TypedChoiceField(label="Reference window from 31 March", coerce=int, choices=[])
    ref_to = forms.TypedChoiceField(label="Reference window to 31 March", coerce=int, choices=[])
    horizon = forms.TypedChoiceField(label="Horizon", coerce=int, choices=HORIZONS)

    def __init__(self, *args, user=None, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la"].queryset = authorities_for(user)
        choices = [(y, str(y)) for y in years or []]
        self.fields["ref_from"].choices = choices
        self.fields["ref_to"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("ref_from") and data.get("ref_to") and data["ref_from"] >= data["ref_to"]:
            self.add_error("ref_to", "The reference window must end after it starts")
        return data


class ScenarioForm(GovukFormMixin, forms.Form):
    """A named scenario: up to three adjustments (forecast.engine.scenarios) and the actions it assumes."""

    la = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.none(),
        to_field_name="code",
        empty_label="Choose an authority",
        error_messages={"required": "Choose the authority the scenario is for"},
    )
    name = forms.CharField(
        label="Scenario name",
        max_length=120,
        error_messages={"required": "Enter a name for the scenario"},
    )
    description = forms.CharField(
        label="What the scenario assumes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    entry_trend = forms.DecimalField(
        label="Change in entries into care each year, per cent (optional)",
        help_text="For example −5 for 5% fewer children coming into care each year, compounding.",
        required=False,
        min_value=-99,
        max_value=100,
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            "invalid": "Change in entries must be a number, for example -5",
            "min_value": "Change in entries must be −99 or more",
            "max_value": "Change in entries must be 100 or less",
        },
    )
    move_fraction = forms.DecimalField(
        label="Share of children in residential care who move each year, per cent (optional)",
        help_text="For example 10 for 10% of residential moving to the group below each year.",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            "invalid": "Share moving must be a number, for example 10",
            "min_value": "Share moving must be 0 or more",
            "max_value": "Share moving must be 100 or less",
        },
    )
    move_target = forms.ChoiceField(
        label="They move to",
        choices=[c for c in GROUP_CHOICES if c[0] != "residential"],
        initial="fostered_in_house",
    )
    in_house_share = forms.DecimalField(
        label="In-house share of residential to reach, per cent (optional)",
        help_text="For example 20. Changes the cost split between in-house and external, not the numbers.",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            "invalid": "In-house share must be a number, for example 20",
            "min_value": "In-house share must be 0 or more",
            "max_value": "In-house share must be 100 or less",
        },
    )
    in_house_by = forms.IntegerField(
        label="Reached by 31 March of (year)",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "The year must be a year, for example 2024",
            "min_value": "The year must be 2000 or later",
            "max_value": "The year must be 2100 or earlier",
        },
    )
    actions = forms.ModelMultipleChoiceField(
        label="Commissioning actions the scenario assumes (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, **kwargs):
        from priorities.models import Action

        super().__init__(*args, **kwargs)
        self.fields["la"].queryset = authorities_for(user)
        self.fields["actions"].queryset = Action.objects.active().select_related("priority")

    def clean(self):
        data = super().clean()
        specs = []
        if data.get("entry_trend") is not None:
            specs.append({"kind": "entry_trend", "rate": float(data["entry_trend"]) / 100})
        if data.get("move_fraction") is not None:
            specs.append(
                {
                    "kind": "residential_to_fostering",
                    "fraction": float(data["move_fraction"]) / 100,
                    "source": "residential",
                    "target": data.get("move_target") or "fostered_in_house",
                }
            )
        share, by = data.get("in_house_share"), data.get("in_house_by")
        if share is not None and by is None and "in_house_by" not in self.errors:
            self.add_error("in_house_by", "Enter the year by which the in-house share is reached")
        elif by is not None and share is None and "in_house_share" not in self.errors:
            self.add_error("in_house_share", "Enter the in-house share to reach, or leave the year blank")
        elif share is not None and by is not None:
            specs.append(
                {
                    "kind": "in_house_share_target",
                    "share": float(share) / 100,
                    "by": f"{by}-03-31",
                    "group": "residential",
                }
            )
        if not specs and not self.errors:
            raise forms.ValidationError(
                "Enter at least one change: entries, moves from residential or in-house share"
            )
        try:
            scenario_from_spec(data.get("name") or "scenario", specs)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        la, name = data.get("la"), data.get("name")
        if la and name and ForecastScenario.objects.filter(la=la, name__iexact=name.strip()).exists():
            self.add_error("name", f"{la} already has a scenario called {name.strip()}: choose another name")
        data["adjustments"] = specs
        return data


class CapacityForm(AuthorityFieldMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Capacity
        fields = [
            "la",
            "name",
            "group",
            "provider",
            "value",
            "unit",
            "effective_year",
            "at_risk_percent",
            "note",
        ]
        widgets = {
            "value": forms.TextInput(attrs=NUMERIC),
            "at_risk_percent": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
            ),
            "effective_year": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
            ),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter a name, for example In-house residential beds"},
            "value": {"required": "Enter the capacity", "invalid": "Enter the capacity as a number"},
            "effective_year": {"required": "Enter the year, for example 2024", "invalid": "Enter a year"},
            "at_risk_percent": {
                "required": "Enter the share full from which the capacity is at risk, for example 90",
                "invalid": "Enter the share as a whole number, for example 90",
                "min_value": "The share must be 1 or more",
                "max_value": "The share must be 100 or less",
            },
        }

    def clean(self):
        data = super().clean()
        if data.get("value") is not None and data["value"] < 0:
            self.add_error("value", "The capacity cannot be negative")
        return data


class CapacityAtRiskForm(GovukFormMixin, forms.Form):
    """A capacity's at-risk level, with the level the data admin saw (a change by someone else meanwhile is
    not overwritten)."""

    at_risk_percent = forms.IntegerField(
        label="At risk from (per cent full)",
        help_text="The capacity is judged at risk when projected demand fills this share of it or more, "
        "for example 90.",
        min_value=1,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the share full from which the capacity is at risk, for example 90",
            "invalid": "Enter the share as a whole number, for example 90",
            "min_value": "The share must be 1 or more",
            "max_value": "The share must be 100 or less",
        },
    )
    seen = forms.IntegerField(widget=forms.HiddenInput)
