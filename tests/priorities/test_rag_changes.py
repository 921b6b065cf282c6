"""Actions whose RAG changed since a day: by time passing (a due date goes by) or by a change to the action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from priorities import selectors, services
from priorities.models import Action
from priorities.rag_changes import rag_changes_since
from sufficiency.roles import COMMISSIONER, MANAGER
from tests.factories import ActionFactory, TeamFactory, UserFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def team(db):
    return TeamFactory(name="Commissioning and Resources")


def _added_days_ago(action, days):
    """Backdate the action and its first history record, as if it had been added `days` ago."""
    when = timezone.now() - timedelta(days=days)
    Action.objects.filter(pk=action.pk).update(created_at=when)
    Action.history.filter(id=action.pk).update(history_date=when)
    return action


def _status(action, user, to):
    action = selectors.action_for_form(pk=action.pk)
    services.action_update_status(
        action=action, user=user, to_status=to, comment=f"Now {to}", expected_version=action.version
    )


def test_a_due_date_passing_since_the_day_is_a_change_from_amber_to_red(team, today):
    late = _added_days_ago(ActionFactory(owner_team=team, due_end=today - timedelta(days=3)), 30)
    _added_days_ago(ActionFactory(owner_team=team, due_end=today + timedelta(days=700)), 30)
    [change] = rag_changes_since(since=today - timedelta(days=7), today=today)
    assert change.action == late
    assert change.what.startswith("RAG: Amber on") and "Red now. Red: past its due date" in change.what


def test_a_launch_since_the_day_turns_a_late_action_green(team, today):
    action = _added_days_ago(ActionFactory(owner_team=team, due_end=today - timedelta(days=100)), 30)
    _status(action, UserFactory(role=COMMISSIONER, teams=[team]), "Launched")
    [change] = rag_changes_since(since=today - timedelta(days=7), today=today)
    assert change.action == action and change.what.startswith("RAG: Red on") and "Green now" in change.what


def test_stale_then_and_updated_since_is_a_change_from_amber_to_green(team, today):
    action = _added_days_ago(ActionFactory(owner_team=team, due_end=today + timedelta(days=700)), 120)
    assert rag_changes_since(since=today - timedelta(days=7), today=today) == []  # amber (stale) then and now
    _status(action, UserFactory(role=COMMISSIONER, teams=[team]), "In progress")
    [change] = rag_changes_since(since=today - timedelta(days=7), today=today)
    assert change.action == action and change.what.startswith("RAG: Amber on") and "Green now" in change.what


def test_an_update_before_the_day_counts_as_the_last_update_then(team, today):
    action = _added_days_ago(ActionFactory(owner_team=team, due_end=today + timedelta(days=700)), 120)
    _status(action, UserFactory(role=COMMISSIONER, teams=[team]), "In progress")
    action.status_updates.update(created_at=timezone.now() - timedelta(days=20))
    Action.history.filter(id=action.pk, history_type="~").update(
        history_date=timezone.now() - timedelta(days=20)
    )
    assert rag_changes_since(since=today - timedelta(days=7), today=today) == []  # green then and now


def test_an_action_added_after_the_day_is_not_a_rag_change(team, today):
    ActionFactory(owner_team=team, due_end=today - timedelta(days=3))
    assert rag_changes_since(since=today - timedelta(days=7), today=today) == []


def test_the_managers_front_page_lists_rag_changes_once(client, team, today):
    late = _added_days_ago(ActionFactory(owner_team=team, due_end=today - timedelta(days=3)), 30)
    overridden = _added_days_ago(ActionFactory(owner_team=team, due_end=today - timedelta(days=3)), 30)
    action = selectors.action_for_form(pk=overridden.pk)
    services.action_override_rag(
        action=action,
        user=UserFactory(is_superuser=True),
        rag="green",
        reason="Agreed at the board",
        expected_version=action.version,
    )
    client.force_login(UserFactory(role=MANAGER))
    body = client.get(f"/?since={today - timedelta(days=7):%Y-%m-%d}").content.decode()
    assert body.count(str(late)) == 1 and "Red now" in body
    assert body.count(str(overridden)) == 1 and "RAG override" in body
