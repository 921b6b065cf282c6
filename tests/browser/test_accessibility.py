"""axe-core on every page of every role: each role signs in and visits every page its navigation leads to
and the main pages below them (chart About page, forecast, priorities list/detail/edit, FLOURISH area,
measure, framework and report, the data pages); no WCAG 2.2 A/AA violation and no content outside a
landmark. The Django admin is left out. Small factory-made data, one browser, one sign-in per role.

Also: the phase banner sits in the header and its feedback link goes somewhere; "Show as table" reads
"Hide table" while open, with aria-expanded in step; at phone width a wide table says that it scrolls,
can be scrolled from the keyboard and keeps its first column in view.
"""

import re

import pytest
from playwright.sync_api import expect

from sufficiency.models import LocalAuthority
from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER, ROLES
from tests.flourish.conftest import FRAMEWORK, MEASURES
from tests.forecast.fixtures import import_synthetic

pytestmark = pytest.mark.browser

DEMO = "Z99999999"
TEAM = "Commissioning and Resources"
PHONE = {"width": 375, "height": 800}
PHONE_PAGES = (
    "/placements/",
    "/forecast/",
    "/regional/",
    "/priorities/",
    "/flourish/measures/",
    "/flourish/report/",
    "/data/",
)


@pytest.fixture
def portal_data(seeded_core):
    """Priorities and a small FLOURISH register from their seeds, three small synthetic years of the demo
    authority's returns."""
    from flourish.seed import load_seed as load_flourish
    from priorities.seed import load_seed as load_priorities

    load_priorities()
    load_flourish(framework=FRAMEWORK, measures=MEASURES)
    import_synthetic(LocalAuthority.objects.get(code=DEMO), children=150, first=2019, last=2021)


def _pages() -> list[str]:
    """The pages to check (the same for every role: a page a role may not use shows the 403 page)."""
    from flourish.models import ImpactArea, Measure
    from placements.models import ImportJob
    from priorities.models import Action

    action = Action.objects.filter(owner_team__name=TEAM).order_by("pk").first()
    area = ImpactArea.objects.filter(measures__isnull=False).order_by("pk").first()
    measure = Measure.objects.order_by("pk").first()
    job = ImportJob.objects.order_by("-pk").first()
    la = f"?la={DEMO}"
    return [
        "/",
        f"/placements/{la}",
        f"/forecast/{la}",
        f"/forecast/scenarios/{la}",
        f"/forecast/scenarios/new/{la}",
        f"/forecast/costs/{la}",
        "/regional/",
        "/priorities/",
        f"/priorities/actions/{action.pk}/",
        f"/priorities/actions/{action.pk}/edit/",
        f"/priorities/actions/{action.pk}/status/",
        "/priorities/matrix/",
        "/priorities/board-pack/",
        "/priorities/mine/",
        f"/priorities/actions/{action.pk}/replan/",
        "/account/reminders/",
        "/flourish/",
        f"/flourish/areas/{area.code}/",
        f"/flourish/measures/{measure.code}/",
        f"/flourish/measures/{measure.code}/values/add/",
        "/flourish/framework/",
        "/flourish/report/",
        "/data/",
        "/data/imports/",
        "/data/imports/new/",
        f"/data/imports/{job.pk}/",
        "/data/population/",
        "/data/comparators/",
        "/accessibility/",
        "/no-such-page/",
    ]


def _visit(page, path: str) -> None:
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("load")
    if page.locator(".app-chart[data-figure-id]").count():
        page.wait_for_selector(".app-chart .main-svg")  # plotly drew the charts


def _check(page, axe_violations, label: str, found: list[str]) -> None:
    for v in axe_violations(page):
        targets = [n["target"] for n in v["nodes"]][:4]
        found.append(f"{label} {page.url}: {v['id']} ({v['impact']}) {v['help']} -> {targets}")


