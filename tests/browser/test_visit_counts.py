"""A real Chromium visit is counted: visits.js sends its beacon, the worker writes it."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from practice import visit_batch
from practice.models import ContentPage
from practice.visits import VisitCount
from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Chromium's own user agent says HeadlessChrome, which is not counted (a scripted browser).
DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def visit(tab, path: str) -> int:
    """Open the page and wait for its beacon's answer."""
    with tab.expect_response(lambda response: response.url.endswith("/_visits/")) as beacon:
        tab.goto(path)
    assert beacon.value.request.method == "POST"
    return beacon.value.status


def test_a_visit_in_a_real_browser_is_counted(browser, live_server, demo_site, page, request_log):
    visit_batch.take()
    VisitCount.objects.all().delete()
    about = ContentPage.objects.get(slug="about")

    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, user_agent=DESKTOP_CHROME
    )
    try:
        person = context.new_page()
        errors = []
        person.on("console", lambda message: message.type == "error" and errors.append(message))
        assert visit(person, "/about/") == 204
        assert errors == []
        assert person.context.cookies() == []  # the count set nothing in the browser
    finally:
        context.close()
    assert visit(page, "/about/") == 204  # the headless user agent: not counted
    assert request_log.console_errors == []

    visit_batch.flush()
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert dict(
        VisitCount.objects.filter(date=timezone.localdate()).values_list("page_id", "count")
    ) == {about.pk: 1}
