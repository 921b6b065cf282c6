"""Forms for FLOURISH. They validate input; the services do the writing (and check again)."""

from __future__ import annotations

from django import forms

from flourish.models import TEXT_MAX
from flourish.periods import HELP as PERIOD_HELP
from flourish.periods import period_end
from flourish.upload import MAX_BYTES
from sufficiency.forms import GovukFormMixin


def _number(label: str, required: bool = False) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower().replace(' (optional)', '')} as a number, like 54 or 20.1.",
        },
    )


class ValueForm(GovukFormMixin, forms.Form):
    period = forms.CharField(
        max_length=40,
        help_text="For example 2024, 2023-24, March 2024 or Q1 2024. Entering a period already held corrects it.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={
            "required": "Enter the period.",
            "max_length": "Period must be 40 characters or fewer.",
        },
    )
    value = _number("Value", required=True)
    provisional = forms.BooleanField(label="The value is provisional", required=False)
    note = forms.CharField(
        label="Note about the value (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
        error_messages={"max_length": f"Note must be {TEXT_MAX} characters or fewer."},
    )
    england = _number("England (optional)")
    region = _number("Region (optional)")
    sn_average = _number("Statistical neighbour average (optional)")
    commentary = forms.CharField(
        label="Commentary for this period (optional)",
        required=False,
        max_length=TEXT_MAX,
        help_text="What the figure shows and what is being done about it. Earlier wording is kept in the history.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
        error_messages={"max_length": f"Commentary must be {TEXT_MAX} characters or fewer."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_period(self):
        period = " ".join(self.cleaned_data["period"].split())
        if period_end(period) is None:
            raise forms.ValidationError(PERIOD_HELP)
        return period


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Values file",
        help_text="A CSV or XLSX file with the columns measure_code, period, area, value, provisional, note.",
        error_messages={"required": "Choose a CSV or XLSX file.", "empty": "The file is empty."},
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or an XLSX file.")
        if f.size > MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB.")
        return f


class ActionLinkForm(GovukFormMixin, forms.Form):
    action = forms.TypedChoiceField(
        label="Commissioning action",
        coerce=int,
        error_messages={"required": "Select an action.", "invalid_choice": "Select an action from the list."},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Choose an action")] + [
            (a.pk, f"{a.priority.portfolio}: {a}") for a in actions
        ]


class RegisterForm(GovukFormMixin, forms.Form):
    owner_team = forms.ModelChoiceField(
        label="Owner team",
        queryset=None,
        required=False,
        empty_label="No owner team",
        help_text="Commissioners in this team may add the measure's values and commentary.",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    owner_officer = forms.CharField(
        label="Owner officer (optional)",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        error_messages={"max_length": "Owner officer must be 120 characters or fewer."},
    )
    target = _number("Target (optional)")
    target_date = forms.DateField(
        label="Target date (optional)",
        required=False,
        help_text="For example 2026-03-31.",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
        error_messages={"invalid": "Enter the target date as a real date, for example 2026-03-31."},
    )
    frequency = forms.CharField(
        label="Frequency (optional)",
        required=False,
        max_length=60,
        help_text="For example Annual, Quarterly.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"max_length": "Frequency must be 60 characters or fewer."},
    )
    next_update = forms.DateField(
        label="Next update due (optional)",
        required=False,
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
        error_messages={
            "invalid": "Enter the date of the next update as a real date, for example 2026-03-31."
        },
    )
    caveats = forms.CharField(
        label="Caveats (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        error_messages={"max_length": f"Caveats must be {TEXT_MAX} characters or fewer."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from sufficiency.models import Team

        self.fields["owner_team"].queryset = Team.objects.all()
