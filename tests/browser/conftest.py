"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil

import pytest

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def _browser(_playwright):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def browser_page(_browser, live_server, transactional_db):
    """A fresh browser context and page; `page.base_url` is the live server's address."""
    context = _browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def login_as():
    """login_as(page, user): sign in through the real login form."""

    def _login(page, user, password=PASSWORD):
        page.goto(f"{page.base_url}/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("domcontentloaded")
        assert "/login/" not in page.url, f"login failed for {user.username}"

    return _login


def _axe_violations(axe, page, context, options) -> list:
    """axe-core's violations on the page as loaded: after a click that navigates, not half-way (before
    its stylesheet applies)."""
    page.wait_for_load_state("load")
    return axe.run(page, context=context, options=options).response.get("violations", [])


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): axe-core finds no WCAG 2.2 A/AA violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check(page, context=None):
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
        violations = _axe_violations(axe, page, context, options)
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
        )
        assert not violations, f"axe-core violations on {page.url}:\n{summary}"

    return _check


# Rules run with the WCAG tags: "region" (all content inside landmarks) is an axe best practice, not a
# WCAG rule, but the portal keeps it too.
EXTRA_RULES = ["region"]


@pytest.fixture
def axe_violations():
    """axe_violations(page) -> axe-core's violations on the current page (WCAG 2.2 A/AA and EXTRA_RULES)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _run(page, context=None):
        options = {
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
        }
        return _axe_violations(axe, page, context, options)

    return _run
