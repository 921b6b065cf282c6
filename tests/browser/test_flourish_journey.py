"""FLOURISH journeys in a real browser: a manager drills down and takes the report; an owner adds a
value and commentary and sees the status change, with its rule; a commissioner of another team cannot."""

import io

import pytest
from playwright.sync_api import expect

from sufficiency.roles import COMMISSIONER, MANAGER
from tests.flourish.conftest import FRAMEWORK, MEASURES, TEAM

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded_flourish(transactional_db):
    from flourish.seed import load_seed

    load_seed(framework=FRAMEWORK, measures=MEASURES)


def test_manager_drills_down_and_downloads_the_report(
    browser_page, login_as, assert_accessible, make_user, seeded_flourish
):
    page = browser_page
    login_as(page, make_user(MANAGER))
    page.goto(f"{page.base_url}/")
    expect(page.get_by_role("heading", name="FLOURISH outcomes")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{page.base_url}/flourish/")
    expect(page.get_by_role("heading", level=1, name="FLOURISH outcomes framework")).to_be_visible()
    escalated = page.locator("#escalated + ul").inner_text()
    assert "Pupils meeting the expected standard at key stage 2" in escalated
    assert_accessible(page)

    page.get_by_role("link", name="L: Learning").click()
    expect(page.get_by_role("heading", level=1, name="Learning")).to_be_visible()
    expect(page.get_by_role("heading", name="L1: Children achieve well at school.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Pupils meeting the expected standard at key stage 2").click()
    expect(
        page.get_by_role("heading", level=1, name="Pupils meeting the expected standard at key stage 2")
    ).to_be_visible()
    rule = page.locator("#status").inner_text()
    assert "Red" in rule and "Green if the latest value meets the target of 65" in rule
    page.locator(".app-chart .main-svg").first.wait_for()  # plotly drew the chart under the CSP
    assert page.get_by_role("link", name="Add a value and commentary").count() == 0
    assert_accessible(page)

    page.get_by_text("Show as table").click()
    table = page.locator("#chart-table")
    expect(table).to_be_visible()
    assert "2023" in table.inner_text() and "60" in table.inner_text()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    assert open(csv_download.value.path()).read().startswith("period,Norfolk,England,Target,provisional")

    page.goto(f"{page.base_url}/flourish/report/?year=2023")
    expect(page.get_by_role("heading", level=1, name="Annual progress report 2023")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as xlsx_download:
        page.get_by_role(
            "link", name="Download the report spreadsheet (XLSX: summary and every value)"
        ).click()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(open(xlsx_download.value.path(), "rb").read()))
    titles = [r[1] for r in book["Summary"].iter_rows(min_row=5, values_only=True)]
    assert "Pupils meeting the expected standard at key stage 2" in titles
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the report as a PDF").click()
    assert open(pdf_download.value.path(), "rb").read(4) == b"%PDF"


def test_owner_adds_a_value_and_sees_the_status_change(
    browser_page, login_as, assert_accessible, make_user, seeded_flourish
):
    page = browser_page
    login_as(page, make_user(COMMISSIONER, teams=[TEAM]))
    page.goto(f"{page.base_url}/flourish/measures/ks2_rwm_pct/")
    assert "Red" in page.locator("#status").inner_text()
    page.get_by_role("link", name="Add a value and commentary").click()
    assert_accessible(page)

    # A value that is not a number is refused with a GOV.UK error summary; nothing is saved.
    page.get_by_label("Period", exact=True).fill("2024")
    page.get_by_label("Value", exact=True).fill("sixty-six")
    page.get_by_role("button", name="Save value").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter the value as a number" in summary.inner_text()
    assert_accessible(page)

    page.get_by_label("Value", exact=True).fill("66")
    page.get_by_label("England (optional)").fill("61")
    page.get_by_label("Commentary for this period (optional)").fill(
        "Tutoring programme reached every school."
    )
    page.get_by_role("button", name="Save value").click()
    expect(page.get_by_text("Value for 2024 added.")).to_be_visible()
    status = page.locator("#status").inner_text()
    assert "Status for 2024:" in status and "Green" in status and "Red" not in status
    assert "Rule: Green if the latest value meets the target of 65 (higher is better)" in status
    assert "Tutoring programme reached every school." in page.locator("#values + ol").inner_text()
    assert_accessible(page)


def test_commissioner_of_another_team_cannot_add(browser_page, login_as, make_user, seeded_flourish):
    page = browser_page
    login_as(page, make_user(COMMISSIONER, teams=["Transformation"]))
    page.goto(f"{page.base_url}/flourish/measures/ks2_rwm_pct/")
    assert page.get_by_role("link", name="Add a value and commentary").count() == 0
    expect(
        page.get_by_text("Only its owner team, lead commissioners and data admins can add values.")
    ).to_be_visible()
    response = page.goto(f"{page.base_url}/flourish/measures/ks2_rwm_pct/values/add/")
    assert response.status == 403


def test_data_admin_uploads_values(
    browser_page, login_as, assert_accessible, make_user, seeded_flourish, tmp_path
):
    from flourish.models import MeasureValue
    from sufficiency.roles import DATA_ADMIN

    page = browser_page
    login_as(page, make_user(DATA_ADMIN))
    page.goto(f"{page.base_url}/flourish/")
    page.get_by_role("link", name="Upload values").click()
    assert_accessible(page)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "measure_code,period,area,value,provisional,note\nks2_rwm_pct,2024,,66,,\nnope,2024,,x,,\n"
    )
    page.get_by_label("Values file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    assert "Nothing was saved" in page.locator(".govuk-error-summary").inner_text()
    problems = page.locator("#problems").inner_text()
    assert "No measure has this code." in problems and "Enter the value as a number" in problems
    assert not MeasureValue.objects.filter(period="2024").exists()
    assert_accessible(page)

    good = tmp_path / "good.csv"
    good.write_text("measure_code,period,area,value,provisional,note\nks2_rwm_pct,2024,,66,yes,\n")
    page.get_by_label("Values file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_text("Upload saved: 1 value added, 0 changed, 0 unchanged.")).to_be_visible()
    assert MeasureValue.objects.get(period="2024").provisional

    page.goto(f"{page.base_url}/flourish/framework/")
    expect(page.get_by_role("heading", name="If Norfolk had just 100 children")).to_be_visible()
    assert_accessible(page)


def test_lead_commissioner_links_a_commissioning_action(
    browser_page, login_as, assert_accessible, make_user, seeded_flourish
):
    from priorities.models import Action
    from priorities.seed import load_seed
    from sufficiency.roles import LEAD_COMMISSIONER

    load_seed()
    action = Action.objects.order_by("pk").first()
    page = browser_page
    login_as(page, make_user(LEAD_COMMISSIONER, teams=[TEAM]))
    page.goto(f"{page.base_url}/flourish/measures/ks2_rwm_pct/")
    page.get_by_role("link", name="Link or unlink commissioning actions").click()
    assert_accessible(page)
    page.get_by_label("Commissioning action").select_option(str(action.pk))
    page.get_by_role("button", name="Link action").click()
    expect(page.get_by_text("Action linked.")).to_be_visible()
    expect(page.locator("#actions + ul").get_by_role("link", name=str(action))).to_be_visible()
    assert_accessible(page)
