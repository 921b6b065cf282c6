"""Forms of the unit-cost pages: a weekly unit cost of a placement group and provider, from a date."""

from __future__ import annotations

from django import forms

from forecast.forms import NUMERIC, authorities_for
from forecast.models import UnitCost
from sufficiency.forms import GovukFormMixin


class UnitCostForm(GovukFormMixin, forms.ModelForm):
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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la"].queryset = authorities_for(user)
        self.fields["la"].to_field_name = "code"
        self.fields["la"].empty_label = "Choose an authority"
        self.fields["la"].error_messages["required"] = "Choose the authority"

    def clean(self):
        data = super().clean()
        if data.get("group") and data["group"] != UnitCost.OTHER_SERVICE and not data.get("provider"):
            self.add_error(
                "provider", "Choose in-house or external: a placement group's cost needs a provider"
            )
        if data.get("weekly_cost") is not None and data["weekly_cost"] < 0:
            self.add_error("weekly_cost", "The weekly cost cannot be negative")
        return data
