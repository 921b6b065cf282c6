"""A manager's forecast journey: open the forecast, change the horizon, create a scenario, compare it with
the baseline, download the tables. A scenario moving residential care to in-house fostering: its difference
headline, no saving while in-house fostering has no unit cost, a saving once a data admin enters one. axe-core
on each page."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN, MANAGER
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
    assert page.locator("#table-backtest tbody tr").count() >= 9  # a row per group and total, or more
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
    page.wait_for_selector("#block-compare_difference .app-chart .main-svg")
    page.wait_for_selector("#block-compare_total .app-chart .main-svg")
    expect(page.locator("#headline-children")).to_contain_text("By 31 March 2024:")
    expect(page.locator("#block-compare_costs")).to_be_visible()
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


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")


def test_a_saving_is_shown_only_once_the_placement_moved_into_is_costed(
    browser_page, login_as, assert_accessible, make_user, demo_returns
):
    from forecast.models import Capacity, ForecastScenario, UnitCost

    la = LocalAuthority.objects.get(code="Z99999999")
    Capacity.objects.create(
        la=la,
        name="In-house fostering households",
        group="fostered_in_house",
        value=500,
        unit="beds",
        effective_year=2018,
    )
    UnitCost.objects.create(
        la=la, group="residential", provider="external", weekly_cost=2850, effective_from=date(2018, 1, 1)
    )
    manager = make_user(MANAGER)
    scenario = ForecastScenario.objects.create(
        la=la,
        name="Residential to in-house fostering",
        owner=manager,
        adjustments=[
            {
                "kind": "residential_to_fostering",
                "fraction": 0.3,
                "source": "residential",
                "target": "fostered_in_house",
            }
        ],
    )
    url = f"{browser_page.base_url}/forecast/scenarios/{scenario.pk}/"
    page = browser_page

    # the manager compares it with the baseline: the difference leads; no saving, in-house fostering has no cost
    login_as(page, manager)
    page.goto(url)
    page.get_by_role("button", name="Compare with the baseline").click()
    page.wait_for_selector("#block-compare_difference .app-chart .main-svg")
    headline = page.locator("#headline-children")
    expect(headline).to_contain_text("By 31 March 2024:")
    expect(headline).to_contain_text(re.compile(r"\d+ fewer (children )?in residential care"))
    expect(headline).to_contain_text(re.compile(r"\d+ more (children )?in in-house fostering"))
    saving = page.locator("#saving")
    expect(saving).to_contain_text("No cost saving is shown.")
    expect(saving).to_contain_text(re.compile(r"in-house fostering|fostered by the local authority", re.I))
    block = page.locator("#block-compare_difference")
    block.get_by_text("Show as table").click()
    expect(block.locator("tbody tr").first).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # a data admin follows the link to the unit costs and enters the cost of in-house fostering, the
    # placement the scenario moves children into (residential care already has its external cost)
    login_as(page, make_user(DATA_ADMIN))
    page.goto(url)
    page.locator("#saving").get_by_role("link", name="Enter the missing unit costs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Unit costs")
    assert_accessible(page)
    page.get_by_label("In force from").fill("1/4/2018")
    page.locator("#id_fostered_in_house__in_house").fill("450")
    page.get_by_role("button", name="Save unit costs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Unit costs and capacities")

    # and sets the level from which the fostering households are judged at risk
    page.get_by_role("link", name="Change the at-risk level of In-house fostering households").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("At-risk level")
    assert_accessible(page)
    page.get_by_label("At risk from (per cent full)").fill("85")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("In-house fostering households: at risk from 85% full.")).to_be_visible()
    _sign_out(page)

    # the manager asks for the comparison again (the costs changed): now a saving, on the costs held
    login_as(page, manager)
    page.goto(url)
    page.get_by_role("button", name="Compare with the baseline").click()
    page.wait_for_selector("#block-compare_difference .app-chart .main-svg")
    expect(page.locator("#headline-children")).to_contain_text(
        re.compile(r"£[\d,]+ a year (less|more), on the costs held")
    )
    expect(page.locator("#saving")).not_to_contain_text("No cost saving is shown.")
    expect(page.locator("#saving")).to_contain_text("In the year to 31 March 2024:")
    assert_accessible(page)
