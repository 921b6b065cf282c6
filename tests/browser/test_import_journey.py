"""A data admin uploads a return in the browser, follows the progress bar and reads the error report."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import ImportJob
from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN
from tests.placements.returns import bad_return, small_return

pytestmark = pytest.mark.browser


def _upload(page, tmp_path, files):
    paths = []
    for name, content in files:
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    page.goto(f"{page.base_url}/data/imports/new/")
    page.get_by_label("Local authority").select_option("E10000020")
    page.get_by_label("Collection year").fill("2020")
    page.get_by_label("Return files").set_input_files(paths)
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/data/imports/*/")


def test_upload_a_good_return(browser_page, login_as, assert_accessible, make_user, seeded_core, tmp_path):
    page = browser_page
    login_as(page, make_user(DATA_ADMIN))
    page.goto(f"{page.base_url}/data/")
    page.get_by_role("link", name="Import an SSDA903 return").click()
    assert_accessible(page)
    _upload(page, tmp_path, small_return())
    expect(page.get_by_text("Imported", exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name="What the return holds")).to_be_visible()
    expect(page.get_by_role("cell", name="cla_31_march")).to_be_visible()
    assert_accessible(page)


def test_upload_a_bad_return_shows_every_problem(
    browser_page, login_as, assert_accessible, make_user, seeded_core, tmp_path
):
    page = browser_page
    login_as(page, make_user(DATA_ADMIN))
    _upload(page, tmp_path, bad_return())
    expect(page.get_by_text("Rejected: the file has errors").first).to_be_visible()
    expect(page.get_by_role("cell", name="31/02/2019", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="ZZ9", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download every problem as CSV").click()
    text = open(download.value.path()).read()
    assert "ZZ9" in text and text.startswith("severity,table,row,column,value,message")
    assert_accessible(page)


def test_upload_form_errors_are_clear(browser_page, login_as, assert_accessible, make_user, seeded_core):
    page = browser_page
    login_as(page, make_user(DATA_ADMIN))
    page.goto(f"{page.base_url}/data/imports/new/")
    page.get_by_role("button", name="Upload and check").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("Choose the authority the return belongs to")).to_be_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)


def test_progress_bar_moves_and_page_can_be_left(browser_page, login_as, make_user, seeded_core):
    page = browser_page
    admin = make_user(DATA_ADMIN)
    job = ImportJob.objects.create(
        la=LocalAuthority.objects.get(code="E10000020"),
        collection_year=2020,
        created_by=admin,
        status=ImportJob.Status.QUEUED,
        progress=10,
        stage="Checking every row",
        file_names=["episodes.csv"],
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),  # a live worker renews its lease
    )
    login_as(page, admin)
    page.goto(f"{page.base_url}/data/imports/{job.pk}/")
    bar = page.locator("#import-progress")
    assert bar.get_attribute("value") == "10"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, progress=55, stage="Saving the return", heartbeat_at=timezone.now()
    )
    expect(bar).to_have_js_property("value", 55)  # polled by import-progress.js, no reload
    expect(page.locator("#job-status .govuk-tag")).to_have_text("Importing")
    expect(page.get_by_text("Saving the return")).to_be_visible()
    page.goto(f"{page.base_url}/data/")  # leave, then come back
    page.goto(f"{page.base_url}/data/imports/{job.pk}/")
    assert page.locator("#import-progress").get_attribute("value") == "55"
    ImportJob.objects.filter(pk=job.pk).update(progress=100, status=ImportJob.Status.SUCCEEDED, summary={})
    page.wait_for_selector("#import-progress", state="detached")
    expect(page.get_by_text("Imported", exact=True).first).to_be_visible()
