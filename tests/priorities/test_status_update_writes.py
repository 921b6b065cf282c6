"""How a status update is written: its history record is the saved row, the claim comes last and a lost
claim leaves nothing behind. The two-session races are in test_concurrency.py (PostgreSQL)."""

import pytest
from django.db import transaction
from django.urls import reverse

from priorities import services
from priorities.models import Action, StatusUpdate


def test_history_record_is_the_saved_row(cr_action, commissioner):
    update = services.action_update_status(
        action=cr_action,
        user=commissioner,
        to_status="Complete",
        comment="Unit opened",
        progress_note="Open since May",
        expected_version=1,
    )
    row = Action.objects.get(pk=cr_action.pk)
    record = row.history.first()
    assert (record.version, record.history_type, record.history_user) == (2, "~", commissioner)
    assert record.history_change_reason == "Status: In progress → Complete"
    for field in Action._meta.concrete_fields:
        assert getattr(record, field.attname) == getattr(row, field.attname), field.name
    assert record.history_date == row.updated_at == update.created_at
    assert row.history.count() == 2  # the seed's record and this one
    # The caller's object now shows the saved row.
    assert (cr_action.status, cr_action.version, cr_action.progress_note) == ("Complete", 2, "Open since May")


def test_caller_copy_older_than_the_form_is_read_again(cr_action, commissioner):
    """A form at version 2 saved with an object read at version 1: saved, from the row as it is now."""
    services.action_override_rag(
        action=Action.objects.get(pk=cr_action.pk),
        user=commissioner,
        rag="red",
        reason="Late",
        expected_version=1,
    )
    assert cr_action.version == 1  # this object has not seen the override
    services.action_update_status(
        action=cr_action, user=commissioner, to_status="Launched", expected_version=2
    )
    record = Action.history.filter(id=cr_action.pk, version=3).get()
    assert (record.status, record.rag_override, record.rag_override_reason) == ("Launched", "red", "Late")
    row = Action.objects.get(pk=cr_action.pk)
    assert (row.status, row.rag_override, row.version) == ("Launched", "red", 3)


def test_caller_copy_newer_than_the_form_is_a_conflict(cr_action, commissioner, lead_commissioner):
    services.action_update_status(
        action=cr_action, user=lead_commissioner, to_status="On hold", comment="Paused", expected_version=1
    )
    with pytest.raises(services.ConflictError) as exc:
        services.action_update_status(
            action=cr_action, user=commissioner, to_status="Launched", expected_version=1
        )
    assert [c.history_user for c in exc.value.changes] == [lead_commissioner]
    assert exc.value.current.version == 2
    assert StatusUpdate.objects.count() == 1


def test_a_status_changed_elsewhere_is_never_overwritten(cr_action, commissioner):
    """Even a write that did not bump the version (a bulk update) makes the claim fail; nothing is kept."""
    Action.objects.filter(pk=cr_action.pk).update(status="Launched")
    records = Action.history.filter(id=cr_action.pk).count()
    with transaction.atomic():  # the caller's own transaction survives the lost claim
        with pytest.raises(services.ConflictError):
            services.action_update_status(
                action=cr_action, user=commissioner, to_status="Complete", comment="Done", expected_version=1
            )
        assert not StatusUpdate.objects.exists()
        assert Action.history.filter(id=cr_action.pk).count() == records
    row = Action.objects.get(pk=cr_action.pk)
    assert (row.status, row.version) == ("Launched", 1)


def test_status_post_queries_do_not_grow_with_history(cr_action, commissioner, commissioner_client):
    url = reverse("priorities:action_status_update", args=[cr_action.pk])
    for version in (1, 2, 3):
        services.action_update_status(
            action=Action.objects.get(pk=cr_action.pk),
            user=commissioner,
            to_status="Launched" if version % 2 else "In progress",
            expected_version=version,
        )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def post(version: int, status: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = commissioner_client.post(url, {"status": status, "comment": "x", "version": version})
        assert response.status_code == 302
        return len(queries)

    few = post(4, "In progress")
    for version in range(5, 25):
        services.action_update_status(
            action=Action.objects.get(pk=cr_action.pk),
            user=commissioner,
            to_status="Launched" if version % 2 else "In progress",
            expected_version=version,
        )
    assert post(25, "Complete") == few
    # Session, user, action and its teams, the user's roles and teams; then the two records and the claim.
    assert few <= 12


def test_conflict_page_shows_the_action_as_it_is_now(
    cr_action, commissioner_client, lead_commissioner_client
):
    url = reverse("priorities:action_status_update", args=[cr_action.pk])
    lead_commissioner_client.post(url, {"status": "On hold", "comment": "Waiting for funding", "version": 1})
    response = commissioner_client.post(url, {"status": "Complete", "comment": "All done", "version": 1})
    assert response.status_code == 200
    shown = response.context["action"]
    assert (shown.status, shown.version) == ("On hold", 2)
    assert "Current status: <strong" in response.content.decode() and ">On hold</strong>" in (
        response.content.decode()
    )


def test_action_page_shows_the_latest_changes_and_links_to_every_change(cr_action, commissioner, client):
    for i in range(22):
        services.action_update_status(
            action=cr_action,
            user=commissioner,
            to_status="On hold" if i % 2 == 0 else "In progress",
            comment=f"Update {i}",
            expected_version=cr_action.version,
        )
    client.force_login(commissioner)
    url = reverse("priorities:action_detail", args=[cr_action.pk])
    page = client.get(url).content.decode()
    assert "Update 21" in page and "Update 1<" not in page
    assert "Showing the latest 20 of 22 status updates." in page
    assert "Showing the latest 20 of 23 changes." in page
    everything = client.get(url, {"history": "all"}).content.decode()
    assert "Update 0<" in everything and "Showing the latest" not in everything


def test_action_page_and_status_form_queries_do_not_grow_with_history(cr_action, commissioner, commissioner_client):
    """The page a status save lands on, and the form, read a fixed number of rows however long the history:
    session, user, the action with its themes and teams, the latest updates and changes with their counts,
    the user's roles, teams and permissions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    detail = reverse("priorities:action_detail", args=[cr_action.pk])
    form = reverse("priorities:action_status_update", args=[cr_action.pk])

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert commissioner_client.get(url).status_code == 200
        return len(queries)

    def save(n: int) -> None:
        for version in range(cr_action.version, cr_action.version + n):
            services.action_update_status(
                action=Action.objects.get(pk=cr_action.pk),
                user=commissioner,
                to_status="Launched" if version % 2 else "In progress",
                comment=f"Update {version}",
                expected_version=version,
            )
            cr_action.version = version + 1

    save(2)
    few = count(detail), count(form)
    save(30)
    assert (count(detail), count(form)) == few
    assert few[0] <= 15 and few[1] <= 7
