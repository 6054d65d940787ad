"""The out-of-state notice in a real browser: contact-form.js shows it as the state is
chosen, and a person who confirms it sends their message."""

import pytest
from playwright.sync_api import expect

from contact.models import Inquiry
from tests.browser.checks import VALID_INQUIRY, allow_quick_submissions


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_notice_follows_the_chosen_state_and_confirming_sends(page, demo_site, settings):
    allow_quick_submissions(settings)
    page.goto("/contact/")
    notice = page.locator("#out-of-state")
    state = page.get_by_label("Which state do you live in?")
    expect(notice).to_be_hidden()
    state.select_option(label="California")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Licensed in: New York")
    state.select_option(label="New Jersey")  # PSYPACT: served
    expect(notice).to_be_hidden()
    state.select_option(label="Outside the US")
    expect(notice).to_be_visible()

    page.get_by_label("Your name").fill(VALID_INQUIRY["name"])
    page.get_by_label("Email address").fill(VALID_INQUIRY["email"])
    page.get_by_label("Your message").fill(VALID_INQUIRY["message"])
    page.get_by_label("I understand that email").check()
    page.get_by_label("I have read this note").check()
    page.get_by_role("radio", name="Insurance: Aetna").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send message").click()
    assert page.url.endswith("/contact/thank-you/")
    inquiry = Inquiry.objects.get()
    assert (inquiry.state, inquiry.payment) == ("Outside the US", "Insurance: Aetna")
