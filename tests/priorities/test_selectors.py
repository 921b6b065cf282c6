"""The reads of priorities/selectors.py: lists, counts, the matrices, history and the board pack."""

from datetime import timedelta

import pytest
from django.utils import timezone

from priorities import selectors, services
from priorities.models import Action, PortfolioTheme
from sufficiency.roles import COMMISSIONER
from tests.factories import ActionFactory, PortfolioFactory, PriorityFactory, ThemeFactory, UserFactory


def _days(n: int):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def owner(db):
    return UserFactory(role=COMMISSIONER)


def _update(action, user, to_status, comment="Noted"):
    user.teams.add(action.owner_team)
    action = selectors.action_for_form(pk=action.pk)
    return services.action_update_status(
        action=action, user=user, to_status=to_status, comment=comment, expected_version=action.version
    )


def test_actions_for_list_hides_archived_unless_asked_and_rates_each(db):
    late = ActionFactory(due_end=_days(-100))
    closed = ActionFactory(status="Complete", due_end=_days(-100))
    archived = ActionFactory(archived_at=timezone.now())
    under_archived = ActionFactory(priority=PriorityFactory(archived_at=timezone.now()))
    listed = selectors.actions_for_list()
    assert set(listed) == {late, closed}
    assert {a.pk: a.rag_code for a in listed} == {late.pk: "red", closed.pk: "none"}
    assert set(selectors.actions_for_list(include_archived=True)) == {late, closed, archived, under_archived}


def test_actions_by_ids_reads_only_those_and_archived_unless_asked(db):
    kept, archived, _other = ActionFactory(), ActionFactory(archived_at=timezone.now()), ActionFactory()
    assert set(selectors.actions_by_ids([kept.pk, archived.pk])) == {kept, archived}
    assert list(selectors.actions_by_ids([kept.pk, archived.pk], include_archived=False)) == [kept]
    assert list(selectors.actions_by_ids([])) == []


def test_action_timeline_is_newest_first_with_its_author(owner):
    action = ActionFactory()
    first = _update(action, owner, "On hold", "Waiting for funding")
    second = _update(action, owner, "In progress", "Funded")
    ActionFactory()  # another action's updates are not shown
    timeline = list(selectors.action_timeline(action=action))
    assert timeline == [second, first]
    assert timeline[0].user == owner


def test_action_history_lists_each_change_newest_first_with_its_reason(owner):
    action = ActionFactory(lead_officer="")
    _update(action, owner, "On hold", "Paused")
    Action.objects.get(pk=action.pk).save()  # a save that changes nothing
    row = Action.objects.get(pk=action.pk)
    row.lead_officer = "A. Officer"
    row.save()
    history = selectors.action_history(action=action)
    assert [e.kind for e in history] == ["Changed", "Changed", "Changed", "Added"]
    assert ("Lead officer", "(none)", "A. Officer") in history[0].changes
    status_entry = history[2]
    assert "Status: In progress → On hold" in status_entry.reason and status_entry.user == owner
    assert all(label == "Status" for label, _, _ in status_entry.changes)
    assert history[1].changes == []
    latest_two = selectors.action_history(action=action, limit=2)
    assert [e.when for e in latest_two] == [e.when for e in history[:2]]
    assert latest_two[0].changes == history[0].changes


def test_counts_by_status_lists_every_status_in_order_with_zeros(db):
    ActionFactory.create_batch(2, status="On hold")
    ActionFactory(status="Complete")
    counts = selectors.counts_by_status(Action.objects.all())
    assert list(counts) == list(Action.Status.values)
    assert counts == {s: {"On hold": 2, "Complete": 1}.get(s, 0) for s in Action.Status.values}


def test_overview_counts_active_actions_by_rag_and_late(db):
    ActionFactory.create_batch(2, due_end=_days(-30))  # red and late
    ActionFactory(due_end=_days(365))  # green
    ActionFactory(status="Cancelled", due_end=_days(-30))  # closed: not rated, not late
    ActionFactory(due_end=_days(-30), archived_at=timezone.now())  # archived: not counted
    counts = selectors.overview_counts()
    assert counts["total"] == 4 and counts["late"] == 2
    assert counts["by_rag"] == {"red": 2, "amber": 0, "green": 1, "none": 1}
    assert counts["by_status"]["In progress"] == 3 and counts["by_status"]["Cancelled"] == 1


