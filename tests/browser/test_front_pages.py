"""Front page journey in a real browser: a commissioner signs in, sees their overdue action on the front page,
updates it, and sees it drop off the list; axe-core on each page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from sufficiency.roles import COMMISSIONER

pytestmark = pytest.mark.browser

TEAM = "Commissioning and Resources"


def test_commissioner_updates_an_overdue_action_from_the_front_page(
    browser_page, login_as, assert_accessible, make_user, transactional_db
):
    from tests.factories import ActionFactory, TeamFactory

    team = TeamFactory(name=TEAM)
    overdue = ActionFactory(
        owner_team=team, description="Open the crisis unit", due_end=date(2025, 3, 31), status="In progress"
    )
    ActionFactory(owner_team=team, description="Recommission fostering", due_end=date(2029, 3, 31))
    page = browser_page
    login_as(page, make_user(COMMISSIONER, teams=[TEAM]))

    page.goto(f"{page.base_url}/")
    to_update = page.locator("#front-attention")
    assert "Open the crisis unit" in to_update.inner_text()
    assert "Red: past its due date" in to_update.inner_text()
    assert "Recommission fostering" not in to_update.inner_text()
    assert_accessible(page)

    to_update.get_by_role("link", name="Update status of Open the crisis unit").click()
    page.get_by_label("Complete", exact=True).check()
    page.get_by_label("Comment").fill("Crisis unit open and taking referrals")
    assert_accessible(page)
    page.get_by_role("button", name="Save status update").click()
    expect(page.get_by_text("Status updated to Complete.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{page.base_url}/")
    assert page.locator("#front-attention").count() == 0
    expect(
        page.get_by_text("Nothing is overdue, due within 60 days or waiting for an update.")
    ).to_be_visible()
    assert "Open the crisis unit" not in page.locator("main").inner_text().split("Across the portal")[0]
    assert_accessible(page)

    page.get_by_role("link", name="My actions").first.click()
    expect(page.get_by_role("heading", level=1, name="My actions")).to_be_visible()
    assert_accessible(page)
    overdue.refresh_from_db()
    assert overdue.status == "Complete"


def test_each_roles_front_page_replan_and_reminder_pages_pass_axe(
    browser_page, login_as, assert_accessible, make_user, transactional_db
):
    from sufficiency.roles import DATA_ADMIN, LEAD_COMMISSIONER, MANAGER
    from tests.factories import ActionFactory, TeamFactory

    team = TeamFactory(name=TEAM)
    action = ActionFactory(owner_team=team, description="Open the crisis unit", due_end=date(2025, 3, 31))
    page = browser_page
    login_as(page, make_user(LEAD_COMMISSIONER, teams=[TEAM]))
    page.goto(f"{page.base_url}/")
    assert "Open the crisis unit" in page.locator("section[aria-labelledby=front-lead]").inner_text()
    assert_accessible(page)
    page.goto(f"{page.base_url}/priorities/actions/{action.pk}/replan/")
    page.get_by_role("button", name="Save").click()  # nothing entered: saved as no plan
    page.goto(f"{page.base_url}/priorities/actions/{action.pk}/replan/")
    page.get_by_label("Review date").fill("2020-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{page.base_url}/account/reminders/")
    assert_accessible(page)
    for role in (MANAGER, DATA_ADMIN):
        page.context.clear_cookies()
        login_as(page, make_user(role))
        page.goto(f"{page.base_url}/")
        assert_accessible(page)
