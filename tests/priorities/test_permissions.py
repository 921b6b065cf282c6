import pytest
from django.urls import reverse

from priorities.models import StatusUpdate

EDIT_VIEWS = ["priorities:action_status_update", "priorities:action_rag_override", "priorities:action_edit"]


@pytest.mark.parametrize("name", EDIT_VIEWS)
def test_manager_refused(cr_action, manager_client, name):
    url = reverse(name, args=[cr_action.pk])
    assert manager_client.get(url).status_code == 403
    response = manager_client.post(
        url, {"status": "Complete", "comment": "x", "rag": "green", "reason": "x", "version": 1}
    )
    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()
    assert not StatusUpdate.objects.exists()
    cr_action.refresh_from_db()
    assert cr_action.version == 1


@pytest.mark.parametrize("name", EDIT_VIEWS)
def test_data_admin_refused(cr_action, data_admin_client, name):
    assert data_admin_client.post(reverse(name, args=[cr_action.pk]), {"version": 1}).status_code == 403


@pytest.mark.parametrize("name", EDIT_VIEWS)
def test_commissioner_of_another_team_refused(other_action, commissioner_client, name):
    url = reverse(name, args=[other_action.pk])
    response = commissioner_client.post(url, {"status": "Complete", "comment": "x", "version": 1})
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_commissioner_cannot_manage_strategy(cr_action, commissioner_client):
    assert (
        commissioner_client.post(
            reverse("priorities:action_archive", args=[cr_action.pk]), {"version": 1}
        ).status_code
        == 403
    )
    assert commissioner_client.get(reverse("priorities:priority_create")).status_code == 403
    assert commissioner_client.get(reverse("priorities:action_create")).status_code == 403
    assert (
        commissioner_client.post(
            reverse("priorities:priority_archive", args=[cr_action.priority_id])
        ).status_code
        == 403
    )


def test_lead_edits_another_team(other_action, lead_commissioner_client):
    url = reverse("priorities:action_status_update", args=[other_action.pk])
    response = lead_commissioner_client.post(url, {"status": "Launched", "version": 1})
    assert response.status_code == 302


def test_login_required(cr_action, client):
    response = client.get(reverse("priorities:action_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]
