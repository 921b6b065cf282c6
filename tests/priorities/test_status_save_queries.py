"""The queries of a status save's three pages (the form, the save, the action page it lands on) stay few and
do not grow with the action's history: these pages are the busiest when many people edit at once
(benchmarks/bench_concurrent_edits.py)."""

import pytest
from django.urls import reverse

from priorities import selectors, services
from priorities.models import Action


@pytest.fixture
def long_history(cr_action, commissioner):
    """cr_action after 25 status updates (more than the action page shows), so every list is cut."""
    for version in range(1, 26):
        services.action_update_status(
            action=Action.objects.get(pk=cr_action.pk),
            user=commissioner,
            to_status="Launched" if version % 2 else "In progress",
            comment=f"Update {version}",
            expected_version=version,
        )
    return Action.objects.get(pk=cr_action.pk)


def test_action_page_reads_each_list_once_with_its_count(
    long_history, commissioner_client, django_assert_max_num_queries
):
    # Session, user, the action with its themes and teams, the latest updates and the latest changes (each
    # counted in the same query), the user's roles and teams; no permission tables, no second count.
    with django_assert_max_num_queries(9):
        response = commissioner_client.get(reverse("priorities:action_detail", args=[long_history.pk]))
    page = response.content.decode()
    assert "Showing the latest 20 of 25 status updates." in page
    assert "Showing the latest 20 of 26 changes." in page
    assert response.context["can_edit"] is True and response.context["can_manage"] is False


def test_action_page_rag_uses_the_latest_update_it_shows(long_history, commissioner_client):
    """The RAG's "last updated" is the newest status update, as when read on its own."""
    response = commissioner_client.get(reverse("priorities:action_detail", args=[long_history.pk]))
    latest = long_history.status_updates.order_by("-created_at").first().created_at
    assert response.context["action"].last_updated() == latest
    assert response.context["rag"] == Action.objects.get(pk=long_history.pk).rag()


def test_action_page_without_updates_dates_the_rag_from_when_the_action_was_added(
    cr_action, commissioner_client
):
    response = commissioner_client.get(reverse("priorities:action_detail", args=[cr_action.pk]))
    assert response.context["timeline_total"] == 0 and response.context["history_total"] == 1
    assert response.context["action"].last_updated() == cr_action.created_at


def test_lead_commissioner_sees_the_strategy_buttons(cr_action, lead_commissioner_client):
    response = lead_commissioner_client.get(reverse("priorities:action_detail", args=[cr_action.pk]))
    assert response.context["can_manage"] is True
    assert reverse("priorities:action_replan", args=[cr_action.pk]) in response.content.decode()


def test_status_form_queries(long_history, commissioner_client, django_assert_max_num_queries):
    # Session, user, the action with its teams, the user's roles and teams.
    with django_assert_max_num_queries(6):
        response = commissioner_client.get(reverse("priorities:action_status_update", args=[long_history.pk]))
    assert response.status_code == 200


def test_status_save_queries(long_history, commissioner_client, django_assert_max_num_queries):
    # Those of the form, then the transaction: the status update, the history record and the claim.
    url = reverse("priorities:action_status_update", args=[long_history.pk])
    with django_assert_max_num_queries(11):
        response = commissioner_client.post(url, {"status": "Complete", "comment": "Done", "version": 26})
    assert response.status_code == 302


def test_a_conflict_reads_the_action_once(long_history, commissioner_client, django_assert_max_num_queries):
    """The view has just read the action, newer than the form: the conflict is shown from that read, with
    the changes since the form's version, not from a second read of the action."""
    url = reverse("priorities:action_status_update", args=[long_history.pk])
    with django_assert_max_num_queries(7):
        response = commissioner_client.post(url, {"status": "Complete", "comment": "Done", "version": 24})
    assert response.status_code == 200
    conflict = response.context["conflict"]
    assert [c.version for c in conflict.changes] == [25, 26]
    assert response.context["action"].version == 26
    assert response.context["form"]["version"].value() == "26"  # a deliberate resubmit can now save


def test_history_diff_lists_changed_fields_by_name(cr_action, commissioner, lead_commissioner):
    """Fields other than the status are listed in field-name order, a foreign key by its id, as before."""
    services.action_update_status(
        action=cr_action, user=commissioner, to_status="Launched", progress_note="Opened", expected_version=1
    )
    services.action_override_rag(
        action=cr_action, user=lead_commissioner, rag="red", reason="Late", expected_version=2
    )
    entries = selectors.action_history(action=cr_action)
    assert entries[0].changes == [
        ("RAG override", "(none)", "red"),
        ("RAG override reason", "(none)", "Late"),
    ]
    assert entries[1].changes == [("Progress note", "(none)", "Opened")]
    entries, total = selectors.action_history_page(action=cr_action, limit=1)
    assert total == 3 and len(entries) == 1 and entries[0].changes
