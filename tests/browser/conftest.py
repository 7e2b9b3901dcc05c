"""Browser journeys: Playwright's Python package driving Debian's Chromium against a live server.

Never `playwright install`: the browser is /usr/bin/chromium from the Debian package (the test
command installs it). Screenshots go to test-results/screenshots/.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run beside one
# unless told it is safe, which it is here (one thread drives both, one call at a time).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Every Content-Security-Policy refusal is reported to the console, by Chromium ("Refused to
# ...") and by this listener (the DOM event names the directive and what was blocked).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def csp_violations_of(page) -> list[str]:
    return [
        text
        for text in page.console_texts
        if "Content Security Policy" in text or "Refused to" in text or "CSP violation" in text
    ]


def watch_for_csp_violations(context, page) -> None:
    """Record the console of `page` (opened in `context`) for `csp_violations_of`."""
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page.console_texts = []
    page.on("console", lambda message: page.console_texts.append(message.text))


def close_checking_csp(page) -> None:
    violations = csp_violations_of(page)
    page.context.close()
    assert not violations, violations


@pytest.fixture
def phone_page(browser, live_server, official_areas):
    """A fresh phone-sized browser context (390×844) pointed at the live server. A journey fails
    if any page it visits breaks the Content-Security-Policy."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="th-TH"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    yield page
    close_checking_csp(page)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-results/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, username: str, password: str) -> None:
    # Logging out first clears the phone's offline copies in script, then sends the form: a
    # journey that logs in again at once can have its page load cut off by that submission
    # (net::ERR_ABORTED). Let the logout finish, then open the login page again.
    for attempt in range(3):
        try:
            page.goto(page.base_url + "/login/")
            page.wait_for_selector("#id_username", timeout=5000)
            break
        except PlaywrightError:  # cut off (net::ERR_ABORTED) or replaced by the logout's answer
            if attempt == 2:
                raise
            page.wait_for_load_state()
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=my-roles]")


@pytest.fixture
def survey_instrument(official_areas):
    """The instrument rows a data migration loads; a transactional test's flush (every browser
    test is one) removes them, so a journey that builds surveys loads them again."""
    from django.apps import apps as django_apps

    from households.surveys.instrument_loader import load_instrument_v1

    load_instrument_v1(django_apps)
