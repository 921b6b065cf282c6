"""Who may change priorities (priorities/rules.py), asked as the views ask: user.has_perm(name, action)."""

import pytest

from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER
from tests.factories import ActionFactory, TeamFactory, UserFactory


@pytest.fixture
def action(db):
    return ActionFactory(owner_team=TeamFactory(name="Owners"), co_owner_teams=[TeamFactory(name="Partners")])


@pytest.mark.parametrize(
    ("role", "teams", "may_edit"),
    [
        (COMMISSIONER, ["Owners"], True),
        (COMMISSIONER, ["Partners"], True),  # a co-owner team's commissioner edits too
        (COMMISSIONER, ["Elsewhere"], False),
        (COMMISSIONER, [], False),
        (LEAD_COMMISSIONER, [], True),  # every action, whatever their team
        (MANAGER, ["Owners"], False),  # read only, even in the owner team
        (DATA_ADMIN, ["Owners"], False),
        (None, ["Owners"], False),
    ],
)
def test_who_edits_an_action(action, role, teams, may_edit):
    user = UserFactory(role=role, teams=teams)
    assert user.has_perm("priorities.edit_action", action) is may_edit


@pytest.mark.parametrize(
    ("role", "may_manage"),
    [(LEAD_COMMISSIONER, True), (COMMISSIONER, False), (MANAGER, False), (DATA_ADMIN, False)],
)
def test_only_lead_commissioners_manage_the_strategy(db, role, may_manage):
    assert UserFactory(role=role).has_perm("priorities.manage_strategy") is may_manage


def test_an_action_and_an_anonymous_user_or_no_action(action):
    from django.contrib.auth.models import AnonymousUser

    assert not AnonymousUser().has_perm("priorities.edit_action", action)
    assert not UserFactory(role=COMMISSIONER, teams=["Owners"]).has_perm("priorities.edit_action", None)


def test_a_users_teams_are_read_once(action, django_assert_num_queries):
    from priorities.rules import in_action_team

    other = ActionFactory(owner_team=TeamFactory(name="Owners"))
    user = UserFactory(role=COMMISSIONER, teams=["Owners"])
    assert in_action_team(user, action)
    with django_assert_num_queries(1):  # the other action's co-owner teams only
        assert in_action_team(user, other)
