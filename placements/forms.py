from django import forms
from django.conf import settings

from sufficiency.forms import GovukFormMixin
from sufficiency.models import LocalAuthority


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if not data:
            single(None, initial)  # raises "required"
            return []
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ReturnUploadForm(GovukFormMixin, forms.Form):
    la = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.las(),
        to_field_name="code",
        empty_label="Choose an authority",
        error_messages={"required": "Choose the authority the return belongs to"},
    )
    collection_year = forms.IntegerField(
        label="Collection year",
        min_value=2010,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        help_text="The year the collection ends: for 2019 to 2020 enter 2020.",
        error_messages={
            "required": "Enter the collection year, for example 2020",
            "invalid": "Collection year must be a year, for example 2020",
            "min_value": "Collection year must be 2010 or later",
            "max_value": "Collection year must be 2100 or earlier",
        },
    )
    files = MultipleFileField(
        label="Return files",
        allow_empty_file=True,  # clean_files names each empty file
        help_text="Several CSV files, a zip of them, one .xlsx workbook with a sheet per table, or the XML file.",
        error_messages={"required": "Choose the return's files"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["la"].queryset = LocalAuthority.objects.visible_to(user).order_by(
                "is_synthetic", "name"
            )

    def clean_files(self):
        files = self.cleaned_data["files"]
        total = sum(f.size for f in files)
        if total > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The files are {total / 1_048_576:.0f} MB together: the most the portal takes is "
                f"{settings.MAX_UPLOAD_BYTES / 1_048_576:.0f} MB"
            )
        if any(f.size == 0 for f in files):
            raise forms.ValidationError("A file is empty: " + ", ".join(f.name for f in files if f.size == 0))
        return files


class ReferenceUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A CSV file or an .xlsx workbook.",
        error_messages={"required": "Choose a file"},
    )
