"""The action list's filters (priorities/filters.py) on factory-built actions, without the views."""

from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from priorities.filters import ActionFilter
from priorities.models import Action
from priorities.selectors import actions_for_list
from sufficiency.roles import COMMISSIONER
from tests.factories import ActionFactory, PortfolioFactory, PriorityFactory, TeamFactory, UserFactory


def _filtered(params, user=None):
    request = RequestFactory().get("/priorities/", params)
    request.user = user or UserFactory()
    f = ActionFilter(params, queryset=actions_for_list(), request=request)
    assert f.is_valid(), f.errors
    return set(f.qs)


@pytest.fixture
def actions(db):
    ours, theirs = TeamFactory(name="Ours"), TeamFactory(name="Theirs")
    return {
        "crisis": ActionFactory(
            description="Open the crisis unit", owner_team=ours, themes=["Build"], due_end=date(2021, 6, 30)
        ),
        "fostering": ActionFactory(
            priority=PriorityFactory(portfolio=PortfolioFactory(name="Fostering"), title="More foster carers"),
            owner_team=theirs,
            co_owner_teams=[ours],
            lead_officer="Sam Example",
            status="On hold",
            due_end=timezone.localdate() + timedelta(days=365),
        ),
        "done": ActionFactory(owner_team=theirs, status="Complete", progress_note="Crisis line live"),
    }


def test_no_filter_lists_every_active_action(actions):
    assert _filtered({}) == set(actions.values())


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("crisis", {"crisis", "done"}),  # description or progress note
        ("FOSTER CARERS", {"fostering"}),  # the priority's title, any case
        ("sam example", {"fostering"}),  # lead officer
        ("Theirs", {"fostering", "done"}),  # owner team
        ("   ", {"crisis", "fostering", "done"}),
    ],
)
def test_search(actions, q, expected):
    assert _filtered({"q": q}) == {actions[k] for k in expected}


def test_team_means_owner_or_co_owner_and_mine_means_the_users_teams(actions):
    ours = Action.objects.get(pk=actions["crisis"].pk).owner_team
    assert _filtered({"team": ours.pk}) == {actions["crisis"], actions["fostering"]}
    me = UserFactory(role=COMMISSIONER, teams=["Theirs"])
    assert _filtered({"mine": "on"}, user=me) == {actions["fostering"], actions["done"]}


def test_status_portfolio_theme_and_due_date(actions):
    assert _filtered({"status": "On hold"}) == {actions["fostering"]}
    portfolio = actions["fostering"].priority.portfolio
    assert _filtered({"portfolio": portfolio.pk}) == {actions["fostering"]}
    build = actions["crisis"].themes.get()
    assert _filtered({"theme": build.pk}) == {actions["crisis"]}
    assert _filtered({"due_before": "2021-12-31"}) == {actions["crisis"]}


def test_late_and_rag(actions):
    assert _filtered({"late": "on"}) == {actions["crisis"]}
    assert _filtered({"rag": "red"}) == {actions["crisis"]}
    assert _filtered({"rag": "none"}) == {actions["done"]}


def test_changed_since(actions):
    Action.objects.filter(pk=actions["done"].pk).update(updated_at=timezone.now() - timedelta(days=30))
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert _filtered({"changed_since": week_ago}) == {actions["crisis"], actions["fostering"]}


def test_a_bad_date_or_choice_is_an_error_on_that_field(actions):
    request = RequestFactory().get("/priorities/")
    request.user = UserFactory()
    f = ActionFilter({"due_before": "31/02/2024", "status": "Done"}, queryset=actions_for_list(), request=request)
    assert not f.is_valid()
    assert set(f.errors) == {"due_before", "status"}
