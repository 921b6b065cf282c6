"""The shared optimistic lock: a compare-and-set on `version`, a conflict that lists the other person's
changes, and the form given back with the current version. Run on a FLOURISH measure (a versioned,
historied row); the priorities and FLOURISH services' own races are in their test_concurrency.py."""

import pytest
from django import forms
from django.db import transaction
from django.http import QueryDict

from flourish.models import Measure
from sufficiency.concurrency import ConflictError, claim, conflict_form, lock_and_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(manager):
    row = Measure(code="m1", title="A measure")
    row._history_user = manager
    row.save()
    return row


def _save_as(user, expected_version, title, measure):
    with transaction.atomic():
        row = lock_and_claim(Measure, pk=measure.pk, expected_version=expected_version)
        row.title = title
        row._history_user = user
        row._change_reason = f"Title: {title}"
        row.save()
    return row


def test_claim_bumps_the_version_only_from_the_version_seen(measure):
    assert claim(Measure, pk=measure.pk, expected_version=1, title="Claimed") is True
    measure.refresh_from_db()
    assert (measure.version, measure.title) == (2, "Claimed")
    assert claim(Measure, pk=measure.pk, expected_version=1, title="Stale") is False
    measure.refresh_from_db()
    assert (measure.version, measure.title) == (2, "Claimed")


def test_claim_checks_the_extra_conditions(measure):
    assert claim(Measure, pk=measure.pk, expected_version=1, where={"unit": "%"}, title="No") is False
    assert claim(Measure, pk=measure.pk, expected_version=1, where={"unit": ""}, title="Yes") is True
    assert Measure.objects.get(pk=measure.pk).title == "Yes"


def test_lock_and_claim_returns_the_row_as_it_is_now(measure):
    Measure.objects.filter(pk=measure.pk).update(unit="%")  # changed since `measure` was read
    with transaction.atomic():
        row = lock_and_claim(Measure, pk=measure.pk, expected_version=1)
    assert (row.version, row.unit) == (2, "%")


def test_a_stale_save_writes_nothing_and_lists_the_other_change(measure, manager, commissioner):
    _save_as(manager, 1, "First", measure)
    with pytest.raises(ConflictError) as info:
        _save_as(commissioner, 1, "Second", measure)
    conflict = info.value
    assert Measure.objects.get(pk=measure.pk).title == "First"
    assert (conflict.current.version, conflict.current.title, conflict.expected_version) == (2, "First", 1)
    assert [(c.history_user, c.history_change_reason) for c in conflict.changes] == [
        (manager, "Title: First")
    ]
    assert str(conflict) == (
        "Someone else changed this measure after you opened the form, so your change was not saved."
    )
    assert Measure.history.filter(id=measure.pk).count() == 2  # created, First: nothing from the stale save


def test_conflict_reads_the_current_row_with_the_callers_reader(measure):
    Measure.objects.filter(pk=measure.pk).update(version=5)
    seen = []

    def current(pk):
        seen.append(pk)
        return Measure.objects.get(pk=pk)

    with pytest.raises(ConflictError) as info:
        lock_and_claim(Measure, pk=measure.pk, expected_version=1, current=current, noun="register entry")
    assert seen == [measure.pk]
    assert info.value.current.version == 5
    assert str(info.value).startswith("Someone else changed this register entry after")


class _TitleForm(forms.Form):
    title = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput)


def test_conflict_form_keeps_the_input_with_the_current_version(measure, manager):
    _save_as(manager, 1, "First", measure)
    with pytest.raises(ConflictError) as info:
        _save_as(manager, 1, "Mine", measure)
    form = conflict_form(_TitleForm, QueryDict("title=Mine&version=1"), info.value)
    assert form["title"].value() == "Mine"
    assert form["version"].value() == "2"  # a deliberate resubmit now saves
    assert form.non_field_errors() == [
        str(info.value) + " Check their change below, then save again if yours still applies."
    ]
    plain = conflict_form(_TitleForm, QueryDict("title=Mine&version=1"), info.value, resubmit=False)
    assert plain.non_field_errors() == [str(info.value)]


def test_locked_edit_saves_a_valid_form_and_puts_service_errors_on_it():
    from django import forms
    from django.core.exceptions import ValidationError

    from sufficiency.concurrency import locked_edit

    class Form(forms.Form):
        name = forms.CharField()
        version = forms.IntegerField()

    saved = locked_edit(Form({"name": "a", "version": "3"}), lambda data: (data["name"], data["version"]))
    assert saved.saved and saved.result == ("a", 3) and saved.conflict is None

    invalid = locked_edit(Form({"version": "3"}), lambda data: pytest.fail("an invalid form is not saved"))
    assert not invalid.saved and "name" in invalid.form.errors

    def refuse(data):
        raise ValidationError({"name": "Taken", "other": "Not a field"})

    refused = locked_edit(Form({"name": "a", "version": "3"}), refuse)
    assert not refused.saved
    assert refused.form.errors["name"] == ["Taken"] and refused.form.non_field_errors() == ["Not a field"]
