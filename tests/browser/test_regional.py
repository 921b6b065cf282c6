"""A manager granted two authorities switches between them on the dashboard and opens the regional page:
the region's figures computed from every authority's return, each authority ranked, and the figures of
authorities outside the grants kept to published ones."""

import csv

import pytest
from playwright.sync_api import expect

from placements import regional
from sufficiency.models import LocalAuthority
from sufficiency.roles import MANAGER
from tests.placements.test_regional import a_return, import_return

pytestmark = pytest.mark.browser

NORFOLK, SUFFOLK, EAST = "E10000020", "E10000029", "E12000006"


@pytest.fixture
def east_held(seeded_core):
    """A small 2019/20 return for each of the East of England's 11 authorities, each of a different size.

    The authorities come from a data migration, which an earlier browser test's flush removes: the
    migration's loader (idempotent, by code) puts them back.
    """
    from importlib import import_module

    from django.apps import apps

    import_module("sufficiency.migrations.0002_load_english_authorities").load(apps, None)
    east = LocalAuthority.objects.get(code=EAST)
    for i, la in enumerate(regional.members(east).order_by("name")):
        import_return(la, 2020, a_return(extra=i % 5, moves=i % 2))


def test_manager_switches_authority_and_opens_the_regional_page(
    browser_page, login_as, assert_accessible, make_user, east_held
):
    page = browser_page
    login_as(page, make_user(MANAGER, las=[NORFOLK, SUFFOLK]))
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Placements").click()
    heading = page.get_by_role("heading", level=1)
    assert "Norfolk" in heading.inner_text()

    chooser = page.get_by_label("Local authority")
    assert sorted(chooser.locator("option").all_inner_texts()) == ["Norfolk", "Suffolk"]  # only the grants
    chooser.select_option(SUFFOLK)
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url(f"**la={SUFFOLK}**")
    assert "Suffolk" in heading.inner_text()
    page.get_by_label("Local authority").select_option(NORFOLK)
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url(f"**la={NORFOLK}**")
    assert "Norfolk" in heading.inner_text()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Regions").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("East of England: authorities ranked")
    expect(page.get_by_text("computed from 11 authorities' returns").first).to_be_visible()
    assert_accessible(page)

    summary = page.get_by_role("table", name="East of England and England, 2019/20")
    assert summary.locator("tbody tr").count() == len(regional.RANKED_MEASURES)
    table = page.get_by_role("table", name="Children looked after on 31 March: East of England's authorities")
    rows = {r.locator("th").inner_text(): r for r in table.locator("tbody tr").all()}
    assert len(rows) == 11
    assert "Returns" in rows["Suffolk"].inner_text()
    assert "Not held" in rows["Essex"].inner_text()  # outside the grants: its return's figures stay hidden

    with page.expect_download() as download:
        page.get_by_role("link", name="Download every ranking (CSV)").click()
    with open(download.value.path(), newline="") as fh:
        ranked = [r for r in csv.DictReader(fh) if r["measure"] == "cla_31_march"]
    assert len(ranked) == 12  # the 11 authorities and the region
    assert [(r["authority"], r["rank"]) for r in ranked if r["rank"]] == [("Norfolk", "1"), ("Suffolk", "2")]

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert_accessible(page)
