from django import forms
from django.conf import settings

from placements.ssda903.codes import year_label
from sufficiency.forms import GovukFormMixin
from sufficiency.models import LocalAuthority

# The bounds of a collection year (the year ending 31 March), for the upload form and `import_903`.
FIRST_COLLECTION_YEAR = 2010
LAST_COLLECTION_YEAR = 2100
YEAR_MESSAGES = {
    "required": "Enter the collection year, for example 2020",
    "invalid": "Collection year must be a year, for example 2020",
    "min_value": f"Collection year must be {FIRST_COLLECTION_YEAR} or later",
    "max_value": f"Collection year must be {LAST_COLLECTION_YEAR} or earlier",
}


def collection_year_error(value: int | str | None) -> str | None:
    """What is wrong with a collection year given as text or a number, or None when it is a year we take."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return YEAR_MESSAGES["required"]
    if not text.isdigit():
        return YEAR_MESSAGES["invalid"]
    year = int(text)
    if year < FIRST_COLLECTION_YEAR:
        return YEAR_MESSAGES["min_value"]
    if year > LAST_COLLECTION_YEAR:
        return YEAR_MESSAGES["max_value"]
    return None


def authority_year_error(la: LocalAuthority, year: int) -> str | None:
    """Why `la` can have no return for the collection year ending 31 March `year` (it did not exist then)
    and which authority to choose instead, or None when it can. One rule for the browser and the command."""
    if la.existed_in(year):
        return None
    label = year_label(year)
    if la.last_collection_year is not None and year > la.last_collection_year:
        error = f"{la} has no return for {label}"
        others = [str(other) for other in la.successors.all()]
        return (
            f"{error}: from 1 April {la.last_collection_year} choose {_either(others)}" if others else error
        )
    error = f"{la.name} was formed on 1 April {la.first_collection_year - 1} and has no return for {label}"
    others = [str(other) for other in la.predecessors.all()]
    return f"{error}: before then choose {_either(others)}" if others else error


def _either(names: list[str]) -> str:
    """Names as a reader lists them: A; A or B; A, B or C."""
    return " or ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " or " + names[-1]


def upload_size_error(sizes: list[int]) -> str | None:
    """What is wrong with the total size of a return's files (bytes each), or None when the portal takes it.

    One rule for the browser and the command: the files of one return together may be at most
    settings.MAX_UPLOAD_BYTES.
    """
    total, most = sum(sizes), settings.MAX_UPLOAD_BYTES
    if total <= most:
        return None
    return f"The files are {_size(total)} together: the most the portal takes for one return is {_size(most)}"


def _size(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


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
        min_value=FIRST_COLLECTION_YEAR,
        max_value=LAST_COLLECTION_YEAR,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        help_text="The year the collection ends: for 2019 to 2020 enter 2020.",
        error_messages=YEAR_MESSAGES,
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
            self.fields["la"].queryset = LocalAuthority.objects.for_choosers(user)

    def clean(self):
        cleaned = super().clean()
        la, year = cleaned.get("la"), cleaned.get("collection_year")
        if la is not None and year is not None:
            error = authority_year_error(la, year)
            if error:
                self.add_error("collection_year", error)
        return cleaned

    def clean_files(self):
        files = self.cleaned_data["files"]
        too_big = upload_size_error([f.size for f in files])
        if too_big:
            raise forms.ValidationError(too_big)
        if any(f.size == 0 for f in files):
            raise forms.ValidationError("A file is empty: " + ", ".join(f.name for f in files if f.size == 0))
        return files


class ReferenceUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A CSV file or an .xlsx workbook.",
        error_messages={"required": "Choose a file"},
    )
