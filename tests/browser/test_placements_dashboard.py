"""A manager reads the placements dashboard: year range, table view, CSV and XLSX, About this measure."""

import pytest

from placements.services import import_job_create, import_job_run
from sufficiency.models import LocalAuthority
from sufficiency.roles import MANAGER
from tests.placements.returns import small_return

pytestmark = pytest.mark.browser


@pytest.fixture
def two_years(seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year in (2020, 2021):
        job = import_job_run(import_job_create(la=norfolk, collection_year=year, uploads=small_return()))
        assert job.status == "succeeded", job.summary


def test_manager_dashboard_journey(browser_page, login_as, assert_accessible, make_user, two_years):
    page = browser_page
    login_as(page, make_user(MANAGER))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Placements").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Placements")
    page.wait_for_selector("#chart-cla .app-chart .main-svg")  # plotly drew the chart
    assert_accessible(page)

    page.get_by_label("From year ending March").select_option("2021")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**from=2021**")
    block = page.locator("#chart-cla")
    block.get_by_text("Show as table").click()
    rows = block.locator("tbody tr")
    assert rows.count() == 1 and rows.first.locator("th").inner_text() == "2020/21"

    with page.expect_download() as csv_download:
        block.get_by_role("link", name="Download CSV").click()
    assert open(csv_download.value.path()).read().startswith("year,")
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download every table (XLSX)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")

    block.get_by_role("link", name="About this measure").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Children looked after at 31 March")
    assert page.get_by_text("distinct children with an episode open").first.is_visible()
    assert_accessible(page)
