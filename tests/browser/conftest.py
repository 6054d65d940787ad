"""Real Chromium (Debian's package) driven by Playwright against the live test server.

Nothing here is skipped: without Chromium every browser test fails and says how to
install it. Every request a page makes is recorded, and a request to another origin
fails the test that made it. A failing test leaves a screenshot and the page's HTML in
test-artifacts/.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.totp import enrol_totp, fresh_totp_code

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Without the background-networking flags Chromium phones home at start, and this
# machine's closed network refuses it.
# Debian's wrapper turns on remote extensions, whose update host Chromium then looks up
# through the machine's DNS server: every name but loopback's fails inside Chromium.
HOST_RESOLVER_RULES = "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
BASE_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_ARGS = [*BASE_CHROMIUM_ARGS, f"--host-resolver-rules={HOST_RESOLVER_RULES}"]
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Schemes that never leave the page.
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests need Debian's "
            "package: `sudo apt-get install chromium` (or set CHROMIUM_PATH). "
            "They are never skipped.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
    # are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    serialized = serialized_test_contents()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        keep_serialized_test_contents(serialized)
        yield chromium
        chromium.close()


# Playwright's sync API leaves its event loop "running" in this thread. Django keeps
# connections in an asgiref Local that, with a running loop, switches from thread-local to
# context-local storage: after the browser starts, the tests get new connection objects.
# The test database's serialized contents (for serialized_rollback) were stored on the old
# ones when an earlier non-browser test set the database up; without them the next
# transactional test starts on a flushed, empty database (no Wagtail Site).
def serialized_test_contents() -> dict[str, str]:
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def keep_serialized_test_contents(serialized: dict[str, str]) -> None:
    from django.db import connections

    for alias, contents in serialized.items():
        if not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents


class RequestLog:
    """Every URL the browser asked for, and the console's errors, for one test."""

    def __init__(self, origin: str):
        self.origin = origin
        self.urls: list[str] = []
        self.console_errors: list[str] = []

    def foreign(self) -> list[str]:
        own = urlsplit(self.origin).netloc
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != own
        ]


@pytest.fixture
def request_log(live_server):
    return RequestLog(live_server.url)


@pytest.fixture
def browser_context(browser, live_server, request_log):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    # Assertions wait as long as actions do: on a busy machine Wagtail's preview panel or
    # an autosave can take longer than expect()'s default 5 seconds.
    expect.set_options(timeout=15_000)
    context.on("request", lambda request: request_log.urls.append(request.url))
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request_log, request):
    """A desktop-sized tab. Fails the test on any request to another origin."""
    tab = browser_context.new_page()
    tab.on(
        "console",
        lambda message: message.type == "error" and request_log.console_errors.append(message.text),
    )
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save_artifacts(tab, request.node.nodeid)
    assert request_log.foreign() == [], "the page asked another origin for something"


def save_artifacts(tab, nodeid: str) -> None:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(tab.content(), encoding="utf-8")
    except Exception as error:  # noqa: BLE001 - a closed tab must not hide the real failure
        print(f"Could not save browser artifacts for {nodeid}: {error!r}")  # noqa: T201


# --- Staff logins ------------------------------------------------------------------------

STAFF_PASSWORD = "a-long-test-password"


@pytest.fixture
def make_staff(django_user_model):
    """make_staff("robin", "Inquiry reviewers", first_name="Robin"): a login in the
    project's real groups (from the migrations), with STAFF_PASSWORD."""
    from django.contrib.auth.models import Group

    def make(username: str, *group_names: str, **fields):
        user = django_user_model.objects.create_user(
            username=username, password=STAFF_PASSWORD, **fields
        )
        user.groups.add(*(Group.objects.get(name=name) for name in group_names))
        enrol_totp(user)  # an authenticator app, set up on an earlier day
        return user

    return make


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    """As in production: staff sign in with a password and a code, and enrol first."""
    settings.ADMIN_REQUIRE_2FA = True


# Codes already given per secret: allauth accepts each code once.
USED_CODES: dict[str, set[str]] = {}


def totp_secret(username: str) -> str | None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(
        user__username=username, type=Authenticator.Type.TOTP
    ).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


def log_in(tab, username: str, password: str = STAFF_PASSWORD) -> None:
    """As a person would: the admin's address leads to the two-factor sign-in; password,
    then a code from the authenticator app (computed here). A user without one is asked
    to set it up first, and does: scans (reads) the secret, enters a code. Ends on the
    dashboard."""
    tab.goto("/admin/login/")
    expect(tab).to_have_url(re.compile(r"/accounts/login/"))
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign In").click()
    secret = totp_secret(username)
    if secret is None:
        expect(tab).to_have_url(re.compile(r"/accounts/reauthenticate/"))
        tab.get_by_label("Password").fill(password)
        tab.get_by_role("button", name="Confirm").click()
        expect(tab).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
        secret = tab.locator("#authenticator_secret").input_value()
        code = fresh_totp_code(secret, USED_CODES.setdefault(secret, set()))
        tab.get_by_label("Authenticator code").fill(code)
        tab.get_by_role("button", name="Activate").click()
        expect(tab.get_by_text("Recovery Codes").first).to_be_visible()
        tab.goto("/admin/")
    else:
        expect(tab).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        code = fresh_totp_code(secret, USED_CODES.setdefault(secret, set()))
        tab.get_by_label("Code").fill(code)
        tab.get_by_role("button", name="Sign In").click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


def admin_menu(tab):
    """The admin's sidebar (rendered by script, so locators wait for it)."""
    return tab.get_by_role("navigation", name="Main menu")
