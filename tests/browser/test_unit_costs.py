"""Browser test: a data admin enters unit costs for several groups at once, first with a mistake; both the
page with its error summary and the costs page after saving pass axe-core."""

from playwright.sync_api import expect

from forecast.models import UnitCost
from sufficiency.roles import DATA_ADMIN
from tests.factories import LocalAuthorityFactory, UserFactory


def test_data_admin_enters_unit_costs(browser_page, login_as, assert_accessible):
    la = LocalAuthorityFactory(name="Testshire")
    page = browser_page
    login_as(page, UserFactory(role=DATA_ADMIN, las=[la]))
    page.goto(f"{page.base_url}/forecast/costs/?la={la.code}")
    expect(page.get_by_text("No unit cost is held for any of the 13 placement groups")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Fostering by relatives or friends")).to_be_visible()
    page.get_by_role("link", name="Enter unit costs").click()
    expect(page.get_by_role("heading", name="Unit costs")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("In force from").fill("1/4/2025")
    page.get_by_label("In-house: Fostered by the local authority (in-house)").fill("450")
    page.get_by_label("External: Residential (children's homes, secure, schools)").fill("-5")
    page.get_by_role("button", name="Save unit costs").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="cannot be negative")).to_be_visible()
    assert not UnitCost.objects.exists()  # nothing saved while one figure is wrong
    assert_accessible(page)

    page.get_by_label("External: Residential (children's homes, secure, schools)").fill("2850")
    page.get_by_role("button", name="Save unit costs").click()
    expect(page.get_by_text("Saved 2 unit costs in force from 1 April 2025")).to_be_visible()
    assert UnitCost.objects.filter(la=la, entered_by__isnull=False).count() == 2
    assert_accessible(page)
