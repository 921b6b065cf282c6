"""The priorities forms' own rules (priorities/forms.py): what each refuses, in the words a user sees."""

import pytest

from priorities.forms import ActionDetailsForm, RagOverrideForm, ReplanForm, StatusUpdateForm
from priorities.models import Action


@pytest.mark.parametrize("status", ["On hold", "Complete", "Cancelled"])
def test_status_update_needs_a_comment_for_hold_complete_and_cancel(status):
    form = StatusUpdateForm({"status": status, "comment": "  ", "version": 1})
    assert not form.is_valid()
    assert form.errors["comment"] == [f"Enter a comment explaining why the action is {status.lower()}."]
    assert StatusUpdateForm({"status": status, "comment": "Done at board", "version": 1}).is_valid()


def test_status_update_without_a_comment_for_progress():
    assert StatusUpdateForm({"status": "In progress", "version": 1}).is_valid()


def test_status_update_refuses_an_unknown_status_and_a_bad_link():
    form = StatusUpdateForm({"status": "Finished", "evidence_url": "not a link", "version": 1})
    assert not form.is_valid()
    assert form.errors["status"] == ["Select a status from the list."]
    assert form.errors["evidence_url"] == [
        "Enter the evidence link as a full web address, like https://example.org/report"
    ]


def test_status_update_takes_a_bare_domain_as_https():
    form = StatusUpdateForm({"status": "In progress", "evidence_url": "example.org/minutes", "version": 1})
    assert form.is_valid()
    assert form.cleaned_data["evidence_url"] == "https://example.org/minutes"


def test_a_rag_override_needs_a_reason_and_clearing_it_does_not():
    form = RagOverrideForm({"rag": Action.RagOverride.RED, "reason": "", "version": 2})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Enter the reason for overriding the RAG."]
    assert RagOverrideForm({"rag": "", "reason": "", "version": 2}).is_valid()


def test_replan_refuses_an_impossible_date():
    form = ReplanForm({"revised_due_date": "2027-02-30", "version": 1})
    assert not form.is_valid()
    assert form.errors["revised_due_date"] == [
        "Enter the revised due date as a real date, for example 31 March 2027."
    ]


@pytest.mark.django_db
def test_only_lead_commissioners_get_the_owner_team_field():
    assert "owner_team" not in ActionDetailsForm()
    assert "owner_team" in ActionDetailsForm(can_move_team=True).fields
