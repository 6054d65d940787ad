"""The Content-Security-Policy in a real browser (tests/browser/conftest.py's Chromium):
public pages and the Wagtail admin work without a single violation, and the strict
public policy really does stop inline script."""

import re

import pytest
from wagtail.models import Page

from tests.practice.test_security_headers import public_urls
from tests.totp import enrol_totp, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Runs in every document, frames included, before the page's own scripts.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
}, true);
"""
PASSWORD = "a-long-enough-passphrase-for-tests"


class Browser:
    def __init__(self, page, request_log):
        self.page = page
        self.request_log = request_log
        page.add_init_script(WATCH_VIOLATIONS)

    def goto(self, path):
        response = self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        return response

    def violations(self) -> list[str]:
        # Chromium reports a refused frame-ancestors only on the console, not as an event.
        found = [e for e in self.request_log.console_errors if "Content Security Policy" in e]
        for frame in self.page.frames:
            if frame.url.startswith("http"):
                found += frame.evaluate("window.__cspViolations || []")
        return found


@pytest.fixture
def browser(page, request_log):
    return Browser(page, request_log)


def test_public_pages_raise_no_violation(browser, demo_site):
    for url in public_urls():
        browser.goto(url)
        assert browser.page.locator('script[type="application/ld+json"]').count() >= 1, url
        assert browser.violations() == [], url
    # The contact form's radio buttons, checkbox and error icons are Bootstrap's data: SVGs.
    browser.goto("/contact/")
    browser.page.check("input[type=radio] >> nth=0")
    browser.page.check("input[type=checkbox]")
    browser.page.click("#contact-form [type=submit]")
    browser.page.wait_for_load_state("networkidle")
    assert browser.page.locator("#form-errors").count() == 1
    assert browser.violations() == []


def test_the_public_policy_blocks_inline_script(browser, demo_site):
    """The check above can fail: script injected into a public page does not run."""
    browser.goto("/about/")
    browser.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injectedRan = true";
            document.body.append(script);
        }"""
    )
    assert browser.page.evaluate("window.__injectedRan === undefined")
    assert any(v.startswith("script-src-elem inline") for v in browser.violations())


def test_json_ld_is_not_checked_against_script_src(browser, demo_site):
    """Why the hashes are belt and braces (see practice/security.py): with them removed
    from the policy, Chromium still raises no violation for the JSON-LD data blocks."""

    def without_hashes(route):
        response = route.fetch()
        headers = dict(response.headers)
        policy = headers["content-security-policy"]
        headers["content-security-policy"] = re.sub(r" 'sha256-[^']+'", "", policy)
        assert "sha256" in policy
        assert "sha256" not in headers["content-security-policy"]
        route.fulfill(response=response, headers=headers)

    browser.page.route(re.compile(r".*/about/$"), without_hashes)
    browser.goto("/about/")
    blocks = browser.page.evaluate(
        """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
            .map((block) => JSON.parse(block.textContent)["@type"])"""
    )
    assert blocks
    assert browser.violations() == []


def test_admin_login_dashboard_editor_and_preview_raise_no_violation(
    browser, demo_site, django_user_model
):
    secret = enrol_totp(django_user_model.objects.create_superuser("editor", password=PASSWORD))
    about = Page.objects.get(slug="about")
    page = browser.page

    # /admin/login/ leads to the two-factor sign-in: password, then the code step.
    browser.goto("/admin/login/")
    page.fill("#id_login", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert browser.violations() == []
    page.fill("#id_code", totp_code(secret))
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/admin/")
    assert browser.violations() == []

    browser.goto(f"/admin/pages/{about.pk}/edit/")
    assert page.locator("#id_title").input_value() == about.title
    assert browser.violations() == []

    # The preview panel shows the page in a same-origin iframe under /admin/.
    page.locator("[data-side-panel-toggle='preview']").first.click()
    preview = page.frame_locator("#w-preview-iframe")
    preview.get_by_role("heading", name=about.title, level=1).wait_for()
    assert browser.violations() == []

    # A signed-in editor's public page has Wagtail's user bar; it works under the strict policy.
    browser.goto("/about/")
    page.locator("wagtail-userbar #wagtail-userbar-trigger").click()
    page.locator("wagtail-userbar #wagtail-userbar-items").wait_for()
    assert browser.violations() == []