def test_every_page_of_every_role_has_no_axe_violations(
    _browser, live_server, login_as, axe_violations, make_user, portal_data
):
    users = {role: make_user(role, teams=[TEAM]) for role in ROLES}
    found: list[str] = []
    checked = 0
    # The manager goes first and runs the baseline forecast, so the others see its charts and tables.
    for role in [MANAGER, COMMISSIONER, LEAD_COMMISSIONER, DATA_ADMIN]:
        context = _browser.new_context(base_url=live_server.url)
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.base_url = live_server.url
        login_as(page, users[role])
        if role == MANAGER:
            _visit(page, f"/forecast/?la={DEMO}")
            page.get_by_role("button", name="Run the forecast").click()
            page.wait_for_selector("#block-total .app-chart .main-svg")

        _visit(page, "/")
        menu = page.get_by_role("navigation", name="Menu").get_by_role("link")
        nav = {
            href.split("?")[0]
            for href in menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        }
        pages = _pages()
        assert nav <= {p.split("?")[0] for p in pages}, f"{role}: a navigation page is not checked"
        assert ("/data/" in nav) == (role == DATA_ADMIN)

        for path in pages:
            _visit(page, path)
            _check(page, axe_violations, role, found)
            checked += 1
        # The chart About page, reached from the dashboard as a reader would.
        _visit(page, f"/placements/?la={DEMO}")
        page.get_by_role("link", name="About this measure").first.click()
        page.wait_for_load_state("load")
        _check(page, axe_violations, role, found)
        checked += 1

        if role == DATA_ADMIN:  # the pages with wide tables or charts again, at phone width
            page.set_viewport_size(PHONE)
            for path in [p for p in pages if p.startswith(PHONE_PAGES)]:
                _visit(page, path)
                _check(page, axe_violations, f"{role} (phone)", found)
                checked += 1
        context.close()

    assert checked >= 4 * 27 + 10
    assert not found, f"{len(found)} axe-core violations:\n" + "\n".join(found)


def test_phase_banner_is_in_the_header_and_its_feedback_link_goes_somewhere(
    browser_page, login_as, make_user, seeded_core, settings
):
    page = browser_page
    login_as(page, make_user(COMMISSIONER))
    banner = page.get_by_role("banner").locator(".govuk-phase-banner")
    expect(banner).to_be_visible()
    banner.get_by_role("link", name="Tell the Commissioning and Resources team what you think of it").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/accessibility/#feedback")
    expect(page.locator("#feedback")).to_be_visible()

    settings.FEEDBACK_EMAIL = "sufficiency.feedback@example.org"
    page.goto(f"{page.base_url}/")
    link = page.locator(".govuk-phase-banner a")
    assert link.get_attribute("href").startswith("mailto:sufficiency.feedback@example.org?subject=")


def test_show_as_table_reads_hide_table_while_open(browser_page, login_as, make_user, portal_data):
    page = browser_page
    login_as(page, make_user(MANAGER))
    _visit(page, f"/placements/?la={DEMO}")
    summary = page.locator("details.govuk-details summary").first
    label = summary.locator(".govuk-details__summary-text")
    hidden_name = label.locator(".govuk-visually-hidden").inner_text()
    # The label changes on the details' toggle event, which fires after the click: wait for it.
    expect(label).to_have_text(re.compile(r"^Show as table"))
    expect(summary).to_have_attribute("aria-expanded", "false")
    summary.click()
    expect(label).to_have_text(re.compile(r"^Hide table"))
    expect(summary).to_have_attribute("aria-expanded", "true")
    assert label.locator(".govuk-visually-hidden").inner_text() == hidden_name  # the chart's name stays
    expect(summary.locator("xpath=..").locator("table")).to_be_visible()
    summary.press("Enter")  # keyboard closes it again
    expect(label).to_have_text(re.compile(r"^Show as table"))
    expect(summary).to_have_attribute("aria-expanded", "false")


def test_wide_tables_on_a_phone_say_they_scroll_and_keep_their_first_column(
    browser_page, login_as, make_user, portal_data
):
    page = browser_page
    page.set_viewport_size(PHONE)
    login_as(page, make_user(MANAGER))
    for path in ("/priorities/", "/priorities/board-pack/"):
        _visit(page, path)
        region = page.locator(".app-table-scroll[role=region]").last
        hint_id = region.get_attribute("aria-describedby")
        assert page.locator(f"#{hint_id}").inner_text() == "Scroll sideways to see every column."
        expect(page.locator(f"#{hint_id}")).to_be_visible()
        assert region.get_attribute("tabindex") == "0"
        assert region.evaluate("r => r.scrollWidth > r.clientWidth"), f"{path}: the table fits a phone"
        first = region.locator("tbody tr").first.locator("th, td").first
        before = first.bounding_box()["x"]
        region.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("End")
        page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
        assert abs(first.bounding_box()["x"] - before) < 1  # the name column stayed in view

    page.set_viewport_size({"width": 1280, "height": 800})
    _visit(page, "/priorities/")
    assert not page.locator(".app-table-scroll__hint").first.is_visible()
