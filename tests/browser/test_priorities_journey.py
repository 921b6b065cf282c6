"""Priorities journeys in a real browser: a commissioner closes a late action; a manager can only read."""

import io
import re

import pytest
from playwright.sync_api import expect

from sufficiency.roles import COMMISSIONER, MANAGER

pytestmark = pytest.mark.browser

TEAM = "Commissioning and Resources"


@pytest.fixture
def seeded_priorities(transactional_db):
    from priorities.seed import load_seed

    load_seed()


def test_commissioner_completes_a_late_action(
    browser_page, login_as, assert_accessible, make_user, seeded_priorities
):
    from priorities.models import Action

    page = browser_page
    login_as(page, make_user(COMMISSIONER, teams=[TEAM]))
    page.goto(f"{page.base_url}/priorities/")
    assert_accessible(page)

    # Filter to my team's late actions (keyboard-usable GOV.UK checkboxes and a submit button).
    page.get_by_label("My team's actions").check()
    page.get_by_label("Late actions only").check()
    page.get_by_role("button", name="Apply filters").click()
    late_mine = Action.objects.for_teams(
        [Action.objects.filter(owner_team__name=TEAM).first().owner_team]
    ).count()
    expect(page.get_by_role("heading", name=f"{late_mine} actions")).to_be_visible()
    assert "mine=on" in page.url and "late=on" in page.url

    page.get_by_role("link", name="Develop the new crisis unit with a clear specification.").click()
    expect(page.get_by_role("heading", level=1, name="Action")).to_be_visible()
    expect(page.locator("#rag-rule").get_by_text("Red: past its due date")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Update status").click()
    # Choosing Complete without a comment is refused with a GOV.UK error summary.
    page.get_by_label("Complete", exact=True).check()
    page.get_by_role("button", name="Save status update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter a comment explaining why the action is complete." in summary.inner_text()
    assert_accessible(page)

    page.get_by_label("Complete", exact=True).check()
    page.get_by_label("Comment").fill("Crisis unit open and taking referrals")
    page.get_by_role("button", name="Save status update").click()
    expect(page.get_by_text("Status updated to Complete.")).to_be_visible()
    timeline = page.locator(".app-timeline")
    assert "In progress → Complete" in timeline.inner_text()
    assert "Crisis unit open and taking referrals" in timeline.inner_text()
    assert "Not rated" in page.locator(".govuk-summary-list").inner_text()

    # The board pack shows the update, on the page and in the spreadsheet.
    page.goto(f"{page.base_url}/priorities/board-pack/")
    expect(page.get_by_text("Crisis unit open and taking referrals")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the board pack spreadsheet")).click()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    cells = [c for row in book["Residential & SIA"].iter_rows(values_only=True) for c in row if c]
    assert any("Crisis unit open and taking referrals" in str(c) for c in cells)


def test_manager_reads_only(browser_page, login_as, assert_accessible, make_user, seeded_priorities):
    from priorities.models import Action

    page = browser_page
    login_as(page, make_user(MANAGER))
    action = Action.objects.filter(owner_team__name=TEAM).order_by("pk").first()
    page.goto(f"{page.base_url}{action.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1, name="Action")).to_be_visible()
    assert page.get_by_role("link", name="Update status").count() == 0
    assert page.get_by_role("button", name="Update status").count() == 0

    response = page.goto(f"{page.base_url}/priorities/actions/{action.pk}/status/")
    assert response.status == 403
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        f"{page.base_url}/priorities/actions/{action.pk}/status/",
        form={"status": "Complete", "comment": "not allowed", "version": "1"},
        headers={"X-CSRFToken": token, "Referer": page.base_url + "/"},
    )
    assert refused.status == 403
    action.refresh_from_db()
    assert action.status == "In progress" and action.version == 1


def test_matrix_accessible_and_links_to_list(
    browser_page, login_as, assert_accessible, make_user, seeded_priorities
):
    page = browser_page
    login_as(page, make_user(MANAGER))
    page.goto(f"{page.base_url}/priorities/matrix/")
    expect(page.get_by_role("heading", level=1, name="Portfolios and themes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Semi Independent and Streamline")).click()
    assert "portfolio=" in page.url and "theme=" in page.url
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ actions?$"))).to_be_visible()
