"""Each role's front page on the demo data (seeded priorities and FLOURISH register), with bounded queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from priorities.models import Action
from sufficiency.models import FrontPageVisit
from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER
from tests.factories import UserFactory

TEAM = "Commissioning and Resources"


@pytest.fixture
def demo(seeded_core):
    from flourish.seed import load_seed as load_flourish
    from priorities.seed import load_seed as load_priorities

    load_priorities()
    load_flourish()


def _get(client, user, django_assert_max_num_queries, limit, url="/"):
    client.force_login(user)
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_commissioner_sees_their_teams_overdue_actions_first(client, demo, django_assert_max_num_queries):
    user = UserFactory(role=COMMISSIONER, teams=[TEAM])
    overdue = Action.objects.active().late(timezone.localdate()).filter(owner_team__name=TEAM).first()
    other = Action.objects.active().exclude(owner_team__name=TEAM).filter(co_owner_teams=None).first()
    body = _get(client, user, django_assert_max_num_queries, 40)
    assert "Your team&#x27;s actions" in body or "Your team's actions" in body
    mine = body.index('id="front-attention"')
    assert body.index(str(overdue)) > mine
    assert reverse("priorities:action_status_update", args=[overdue.pk]) in body
    assert str(other) not in body[mine : body.index("Across the portal")]
    assert "What is slipping" not in body and "What changed since" not in body


def test_lead_sees_slipping_actions_by_portfolio(client, demo, django_assert_max_num_queries):
    user = UserFactory(role=LEAD_COMMISSIONER, teams=[TEAM])
    body = _get(client, user, django_assert_max_num_queries, 40)
    assert "What is slipping" in body and "Overdue since" in body
    assert "Priorities with no live action" in body
    late = Action.objects.active().late(timezone.localdate()).select_related("priority__portfolio").first()
    assert (
        f"{escape(late.priority.portfolio)}: " in body
        and escape(late) in body.split("Priorities with no live action")[0]
    )
    assert "Your team&#x27;s actions" not in body  # a lead who is not a commissioner gets no team list


def test_manager_sees_changes_since_a_chosen_date(
    client, demo, django_assert_max_num_queries, commissioner_team_action
):
    user = UserFactory(role=MANAGER)
    since = (timezone.localdate() - timedelta(days=3)).isoformat()
    body = _get(client, user, django_assert_max_num_queries, 45, f"/?since={since}")
    assert "What changed since" in body
    assert str(commissioner_team_action) in body and "Status: " in body


def test_manager_since_defaults_to_the_previous_visit(client, demo):
    user = UserFactory(role=MANAGER)
    client.force_login(user)
    client.get("/")
    FrontPageVisit.objects.filter(user=user).update(seen_at=timezone.now() - timedelta(days=10))
    body = client.get("/").content.decode()
    day = timezone.localdate() - timedelta(days=10)
    assert f"What changed since {day.day} {day:%B %Y}" in body and "your previous visit" in body


def test_manager_bad_since_date_says_so(client, demo):
    client.force_login(UserFactory(role=MANAGER))
    body = client.get("/?since=2026-02-31").content.decode()
    assert "Enter the date as a real date" in body


def test_data_admin_sees_imports_measures_and_reference_data(client, demo, django_assert_max_num_queries):
    user = UserFactory(role=DATA_ADMIN)
    body = _get(client, user, django_assert_max_num_queries, 40)
    assert "Data to see to" in body and "Imports in progress" in body
    assert "FLOURISH measures overdue for an update" in body and "Reference data missing" in body


@pytest.fixture
def commissioner_team_action(demo):
    from priorities import selectors, services

    user = UserFactory(role=COMMISSIONER, teams=[TEAM])
    action = selectors.action_for_form(pk=Action.objects.filter(owner_team__name=TEAM).first().pk)
    to = "Launched" if action.status != "Launched" else "In progress"
    services.action_update_status(
        action=action, user=user, to_status=to, comment="Launched", expected_version=action.version
    )
    return action


def test_measures_due_uses_next_update_else_last_update_and_frequency(db):
    from sufficiency.front_pages import measures_due
    from tests.factories import MeasureFactory

    today = date(2026, 12, 1)
    by_next = MeasureFactory(next_update=date(2026, 11, 1))
    by_freq = MeasureFactory(frequency="Annual", last_update=date(2025, 10, 1))
    fine = MeasureFactory(frequency="Annual", last_update=date(2026, 6, 1))
    undated = MeasureFactory(frequency="", last_update=None, next_update=None)
    overdue, no_date = measures_due(today)
    assert {d.measure for d in overdue} == {by_next, by_freq}
    assert undated in {d.measure for d in no_date} and fine not in {d.measure for d in overdue}


def test_manager_sees_what_the_recalculated_headline_figures_are_and_how_they_moved(client, db):
    from placements.models import YearlyFigure
    from tests.factories import LocalAuthorityFactory

    la = LocalAuthorityFactory(name="Sample County")
    old = timezone.now() - timedelta(days=90)
    for year, cla, starts in [(2023, 1050, 400), (2024, 1083, 380)]:
        for code, value in [("cla_31_march", cla), ("starts", starts)]:
            YearlyFigure.objects.create(la=la, year=year, measure=code, value=value, source="computed")
    YearlyFigure.objects.filter(year=2023).update(updated_at=old)  # only 2024 was recalculated
    user = UserFactory(role=MANAGER, las=[la])
    client.force_login(user)
    body = client.get(f"/?since={timezone.localdate() - timedelta(days=7):%Y-%m-%d}").content.decode()
    table = body[body.index("front-figures-caption") :]
    assert "Sample County 2023/24" in table and "2 figures recalculated" in table
    assert "1,083" in table and "up 33 on 2022/23" in table and "down 20 on 2022/23" in table
    assert "Sample County 2022/23" not in table


def test_data_admin_sees_missing_reference_data_per_authority_and_year_with_where_to_load_it(client, db):
    from placements.models import Population, Return
    from tests.factories import LocalAuthorityFactory

    la = LocalAuthorityFactory(name="Sample County")
    for year in (2023, 2024):
        Return.objects.create(la=la, collection_year=year, state=Return.State.CURRENT, checksum=f"{year}" * 8)
    Population.objects.create(la=la, year=2024, population=160_000)
    client.force_login(UserFactory(role=DATA_ADMIN, las=[la]))
    body = client.get("/").content.decode()
    missing = body[body.index("Reference data missing") : body.index("Across the portal")]
    assert (
        "Sample County 2022/23: no population (children aged 0 to 17), no England comparator figures"
        in missing
    )
    assert "Sample County 2023/24: no England comparator figures" in missing
    assert reverse("data:population_upload") in missing and reverse("data:comparators_upload") in missing
