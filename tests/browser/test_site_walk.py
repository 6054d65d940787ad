"""Every page of the demo site, in Chromium at a phone's and a desktop's width: nothing
from another origin (the `page` fixture checks), no console error, nothing wider than
the screen. Feeds, the sitemap and reference downloads are not HTML and not walked."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from articles.models import ArticleIndexPage
from benchmarks.content import create_articles
from contact.models import ContactPage
from tests.browser.conftest import DESKTOP, PHONE

NOT_FOUND_LOG = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def site_urls(site) -> list[tuple[str, int]]:
    """(path, expected status) for every page a visitor can reach."""
    pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
    urls = [(page.get_url(), 200) for page in pages.specific().order_by("path")]
    index = ArticleIndexPage.objects.get().url
    contact = ContactPage.objects.get().url
    return [
        *urls,
        (f"{index}?page=2", 200),
        (f"{index}?tag=research", 200),
        (f"{contact}thank-you/", 200),
        ("/search/", 200),
        ("/search/?q=therapy", 200),
        ("/search/?q=zzzqqq", 200),  # nothing found
        ("/no-such-page/", 404),
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_at_phone_and_desktop_width(page, demo_site, request_log):
    # Eleven articles, so the index has a second page.
    create_articles(ArticleIndexPage.objects.get(), 8)
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    urls = site_urls(demo_site)
    assert len(urls) > 20

    problems = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for url, status in urls:
            where = f"{url} at {viewport['width']}px"
            response = page.goto(url)
            if response.status != status:
                problems.append(f"{where}: HTTP {response.status}")
            expected_log = [NOT_FOUND_LOG] if status == 404 else []
            if request_log.console_errors != expected_log:
                problems.append(f"{where}: console {request_log.console_errors}")
            request_log.console_errors.clear()
            if page.get_by_role("heading", level=1).count() != 1:
                problems.append(f"{where}: not one h1")
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{where}: {overflow}px wider than the window")
    assert problems == []
    # The search walked above was a page of results, not "nothing matched".
    page.goto("/search/?q=therapy")
    assert page.locator(".search-results li").count() > 0
