"""An article as it prints: the text and its references, with their addresses written out;
no header, search, menu, footer, back-links or download links."""

import pytest
from playwright.sync_api import expect

from tests.browser.checks import ARTICLE_WITH_REFERENCES


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_article_prints_with_its_references_and_without_the_site_around_it(page, demo_site):
    page.goto(ARTICLE_WITH_REFERENCES)
    header, footer = page.locator(".site-header"), page.get_by_role("contentinfo")
    expect(header).to_be_visible()
    expect(footer).to_be_visible()

    page.emulate_media(media="print")
    for hidden in (
        header,
        footer,
        page.get_by_role("search", name="Site"),
        page.get_by_role("navigation", name="Main"),
        page.locator(".reference-downloads"),
        page.locator(".citation-backlink").first,
    ):
        expect(hidden).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    references = page.locator(".reference-list li")
    expect(references.first).to_be_visible()
    # Each reference's DOI is printed in full, as its link's own text.
    doi = references.first.locator("a[href^='https://doi.org/']")
    expect(doi).to_be_visible()
    assert doi.inner_text() == doi.get_attribute("href")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_notice_prints_with_its_dates_and_without_the_site_around_it(page, demo_site):
    """The Good Faith Estimate notice must also hang in the office: printed from the site."""
    page.goto("/good-faith-estimate/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("contentinfo")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Good Faith Estimate")
    expect(page.locator(".notice-dates")).to_contain_text("Effective date")
    expect(page.locator(".notice-dates")).to_contain_text("Last updated")
    help_page = page.get_by_role("link", name="www.cms.gov/nosurprises")
    expect(help_page).to_be_visible()
