"""The shared form pieces: GovukFormMixin's classes and aria-describedby, and the includes/_field.html and
includes/_error_summary.html partials every app's forms use (one set of ids: `id_<name>-hint`, `-error`)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from sufficiency.forms import GovukFormMixin, add_service_errors


class _Form(GovukFormMixin, forms.Form):
    period = forms.CharField(help_text="For example 2024.", widget=forms.TextInput(attrs={"class": "govuk-input"}))
    note = forms.CharField(required=False, widget=forms.Textarea)
    status = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def _field(form, name):
    return render_to_string("includes/_field.html", {"field": form[name]})


def _ids(html):
    return set(re.findall(r' id="([^"]+)"', html))


def test_a_form_first_shown_points_at_its_hint():
    form = _Form()
    html = _field(form, "period")
    assert 'aria-describedby="id_period-hint"' in html
    assert "id_period-hint" in _ids(html)
    assert form.fields["period"].widget.attrs["class"] == "govuk-input"  # not added twice
    assert "aria-describedby" not in _field(form, "note")
    assert "govuk-textarea" in form.fields["note"].widget.attrs["class"]


def test_a_form_with_errors_points_at_hint_and_error():
    form = _Form({"period": "", "note": "x", "status": "a"})
    assert not form.is_valid()
    html = _field(form, "period")
    assert 'aria-describedby="id_period-hint id_period-error"' in html
    assert {"id_period-hint", "id_period-error"} <= _ids(html)
    assert "govuk-input--error" in html and "govuk-form-group--error" in html
    # a field without errors or hint describes nothing
    assert "aria-describedby" not in _field(form, "note")


def test_every_described_id_is_on_the_page():
    form = _Form({"period": "", "status": ""})
    form.is_valid()
    html = _field(form, "period") + _field(form, "note")
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(described.split()) <= _ids(html)


def test_prefixed_forms_keep_their_ids_apart():
    form = _Form(prefix="second")
    assert 'aria-describedby="id_second-period-hint"' in _field(form, "period")


def test_error_summary_links_each_error_to_its_input():
    form = _Form({"period": "", "status": ""})
    form.is_valid()
    add_service_errors(form, ValidationError("Saved by someone else."))
    html = render_to_string("includes/_error_summary.html", {"form": form, "anchor": "conflict"})
    links = re.findall(r'<a href="#([^"]*)">([^<]+)</a>', html)
    assert links == [
        ("conflict", "Saved by someone else."),
        ("id_period", "This field is required."),
        ("id_status_0", "This field is required."),  # radios: the first option
    ]
    assert render_to_string("includes/_error_summary.html", {"form": _Form()}).strip() == ""


def test_error_summary_links_form_errors_to_the_main_content_by_default():
    form = _Form({"period": "2024", "status": "a"})
    form.is_valid()
    form.add_error(None, "Something else.")
    html = render_to_string("includes/_error_summary.html", {"form": form})
    assert '<a href="#main-content">Something else.</a>' in html
