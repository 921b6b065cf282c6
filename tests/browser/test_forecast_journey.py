"""A manager's forecast journey: open the forecast, change the horizon, create a scenario, compare it with
the baseline, download the tables; axe-core on each page."""

import pytest
from playwright.sync_api import expect

from sufficiency.models import LocalAuthority
from sufficiency.roles import MANAGER
from tests.forecast.fixtures import import_synthetic

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_returns(seeded_core):
    from priorities.seed import load_seed as load_priorities

    load_priorities()
    import_synthetic(LocalAuthority.objects.get(code="Z99999999"), children=300, first=2018, last=2021)


def test_manager_forecast_journey(browser_page, login_as, assert_accessible, make_user, demo_returns):
    page = browser_page
    login_as(page, make_user(MANAGER))
    page.goto(f"{page.base_url}/placements/?la=Z99999999")
    page.get_by_role("link", name="Placement forecast and costs").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Placement forecast")
    assert_accessible(page)

    # no forecast stored yet for the default choices: run it (the test task backend runs it at once)
    page.get_by_role("button", name="Run the forecast").click()
    page.wait_for_selector("#block-total .app-chart .main-svg")
    expect(page.get_by_text("projected 36 months from 31 March 2021")).to_be_visible()
    assert_accessible(page)

    # change the horizon
    page.get_by_label("Horizon").select_option("24")
    page.get_by_role("button", name="Show forecast").click()
    page.wait_for_url("**horizon=24**")
    page.get_by_role("button", name="Run the forecast").click()
    page.wait_for_selector("#block-by_group .app-chart .main-svg")
    expect(page.get_by_text("projected 24 months from 31 March 2021")).to_be_visible()
    block = page.locator("#block-by_group")
    block.get_by_text("Show as table").click()
    assert block.locator("tbody tr").count() > 8
    with page.expect_download() as csv_download:
        block.get_by_role("link", name="Download CSV").click()
    assert open(csv_download.value.path()).read().startswith("Date,Placement group,Actual,Projected")
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download every table (XLSX)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    assert page.locator("#table-backtest tbody tr").count() == 9
    assert_accessible(page)

    # create a scenario: first with a mistake, then properly
    page.get_by_role("link", name="Scenarios: compare changes with the baseline").click()
    assert_accessible(page)
    page.get_by_role("link", name="Create a scenario").click()
    page.get_by_label("Change in entries into care each year, per cent (optional)").fill("-5")
    page.get_by_role("button", name="Save scenario").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a name for the scenario" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("Scenario name").fill("Fewer entries, more fostering")
    page.get_by_label("Share of children in residential care who move each year, per cent (optional)").fill(
        "10"
    )
    page.locator(".govuk-checkboxes__input").first.check()
    page.get_by_role("button", name="Save scenario").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Fewer entries, more fostering")
    expect(page.get_by_text("Entries into care: 5% fewer each year, compounding")).to_be_visible()

    # compare it with the baseline (the 36-month baseline is stored; the scenario run is new)
    page.get_by_role("button", name="Compare with the baseline").click()
    page.wait_for_selector("#block-compare .app-chart .main-svg")
    costs = page.locator("#block-compare_costs")
    expect(costs.get_by_text("All costed placements").first).to_be_visible()
    assert_accessible(page)
    groups = page.locator("#block-compare_groups")
    groups.get_by_text("Show as table").click()
    with page.expect_download() as compare_csv:
        groups.get_by_role("link", name="Download CSV").click()
    assert (
        open(compare_csv.value.path()).read().startswith("Date,Placement group,Baseline,Scenario,Difference")
    )
    with page.expect_download() as compare_xlsx:
        page.get_by_role("link", name="Download the comparison (XLSX)").click()
    assert compare_xlsx.value.suggested_filename.endswith(".xlsx")

    # the owner deletes the scenario after confirming
    page.get_by_role("link", name="Delete this scenario").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete scenario").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Forecast scenarios")
    expect(page.get_by_text("No scenarios are saved")).to_be_visible()

    # unit costs and capacities (read-only for a manager)
    page.goto(f"{page.base_url}/forecast/costs/?la=Z99999999")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Unit costs and capacities")
    assert page.get_by_role("link", name="Add a unit cost").count() == 0
    assert_accessible(page)
