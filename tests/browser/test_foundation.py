"""Each role signs in, sees the navigation it may use, and is refused (403 page) where it may not."""

import pytest
from playwright.sync_api import expect

from sufficiency.roles import COMMISSIONER, DATA_ADMIN, MANAGER

pytestmark = pytest.mark.browser

NAV = ["Overview", "Placements", "Priorities", "FLOURISH"]


@pytest.mark.parametrize(("role", "sees_data"), [(MANAGER, False), (COMMISSIONER, False), (DATA_ADMIN, True)])
def test_role_navigation_and_refusal(
    browser_page, login_as, assert_accessible, make_user, seeded_core, role, sees_data
):
    page = browser_page
    user = make_user(role)
    login_as(page, user)
    nav = page.get_by_role("navigation", name="Menu")
    for label in NAV:
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    assert (nav.get_by_role("link", name="Data").count() == 1) is sees_data
    expect(page.get_by_role("heading", level=1, name="Overview")).to_be_visible()
    assert_accessible(page)

    response = page.goto(f"{page.base_url}/data/")
    if sees_data:
        assert response.status == 200
    else:
        assert response.status == 403
        expect(page.get_by_role("heading", name="You do not have permission to do this")).to_be_visible()
        assert_accessible(page)


def test_login_page_skip_link_and_logout(browser_page, login_as, assert_accessible, make_user, seeded_core):
    page = browser_page
    page.goto(f"{page.base_url}/")
    assert "/login/" in page.url
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"

    login_as(page, make_user(MANAGER))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    page.goto(f"{page.base_url}/")
    assert "/login/" in page.url


def test_accessibility_statement(browser_page, assert_accessible, seeded_core):
    page = browser_page
    page.goto(f"{page.base_url}/accessibility/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Accessibility statement")
    assert_accessible(page)