def test_strategy_matrix_groups_cells_by_row_as_written(db):
    build, partner = ThemeFactory(name="Build", order=1), ThemeFactory(name="Partner", order=2)
    residential = PortfolioFactory(name="Residential & SIA")
    for order, label in [(2, "Semi Independent"), (1, "Residential")]:
        for theme in (partner, build):
            PortfolioTheme.objects.create(
                row_label=label, row_order=order, portfolio=residential, theme=theme, text="✓" * theme.order
            )
    themes, rows = selectors.strategy_matrix()
    assert themes == [build, partner]
    assert [r.label for r in rows] == ["Residential", "Semi Independent"]
    assert rows[0].portfolio == residential
    assert rows[0].cells == [(build, "✓"), (partner, "✓✓")]


def test_action_matrix_counts_an_action_under_each_of_its_themes(db):
    build, partner = ThemeFactory(name="Build"), ThemeFactory(name="Partner")
    portfolio, empty = PortfolioFactory(order=1), PortfolioFactory(order=2)
    ActionFactory(priority=PriorityFactory(portfolio=portfolio), themes=[build, partner])
    ActionFactory(priority=PriorityFactory(portfolio=portfolio), themes=[build])
    ActionFactory(priority=PriorityFactory(portfolio=portfolio), themes=[partner], archived_at=timezone.now())
    themes, rows = selectors.action_matrix()
    assert themes == [build, partner]
    assert rows == [(portfolio, [(build, 2), (partner, 1)]), (empty, [(build, 0), (partner, 0)])]


def test_actions_changed_since_counts_edits_and_status_updates(owner):
    long_ago = timezone.now() - timedelta(days=30)
    untouched, updated, edited = ActionFactory(), ActionFactory(), ActionFactory()
    Action.objects.filter(pk__in=[untouched.pk, updated.pk]).update(updated_at=long_ago)
    _update(updated, owner, "On hold", "Paused")
    Action.objects.filter(pk=updated.pk).update(updated_at=long_ago)
    changed = selectors.actions_changed_since(Action.objects.all(), _days(-7))
    assert set(changed) == {updated, edited}
    assert not selectors.actions_changed_since(Action.objects.all(), _days(1)).exists()


def test_board_pack_sections_follow_portfolio_order_with_updates_since(owner):
    second = PortfolioFactory(name="Fostering & Adoption", order=2)
    first = PortfolioFactory(name="Residential & SIA", order=1)
    PortfolioFactory(name="No actions", order=3)
    late = ActionFactory(priority=PriorityFactory(portfolio=first), due_end=_days(-30))
    fine = ActionFactory(priority=PriorityFactory(portfolio=first), due_end=_days(365))
    other = ActionFactory(priority=PriorityFactory(portfolio=second), due_end=_days(365))
    ActionFactory(priority=PriorityFactory(portfolio=second), archived_at=timezone.now())
    _update(fine, owner, "On hold", "Paused for the review")
    pack = selectors.board_pack(since=_days(0))
    assert [s.portfolio for s in pack["sections"]] == [first, second]
    assert [a.pk for a in pack["sections"][0].actions] == [late.pk, fine.pk]
    assert [a.pk for a in pack["sections"][1].actions] == [other.pk]
    [paused] = [a for a in pack["sections"][0].actions if a.pk == fine.pk]
    assert [u.comment for u in paused.updates_since] == ["Paused for the review"]
    summary = {row["portfolio"].name: row for row in pack["summary"]}
    assert summary["Residential & SIA"]["total"] == 2 and summary["Residential & SIA"]["late"] == 1
    assert summary["Residential & SIA"]["updated"] == 1 and summary["Fostering & Adoption"]["updated"] == 0
    assert summary["Residential & SIA"]["status"]["On hold"] == 1
    assert selectors.board_pack(since=_days(1))["summary"][0]["updated"] == 0
