"""The FLOURISH forms (flourish/forms.py): what each accepts, and the words of each refusal."""

from django.core.files.uploadedfile import SimpleUploadedFile

from flourish.forms import ActionLinkForm, RegisterForm, UploadForm, ValueForm
from flourish.models import TEXT_MAX
from flourish.periods import HELP as PERIOD_HELP
from tests.factories import ActionFactory, TeamFactory


def test_value_form_cleans_the_period_and_reads_numbers():
    form = ValueForm({"period": "  2023-24 ", "value": "54.5", "england": "60", "version": "1"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == "2023-24"
    assert (form.cleaned_data["value"], form.cleaned_data["england"], form.cleaned_data["region"]) == (
        54.5,
        60.0,
        None,
    )


def test_value_form_refusals_say_what_to_enter():
    form = ValueForm(
        {"period": "latest", "value": "", "region": "lots", "note": "x" * (TEXT_MAX + 1), "version": "1"}
    )
    assert not form.is_valid()
    assert form.errors["period"] == [PERIOD_HELP]
    assert form.errors["value"] == ["Enter the value."]
    assert form.errors["region"] == ["Enter the region as a number, like 54 or 20.1."]
    assert form.errors["note"] == [f"Note must be {TEXT_MAX} characters or fewer."]


def test_upload_form_takes_csv_or_xlsx_only():
    ok = UploadForm(files={"file": SimpleUploadedFile("values.CSV", b"measure_code\n")})
    assert ok.is_valid(), ok.errors
    wrong = UploadForm(files={"file": SimpleUploadedFile("values.pdf", b"%PDF")})
    assert wrong.errors["file"] == ["The file must be a CSV or an XLSX file."]
    assert UploadForm(files={}).errors["file"] == ["Choose a CSV or XLSX file."]


def test_action_link_form_offers_the_given_actions(db):
    one, two = ActionFactory(), ActionFactory()
    form = ActionLinkForm({"action": str(two.pk)}, actions=[one, two])
    assert [value for value, _ in form.fields["action"].choices] == ["", one.pk, two.pk]
    assert form.is_valid() and form.cleaned_data["action"] == two.pk
    other = ActionFactory()
    refused = ActionLinkForm({"action": str(other.pk)}, actions=[one])
    assert refused.errors["action"] == ["Select an action from the list."]


def test_register_form_chooses_among_teams_and_reads_dates(db):
    team = TeamFactory(name="Owners")
    form = RegisterForm({"owner_team": team.pk, "target": "80", "target_date": "2026-03-31", "version": "2"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner_team"] == team and str(form.cleaned_data["target_date"]) == "2026-03-31"
    bad = RegisterForm({"target_date": "31/02/2026", "frequency": "x" * 61, "version": "2"})
    assert bad.errors["target_date"] == ["Enter the target date as a real date, for example 2026-03-31."]
    assert bad.errors["frequency"] == ["Frequency must be 60 characters or fewer."]
