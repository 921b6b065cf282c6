"""The front-page reads of priorities: a team's actions needing attention, slipping actions, priorities
with no live action, what changed since a date, and the history listing a status change once."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from priorities import selectors, services
from priorities.models import Action, StatusUpdate
from sufficiency.roles import COMMISSIONER, LEAD_COMMISSIONER
from tests.factories import ActionFactory, PriorityFactory, TeamFactory, UserFactory

TODAY = date(2026, 12, 1)


def _update(action, user, to_status, *, when=None, comment="Update"):
    """A status update as the service writes it (optionally back-dated)."""
    action = selectors.action_for_form(pk=action.pk)
    update = services.action_update_status(
        action=action, user=user, to_status=to_status, comment=comment, expected_version=action.version
    )
    if when is not None:
        StatusUpdate.objects.filter(pk=update.pk).update(created_at=when)
    return update


@pytest.fixture
def team(db):
    return TeamFactory(name="Commissioning and Resources")


@pytest.fixture
def commissioner(team):
    return UserFactory(role=COMMISSIONER, teams=[team])


def test_team_actions_puts_overdue_and_due_soon_first_and_leaves_out_closed_and_other_teams(team, commissioner):
    overdue = ActionFactory(owner_team=team, due_end=date(2026, 6, 30))
    soon = ActionFactory(owner_team=team, due_end=date(2026, 12, 20))
    later = ActionFactory(owner_team=team, due_end=date(2027, 12, 31))
    launched = ActionFactory(owner_team=team, due_end=date(2025, 3, 31), status="Launched")
    ActionFactory(owner_team=team, due_end=date(2025, 3, 31), status="Complete")
    ActionFactory(due_end=date(2025, 3, 31))  # another team's
    co_owned = ActionFactory(due_end=date(2026, 1, 31))
    co_owned.co_owner_teams.add(team)

    data = selectors.team_actions(user=commissioner, today=TODAY)

    assert [a.pk for a in data["attention"]] == [co_owned.pk, overdue.pk, soon.pk]
    assert {a.pk for a in data["rest"]} == {later.pk, launched.pk}
    assert data["attention"][0].rag_result.code == "red"
    assert "past its due date" in data["attention"][0].rag_result.rule


def test_team_actions_for_a_user_without_a_team_is_empty(db):
    ActionFactory(due_end=date(2025, 3, 31))
    assert selectors.team_actions(user=UserFactory(role=COMMISSIONER), today=TODAY)["attention"] == []


def test_an_update_takes_a_stale_action_off_the_attention_list(team, commissioner):
    action = ActionFactory(owner_team=team, due_end=date(2028, 3, 31))
    Action.objects.filter(pk=action.pk).update(created_at=timezone.now() - timedelta(days=100))
    today = timezone.localdate()
    assert [a.pk for a in selectors.team_actions(user=commissioner, today=today)["attention"]] == [action.pk]
    assert "no status update for 8 weeks" in selectors.team_actions(user=commissioner, today=today)[
        "attention"
    ][0].rag_result.rule

    _update(action, commissioner, "In progress", comment="Provider meetings held")

    assert selectors.team_actions(user=commissioner, today=today)["attention"] == []


def test_slipping_actions_by_portfolio_with_reasons(team, commissioner):
    today = timezone.localdate()
    overdue = ActionFactory(owner_team=team, due_end=today - timedelta(days=1))
    backwards = ActionFactory(owner_team=team, due_end=today + timedelta(days=300), status="In progress")
    _update(backwards, commissioner, "Not started", comment="Provider withdrew")
    stale = ActionFactory(owner_team=team, due_end=today + timedelta(days=300))
    Action.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=60))
    fine = ActionFactory(owner_team=team, due_end=today + timedelta(days=300))
    launched_late = ActionFactory(owner_team=team, due_end=today - timedelta(days=100), status="Launched")
    Action.objects.filter(pk__in=[fine.pk, launched_late.pk]).update(created_at=timezone.now())

    sections = selectors.slipping_actions(today=today)
    reasons = {a.pk: a.slipping_reasons for s in sections for a in s.actions}

    assert set(reasons) == {overdue.pk, backwards.pk, stale.pk}
    assert reasons[overdue.pk][0].startswith("Overdue since")
    assert reasons[backwards.pk] == ["Moved back from In progress to Not started"]
    assert reasons[stale.pk] == ["No status update for 8 weeks or more"]
    assert all(a.priority.portfolio == s.portfolio for s in sections for a in s.actions)


def test_priorities_without_live_action(db):
    done = PriorityFactory()
    ActionFactory(priority=done, status="Complete")
    ActionFactory(priority=done, status="Cancelled")
    empty = PriorityFactory()
    live = PriorityFactory()
    ActionFactory(priority=live, status="Not started")
    archived_action_only = PriorityFactory()
    ActionFactory(priority=archived_action_only, archived_at=timezone.now())
    PriorityFactory(archived_at=timezone.now())

    found = set(selectors.priorities_without_live_action())

    assert found == {done, empty, archived_action_only}


def test_action_changes_since_lists_status_changes_overrides_and_replans_not_progress_notes(team, commissioner):
    lead = UserFactory(role=LEAD_COMMISSIONER, teams=[team])
    moved = ActionFactory(owner_team=team, status="Not started")
    noted = ActionFactory(owner_team=team, status="In progress")
    old = ActionFactory(owner_team=team, status="Not started")
    _update(moved, commissioner, "In progress")
    _update(noted, commissioner, "In progress", comment="Still going")
    _update(old, commissioner, "In progress", when=timezone.now() - timedelta(days=40))
    replanned = selectors.action_for_form(pk=noted.pk)
    services.action_replan(
        action=replanned,
        user=lead,
        expected_version=replanned.version,
        revised_due_date=date(2028, 3, 31),
        review_date=None,
        reason="Market engagement took longer",
    )

    changes = selectors.action_changes_since(since=timezone.localdate() - timedelta(days=7))
    said = {(c.action.pk, c.what.split(":")[0]) for c in changes}

    assert said == {(moved.pk, "Status"), (noted.pk, "Re-planned")}


def test_history_lists_a_status_change_once(team, commissioner):
    action = ActionFactory(owner_team=team, status="Not started")
    _update(action, commissioner, "In progress")

    entry = selectors.action_history(action=action)[0]

    assert entry.reason == "Status: Not started → In progress"
    assert entry.changes == []  # the reason says it; the diff does not repeat it


def test_history_still_lists_changes_the_reason_does_not_say(team, commissioner):
    action = ActionFactory(owner_team=team, status="In progress", progress_note="")
    action = selectors.action_for_form(pk=action.pk)
    services.action_update_status(
        action=action,
        user=commissioner,
        to_status="Launched",
        comment="Live",
        progress_note="Service launched in May",
        expected_version=action.version,
    )

    entry = selectors.action_history(action=action)[0]

    assert entry.changes == [("Progress note", "(none)", "Service launched in May")]


@pytest.mark.parametrize("days_since_update", [0, 100])
def test_sql_rag_agrees_with_the_rule_for_replanned_reviewed_and_stale_actions(team, days_since_update):
    today = timezone.localdate()
    made = timezone.now() - timedelta(days=days_since_update)
    cases = []
    for status in ["In progress", "On hold", "Launched", "Not started", "Complete"]:
        for due_end in [None, today - timedelta(days=1), today, today + timedelta(days=61)]:
            for revised in [None, today - timedelta(days=3), today + timedelta(days=200)]:
                for review in [None, today, today + timedelta(days=5)]:
                    cases.append(
                        Action(
                            priority=cases[0].priority if cases else PriorityFactory(),
                            owner_team=team,
                            description="x",
                            status=status,
                            due_end=due_end,
                            revised_due_date=revised,
                            review_date=review,
                        )
                    )
    Action.objects.bulk_create(cases)
    Action.objects.update(created_at=made)
    codes = set()
    for action in Action.objects.with_rag(today):
        assert action.rag_code == action.rag(today).code, (
            action.status,
            action.due_end,
            action.revised_due_date,
            action.review_date,
        )
        codes.add(action.rag_code)
    assert codes >= {"red", "amber", "green", "none"}
