"""The unit-cost page (every group and provider at once), the costs page's missing costs, _saving.html."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.test import Client

from forecast.cost_forms import PAIRS
from forecast.models import UnitCost
from sufficiency.roles import DATA_ADMIN, MANAGER
from tests.factories import LocalAuthorityFactory, UserFactory

URL = "/forecast/costs/unit-costs/"


@pytest.fixture
def la(db):
    return LocalAuthorityFactory()


@pytest.fixture
def admin(la):
    return UserFactory(role=DATA_ADMIN, las=[la])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def held(la, group="residential", provider="external", cost="2850", when=date(2020, 4, 1)):
    return UnitCost.objects.create(
        la=la, group=group, provider=provider, weekly_cost=cost, effective_from=when
    )


def test_only_the_authoritys_data_admins_may_enter_costs(la, admin):
    other_la = LocalAuthorityFactory()
    assert client_for(UserFactory(role=MANAGER, las=[la])).get(URL, {"la": la.code}).status_code == 403
    assert (
        client_for(UserFactory(role=DATA_ADMIN, las=[other_la])).get(URL, {"la": la.code}).status_code == 403
    )
    other = client_for(UserFactory(role=DATA_ADMIN, las=[other_la]))
    assert (
        other.post(
            f"{URL}?la={la.code}", {"effective_from": "1/4/2025", "adoption__in_house": "500"}
        ).status_code
        == 403
    )
    assert not UnitCost.objects.exists()
    assert client_for(admin).get(URL, {"la": la.code}).status_code == 200


def test_page_offers_only_the_pairs_the_forecast_projects_with_the_cost_in_force(la, admin):
    held(la)
    held(la, cost="3100", when=date(2099, 4, 1))  # not yet in force
    response = client_for(admin).get(URL, {"la": la.code})
    assert "forecast/cost_unit_costs.html" in [t.name for t in response.templates]
    form = response.context["form"]
    names = [n for n in form.fields if "__" in n]
    assert len(names) == len(PAIRS) == 13
    assert "fostered_agency__in_house" not in names and "fostered_relative_friend__external" not in names
    assert "fostered_in_house__external" not in names and "residential__in_house" in names
    html = response.content.decode()
    assert "In force now: £2,850.00 a week from 1 April 2020. Later: £3,100.00 from 1 April 2099." in html
    assert html.count("No cost held now.") == 12


def test_save_adds_the_changed_costs_from_the_date_given_and_keeps_history(la, admin):
    old = held(la)
    client = client_for(admin)
    response = client.post(
        f"{URL}?la={la.code}",
        {
            "effective_from": "1/4/2025",
            "fostered_in_house__in_house": "450",
            "residential__external": "2850",  # the figure in force: not a change
            "residential__in_house": "3000",
            "note": "Budget book 2025-26",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/forecast/costs/?la={la.code}"
    new = UnitCost.objects.exclude(pk=old.pk).order_by("group")
    assert [(c.group, c.provider, c.weekly_cost) for c in new] == [
        ("fostered_in_house", "in_house", Decimal("450.00")),
        ("residential", "in_house", Decimal("3000.00")),
    ]
    assert all(c.effective_from == date(2025, 4, 1) and c.entered_by == admin for c in new)
    assert all(c.source == "entered" and c.note == "Budget book 2025-26" for c in new)
    # A new figure for a date already held changes it, and the history keeps the earlier one.
    client.get("/forecast/costs/", {"la": la.code})  # shows (and so clears) the first message
    client.post(f"{URL}?la={la.code}", {"effective_from": "2025-04-01", "fostered_in_house__in_house": "475"})
    cost = UnitCost.objects.get(group="fostered_in_house")
    assert cost.weekly_cost == Decimal("475.00")
    assert [h.weekly_cost for h in cost.history.order_by("history_date")] == [
        Decimal("450.00"),
        Decimal("475.00"),
    ]
    page = client.get("/forecast/costs/", {"la": la.code})
    assert "Saved 1 unit cost in force from 1 April 2025" in page.content.decode()


def test_errors_save_nothing_and_name_each_field(la, admin):
    response = client_for(admin).post(
        f"{URL}?la={la.code}",
        {
            "effective_from": "31/02/2025",
            "adoption__in_house": "500",
            "residential__external": "-1",
            "other__external": "lots",
        },
    )
    assert response.status_code == 200 and not UnitCost.objects.exists()
    errors = response.context["form"].errors
    assert errors["effective_from"] == ["Enter a real date"]
    assert errors["residential__external"] == [
        "The weekly cost of external residential care cannot be negative"
    ]
    assert errors["other__external"] == [
        "Enter the weekly cost of external other placements in pounds, for example 450 or 2850.50"
    ]
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_other__external"' in html
    assert 'aria-describedby="id_other__external-hint id_other__external-error"' in html
    empty = client_for(admin).post(f"{URL}?la={la.code}", {"effective_from": "1/4/2025"})
    assert empty.context["form"].non_field_errors() == ["Enter at least one weekly cost"]


def test_save_is_all_or_nothing(la, admin):
    real_save = UnitCost.save
    calls = []

    def failing_second(self, *args, **kwargs):
        calls.append(self.group)
        if len(calls) == 2:
            raise IntegrityError("simulated")
        return real_save(self, *args, **kwargs)

    client = client_for(admin)
    client.raise_request_exception = False
    with mock.patch.object(UnitCost, "save", failing_second):
        response = client.post(
            f"{URL}?la={la.code}",
            {"effective_from": "1/4/2025", "adoption__in_house": "500", "residential__in_house": "3000"},
        )
    assert response.status_code == 500 and len(calls) == 2
    assert not UnitCost.objects.exists()


def test_costs_page_names_the_missing_costs_and_links_the_grid(la, admin):
    held(la)
    html = client_for(admin).get("/forecast/costs/", {"la": la.code}).content.decode()
    assert "No unit cost is held for 12 of the 13 placement groups" in html
    assert "<li>Fostering by relatives or friends</li>" in html
    assert "<li>In-house residential care</li>" in html
    assert "<li>External residential care</li>" not in html  # held
    assert f'href="{URL}?la={la.code}"' in html
    manager_html = (
        client_for(UserFactory(role=MANAGER, las=[la]))
        .get("/forecast/costs/", {"la": la.code})
        .content.decode()
    )
    assert "No unit cost held for:" in manager_html and f'href="{URL}?la={la.code}"' not in manager_html


def test_saving_partial_warns_when_refused_and_links_the_grid(la):
    refused = {"refused": True, "reason": "The scenario moves children from a to b.", "missing": ["b"]}
    html = render_to_string("forecast/_saving.html", {"saving": refused, "la": la})
    assert "govuk-warning-text" in html and "No cost saving is shown. The scenario moves children" in html
    assert f'href="{URL}?la={la.code}"' in html
    shown = {
        "refused": False,
        "sentence": "In the year to 31 March 2023: £1,000 a year less.",
        "coverage": 1.0,
    }
    html = render_to_string("forecast/_saving.html", {"saving": shown, "la": la})
    assert "£1,000 a year less" in html and "govuk-warning-text" not in html and URL not in html


def test_cost_note_names_coverage_and_links_data_admins_to_the_grid(la, results):
    from forecast import cost_tables

    table = cost_tables.cost_table(results)
    context = {"blocks": [{"id": "costs", "table": table}], "uncosted": ["x"], "la": la}
    html = render_to_string("forecast/_cost_note.html", {**context, "can_edit_costs": True})
    assert cost_tables.coverage(results)["text"] in html and "not the authority's whole spend" in html
    assert f'href="{URL}?la={la.code}"' in html
    assert URL not in render_to_string("forecast/_cost_note.html", {**context, "can_edit_costs": False})
