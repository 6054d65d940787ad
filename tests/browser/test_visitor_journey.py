"""A visitor's way through the site in Chromium: menu, article, citation, hours, contact."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from contact.models import Inquiry
from practice.models import DEFAULT_WAITLIST_BANNER, PracticeSettings
from tests.browser.conftest import admin_menu, log_in
from tests.contact.conftest import notification_jobs

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# What Chromium logs for a page answered with a 400, as the contact form with errors is.
BAD_REQUEST_LOG = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def fresh_rate_limit():
    """The contact form's real limit stays on; only earlier tests' counts are forgotten
    (they share this process's cache and the address 127.0.0.1)."""
    cache.clear()


def fill_contact_form(page, *, email: str) -> None:
    page.get_by_label("Your name").fill("Jordan Lee")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number (optional)").fill("+1 555 010 3311")
    page.get_by_role("radio", name="Phone").check()
    page.get_by_role("radio", name="New client").check()
    page.get_by_label("Your message").fill(
        "I'd like to ask about weekly sessions.\nEvenings would suit me best."
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_visitor_reads_an_article_checks_the_hours_and_writes(
    page, demo_site, request_log, settings, fresh_rate_limit
):
    # A person fills this form in well under the spam rule's 3 seconds; the rule itself
    # is checked in the next test.
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 0

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Articles").click()
    expect(page).to_have_url(re.compile(r"/articles/$"))
    expect(menu.get_by_role("link", name="Articles")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Why I ask for your feedback every session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why I ask for your feedback every session"
    )

    # An in-text citation leads to its entry in the reference list, and back.
    citation = page.locator(".article-body a.citation").first
    expect(citation).to_have_text(re.compile(r"^\(?Lambert et al\., 2018"))
    citation_id = citation.get_attribute("id")
    citation.click()
    entry = page.locator(".reference-list li:target")
    expect(entry).to_contain_text("Lambert, M. J., Whipple, J. L., & Kleinstäuber, M. (2018).")
    expect(entry).to_be_in_viewport()
    entry.get_by_role("link", name="Back to citation 1 in the text").click()
    expect(page).to_have_url(re.compile(f"#{citation_id}$"))
    expect(page.locator(f"#{citation_id}")).to_be_in_viewport()

    # The footer's hours: the week from the server, "open now" from hours.js.
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("heading", name="Office hours")).to_be_visible()
    week = footer.get_by_role("table", name="Office hours, Monday to Sunday")
    row_names = week.get_by_role("rowheader")
    expect(row_names).to_have_count(7)
    for row_name, weekday in zip(row_names.all(), WEEKDAYS, strict=True):
        expect(row_name).to_contain_text(weekday)
    expect(week.get_by_role("row", name="Saturday")).to_contain_text("Closed")
    status = footer.locator("[data-hours-status]")
    expect(status).to_be_visible()
    expect(status).to_have_text(re.compile(r"^(Open|Closed)"))
    expect(footer).to_contain_text("Sessions by appointment; telehealth available.")

    # The contact form: first sent back with mistakes, then corrected.
    menu.get_by_role("link", name="Contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact")
    fill_contact_form(page, email="jordan.lee@example")
    page.get_by_role("button", name="Send message").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Please correct the 2 problems below")
    expect(errors.get_by_role("link", name=re.compile("^Email address:"))).to_be_visible()
    expect(errors.get_by_role("link", name=re.compile("^I understand"))).to_be_visible()
    assert Inquiry.objects.count() == 0
    # What the visitor typed is still there to correct.
    expect(page.get_by_label("Your message")).to_have_value(
        "I'd like to ask about weekly sessions.\nEvenings would suit me best."
    )
    expect(page.get_by_role("radio", name="Phone")).to_be_checked()
    assert request_log.console_errors == [BAD_REQUEST_LOG]
    request_log.console_errors.clear()

    errors.get_by_role("link", name=re.compile("^Email address:")).click()
    expect(page.get_by_label("Email address")).to_be_focused()
    page.get_by_label("Email address").fill("jordan.lee@example.com")
    page.get_by_role("checkbox", name=re.compile("^I understand")).check()
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page).to_have_url(re.compile(r"/contact/thank-you/$"))
    expect(page.get_by_role("main")).to_contain_text("within two working days")

    inquiry = Inquiry.objects.get()
    assert (inquiry.name, inquiry.email, inquiry.phone) == (
        "Jordan Lee",
        "jordan.lee@example.com",
        "+1 555 010 3311",
    )
    assert inquiry.preferred_contact == Inquiry.ContactMethod.PHONE
    assert inquiry.message == "I'd like to ask about weekly sessions.\nEvenings would suit me best."
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.spam_reason == ""
    assert inquiry.notification_state == Inquiry.Notification.PENDING
    # The email waits for the worker: queued with the inquiry, not sent by the request.
    job = notification_jobs().get()
    assert job.args_kwargs == {"args": [inquiry.pk], "kwargs": {}}
    assert mail.outbox == []
    assert request_log.console_errors == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_too_fast_is_kept_as_spam_behind_the_same_thank_you_and_counts_for_the_limit(
    page, demo_site, request_log, settings, fresh_rate_limit
):
    # However fast this machine is, no form comes back within an hour of being shown.
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 3600
    settings.INQUIRY_RATE_LIMIT = 1
    page.goto("/contact/")
    fill_contact_form(page, email="jordan.lee@example.com")
    page.get_by_role("checkbox", name=re.compile("^I understand")).check()
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    inquiry = Inquiry.objects.get()
    assert (inquiry.status, inquiry.spam_reason) == (Inquiry.Status.SPAM, "too_fast")
    assert inquiry.notification_state == Inquiry.Notification.SKIPPED
    assert not notification_jobs().exists()
    assert request_log.console_errors == []

    # Spam counts against the hourly limit too: the next message from here must wait.
    page.get_by_role("link", name="Send another message").click()
    fill_contact_form(page, email="jordan.lee@example.com")
    page.get_by_role("checkbox", name=re.compile("^I understand")).check()
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please try again later")
    expect(page.get_by_role("main")).to_contain_text("or call (555) 010-4477")
    assert Inquiry.objects.count() == 1
    assert request_log.console_errors == [
        "Failed to load resource: the server responded with a status of 429 (Too Many Requests)"
    ]
    request_log.console_errors.clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_waitlist_a_visitor_sees_the_banner_and_asks_for_a_place(
    page, demo_site, request_log, settings, fresh_rate_limit, make_staff
):
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 0
    practice = PracticeSettings.for_site(demo_site)
    practice.accepting_new_clients = PracticeSettings.AcceptingClients.WAITLIST
    practice.save()

    page.goto("/")
    banner = page.get_by_role("banner").locator(".intake-banner")
    expect(banner).to_have_text(DEFAULT_WAITLIST_BANNER)
    expect(page.locator(".home-welcome .availability")).to_have_text("Waitlist for new clients")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact")
    expect(banner).to_have_text(DEFAULT_WAITLIST_BANNER)
    expect(page.get_by_role("main")).to_contain_text("new clients join a waitlist")
    expect(page.get_by_role("heading", name="Ask for a place on the waitlist")).to_be_visible()

    page.get_by_label("Your name").fill("Jordan Lee")
    page.get_by_label("Email address").fill("jordan.lee@example.com")
    waitlist_choice = page.get_by_role("radio", name="New client: put me on the waitlist")
    expect(waitlist_choice).to_be_checked()
    page.get_by_label("Your message").fill("Weekday evenings would suit me.")
    page.get_by_role("checkbox", name=re.compile("^I understand")).check()
    page.get_by_role("button", name="Send waitlist request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    inquiry = Inquiry.objects.get()
    assert (inquiry.kind, inquiry.client_type) == (Inquiry.Kind.WAITLIST, "new")
    assert inquiry.name == "Jordan Lee"
    assert request_log.console_errors == []

    # The therapist's inbox: the waitlist, first come first served, with each one's place.
    make_staff("robin", "Inquiry reviewers")
    log_in(page, "robin")
    admin_menu(page).get_by_role("link", name="Inquiries").click()
    page.get_by_role("button", name="Show filters").click()
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_role("radio", name="The waitlist, first come first served").check()
    expect(page).to_have_url(re.compile(r"[?&]folder=waitlist"))
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Jordan Lee")
    expect(rows.first).to_contain_text("Waitlist request")
    expect(rows.first.get_by_role("cell").last).to_have_text("1")
