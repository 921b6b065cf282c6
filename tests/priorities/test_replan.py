"""Re-planning an action: a lead commissioner sets a revised due date and/or a review date, with a reason;
the timescale as written in the strategy is kept and the change is in the history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from priorities import selectors, services
from priorities.models import Action
from sufficiency.roles import COMMISSIONER, LEAD_COMMISSIONER
from tests.factories import ActionFactory, TeamFactory, UserFactory


@pytest.fixture
def team(db):
    return TeamFactory(name="Commissioning and Resources")


@pytest.fixture
def lead(team):
    return UserFactory(role=LEAD_COMMISSIONER, teams=[team])


@pytest.fixture
def late_action(team):
    return ActionFactory(
        owner_team=team, timescale_text="By March 2022", due_start=date(2021, 4, 1), due_end=date(2022, 3, 31)
    )


def _replan(action, user, **kwargs):
    action = selectors.action_for_form(pk=action.pk)
    defaults = {"revised_due_date": None, "review_date": None, "reason": ""}
    return services.action_replan(
        action=action, user=user, expected_version=action.version, **{**defaults, **kwargs}
    )


def test_revised_due_date_keeps_the_original_and_changes_the_rag(late_action, lead):
    assert late_action.rag().code == "red"

    _replan(late_action, lead, revised_due_date=date(2030, 3, 31), reason="Strategy refreshed for 2026")

    action = Action.objects.get(pk=late_action.pk)
    assert action.due_end == date(2022, 3, 31) and action.timescale_text == "By March 2022"
    assert action.revised_due_date == date(2030, 3, 31)
    assert action.rag().code == "green" and "revised due date" in action.rag().rule
    assert not Action.objects.late(date(2026, 12, 1)).filter(pk=action.pk).exists()
    entry = selectors.action_history(action=action)[0]
    assert entry.reason.startswith("Re-planned: due 31 March 2030")
    assert ("Revised due date", "(none)", "2030-03-31") in entry.changes


def test_replanning_twice_keeps_each_revision_in_the_history(late_action, lead):
    _replan(late_action, lead, revised_due_date=date(2027, 3, 31), reason="First re-plan")
    _replan(late_action, lead, revised_due_date=date(2028, 3, 31), reason="Provider delayed")

    revisions = [r.revised_due_date for r in late_action.history.order_by("history_date")]
    assert revisions == [None, date(2027, 3, 31), date(2028, 3, 31)]


def test_a_reason_is_required(late_action, lead):
    with pytest.raises(ValidationError) as err:
        _replan(late_action, lead, review_date=date(2027, 1, 1))
    assert "reason" in err.value.message_dict
    assert Action.objects.get(pk=late_action.pk).review_date is None


def test_revised_date_before_the_start_is_refused(late_action, lead):
    with pytest.raises(ValidationError):
        _replan(late_action, lead, revised_due_date=date(2020, 1, 1), reason="Typo")
    assert Action.objects.get(pk=late_action.pk).revised_due_date is None


def test_a_commissioner_cannot_replan(late_action, team):
    commissioner = UserFactory(role=COMMISSIONER, teams=[team])
    with pytest.raises(PermissionDenied):
        _replan(late_action, commissioner, revised_due_date=date(2030, 1, 1), reason="Mine")


def test_clearing_the_plan_goes_back_to_the_timescale(late_action, lead):
    _replan(late_action, lead, revised_due_date=date(2030, 3, 31), reason="Re-planned")
    _replan(late_action, lead)
    action = Action.objects.get(pk=late_action.pk)
    assert action.revised_due_date is None and action.replan_reason == "" and action.rag().code == "red"


def test_replan_page_saves_and_shows_on_the_action_page(client, late_action, lead):
    client.force_login(lead)
    url = reverse("priorities:action_replan", args=[late_action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "revised_due_date": "2030-03-31",
            "review_date": "2027-06-30",
            "reason": "Refreshed strategy",
            "version": late_action.version,
        },
    )
    assert response.status_code == 302
    page = client.get(late_action.get_absolute_url()).content.decode()
    assert "Revised due date: 31 March 2030" in page and "Review date: 30 June 2027" in page
    assert "By March 2022" in page  # the timescale as written is still shown


def test_replan_page_shows_errors_and_saves_nothing(client, late_action, lead):
    client.force_login(lead)
    url = reverse("priorities:action_replan", args=[late_action.pk])
    response = client.post(url, {"revised_due_date": "31/02/2030", "reason": "", "version": late_action.version})
    assert response.status_code == 200
    assert "Enter the revised due date as a real date" in response.content.decode()
    assert Action.objects.get(pk=late_action.pk).revised_due_date is None


def test_replan_page_is_forbidden_to_a_commissioner(client, late_action, team):
    client.force_login(UserFactory(role=COMMISSIONER, teams=[team]))
    assert client.get(reverse("priorities:action_replan", args=[late_action.pk])).status_code == 403


def test_my_actions_lists_the_users_team_actions(client, late_action, team):
    other = ActionFactory(due_end=date(2022, 3, 31))
    client.force_login(UserFactory(role=COMMISSIONER, teams=[team]))
    page = client.get(reverse("priorities:my_actions")).content.decode()
    assert str(late_action) in page and str(other) not in page
    assert reverse("priorities:action_status_update", args=[late_action.pk]) in page
    assert "Red: past its due date" in page
