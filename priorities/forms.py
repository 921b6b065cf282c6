"""Forms for priorities. They validate input; the services do the writing (and check again)."""

from __future__ import annotations

from django import forms

from priorities.models import DESCRIPTION_MAX, TEXT_MAX, Action, Portfolio, Priority, Theme
from sufficiency.forms import GovukFormMixin
from sufficiency.models import Team


class _Textarea(forms.Textarea):
    def __init__(self, rows=4):
        super().__init__(attrs={"class": "govuk-textarea", "rows": rows})


class _Text(forms.TextInput):
    def __init__(self, width=""):
        super().__init__(attrs={"class": f"govuk-input {width}".strip()})


class StatusUpdateForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the action's status.",
            "invalid_choice": "Select a status from the list.",
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=_Textarea(),
        help_text="Required when the action is put on hold, completed or cancelled.",
        error_messages={"max_length": f"Comment must be {TEXT_MAX} characters or fewer."},
    )
    evidence_url = forms.URLField(
        label="Evidence link (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
        help_text="A link to a report, minutes or document, starting https://",
        error_messages={
            "invalid": "Enter the evidence link as a full web address, like https://example.org/report",
            "max_length": "Evidence link must be 500 characters or fewer.",
        },
    )
    progress_note = forms.CharField(
        label="Progress note",
        required=False,
        max_length=TEXT_MAX,
        widget=_Textarea(rows=3),
        help_text="A short summary of where the action stands, shown in the list and the board pack.",
        error_messages={"max_length": f"Progress note must be {TEXT_MAX} characters or fewer."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status in Action.COMMENT_REQUIRED and not (data.get("comment") or "").strip():
            self.add_error("comment", f"Enter a comment explaining why the action is {status.lower()}.")
        return data


class RagOverrideForm(GovukFormMixin, forms.Form):
    rag = forms.ChoiceField(
        label="RAG",
        choices=Action.RagOverride.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select red, amber, green or no override."},
    )
    reason = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        widget=_Textarea(),
        error_messages={"max_length": f"Reason must be {TEXT_MAX} characters or fewer."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("rag") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for overriding the RAG.")
        return data


class ArchiveForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PriorityForm(GovukFormMixin, forms.Form):
    portfolio = forms.ModelChoiceField(
        queryset=Portfolio.objects.all(),
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Select the portfolio."},
    )
    title = forms.CharField(
        label="Priority",
        max_length=500,
        widget=_Textarea(rows=2),
        error_messages={
            "required": "Enter the priority.",
            "max_length": "Priority must be 500 characters or fewer.",
        },
    )


class ActionForm(GovukFormMixin, forms.Form):
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.filter(archived_at__isnull=True).select_related("portfolio"),
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Select the priority."},
    )
    description = forms.CharField(
        label="Action",
        max_length=DESCRIPTION_MAX,
        widget=_Textarea(rows=5),
        error_messages={
            "required": "Enter the action.",
            "max_length": f"Action must be {DESCRIPTION_MAX} characters or fewer.",
        },
    )
    owner_team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Select the owner team."},
    )
    lead_officer = forms.CharField(
        label="Lead officer (optional)", required=False, max_length=120, widget=_Text()
    )
    timescale_text = forms.CharField(
        label="Timescale",
        max_length=100,
        required=False,
        widget=_Text("govuk-input--width-20"),
        help_text="As you would write it, for example 'March 2023' or 'April 2023 to March 2024'.",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(
        choices=Action.Status.choices, initial=Action.Status.NOT_STARTED, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].label_from_instance = lambda p: f"{p.portfolio}: {p.title}"


class ActionDetailsForm(GovukFormMixin, forms.Form):
    """Edit an action's wording, lead officer, timescale and themes (owner team: lead commissioners)."""

    description = forms.CharField(
        label="Action",
        max_length=DESCRIPTION_MAX,
        widget=_Textarea(rows=6),
        error_messages={
            "required": "Enter the action.",
            "max_length": f"Action must be {DESCRIPTION_MAX} characters or fewer.",
        },
    )
    lead_officer = forms.CharField(
        label="Lead officer (optional)",
        required=False,
        max_length=120,
        widget=_Text(),
        error_messages={"max_length": "Lead officer must be 120 characters or fewer."},
    )
    timescale_text = forms.CharField(
        label="Timescale",
        max_length=100,
        required=False,
        widget=_Text("govuk-input--width-20"),
        help_text="As you would write it, for example 'March 2023' or 'April 2023 to March 2024'. "
        "The due date is read from it.",
        error_messages={"max_length": "Timescale must be 100 characters or fewer."},
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    owner_team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        help_text="Only lead commissioners can move an action to another team.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, can_move_team: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_move_team:
            del self.fields["owner_team"]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d")


class ReplanForm(GovukFormMixin, forms.Form):
    """A lead commissioner re-plans an action: a revised due date and/or a review date, with the reason."""

    revised_due_date = forms.DateField(
        label="Revised due date",
        required=False,
        widget=_DateInput(),
        help_text="Leave blank to use the timescale as written in the strategy.",
        error_messages={"invalid": "Enter the revised due date as a real date, for example 31 March 2027."},
    )
    review_date = forms.DateField(
        label="Review date",
        required=False,
        widget=_DateInput(),
        help_text="When to look at the action again. From that day its RAG is amber until it is re-planned.",
        error_messages={"invalid": "Enter the review date as a real date, for example 30 June 2027."},
    )
    reason = forms.CharField(
        label="Reason for re-planning",
        required=False,
        max_length=TEXT_MAX,
        widget=_Textarea(),
        error_messages={"max_length": f"Reason must be {TEXT_MAX} characters or fewer."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
