"""The contact form with the keyboard alone: every stop shows where focus is, errors are
announced and tied to their fields, and focus goes to them after a failed submission.
The header's search box too, with script switched off."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.checks import VALID_INQUIRY, allow_quick_submissions, build_search_index
from tests.browser.conftest import PHONE

# The form's tab order; the honeypot (hidden, tabindex=-1) is never reached.
FORM_ORDER = [
    "id_name",
    "id_email",
    "id_phone",
    "id_preferred_contact_0",  # a radio group is one stop, on its checked option
    "id_email_ok_0",  # or on its first option when none is checked
    "id_voicemail_ok_0",
    "id_client_type_0",
    *(f"id_preferred_days_{day}" for day in range(5)),  # each checkbox is a stop
    "id_preferred_times_0",
    "id_preferred_times_1",
    "id_payment_0",
    "id_payment_other",
    "id_state",
    # The out-of-state confirmation is hidden (display: none) until a state outside is chosen.
    "id_message",
    "id_acknowledge",
    "submit-id-send",
]
# What the focused element looks like. The site's focus ring is a 3px outline (site.css);
# a box-shadow alone does not count: Bootstrap's pale one is hardly visible.
FOCUS_STYLE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        id: element.id,
        tag: element.tagName.toLowerCase(),
        text: (element.textContent || element.value || "").trim().slice(0, 40),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        focusVisible: element.matches(":focus-visible"),
    };
}"""


def press_tab(page) -> dict:
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["focusVisible"], f"{focused} does not match :focus-visible"
    assert focused["outline"], f"focus is not visible on {focused}"
    return focused


def tab_to(page, element_id: str, limit: int = 40) -> list[dict]:
    """Tab from where focus is to `element_id`, checking the focus ring at every stop."""
    stops = []
    for _ in range(limit):
        stops.append(press_tab(page))
        if stops[-1]["id"] == element_id:
            return stops
    raise AssertionError(f"{limit} presses of Tab never reached #{element_id}: {stops}")


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_contact_form_is_filled_and_sent_with_the_keyboard_alone(page, demo_site, settings):
    allow_quick_submissions(settings)
    page.goto("/contact/")
    # Every link and control before the form shows its focus too (skip link, menu...).
    tab_to(page, FORM_ORDER[0])
    page.keyboard.type(VALID_INQUIRY["name"])
    visited = [FORM_ORDER[0]]
    for element_id in FORM_ORDER[1:]:
        visited.append(press_tab(page)["id"])
        if element_id == "id_email":
            page.keyboard.type(VALID_INQUIRY["email"])
        elif element_id == "id_message":
            page.keyboard.type(VALID_INQUIRY["message"])
        elif element_id == "id_acknowledge":
            page.keyboard.press("Space")
    assert visited == FORM_ORDER
    assert page.locator("#id_acknowledge").is_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/contact/thank-you/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_errors_are_announced_and_lead_to_their_fields(page, demo_site, settings):
    allow_quick_submissions(settings)
    page.goto("/contact/")
    tab_to(page, "id_name")
    page.keyboard.type(VALID_INQUIRY["name"])
    tab_to(page, "submit-id-send")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 400

    # Focus lands on the summary, which is an alert: read out at once.
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    page.wait_for_function("() => document.activeElement.id === 'form-errors'")
    assert "problems" in summary.inner_text()

    # Every invalid field says so and points at the text of its own error.
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.evaluate_all("(fields) => fields.map((field) => field.id)") == [
        "id_email",
        "id_message",
        "id_acknowledge",
    ]
    for field in invalid.all():
        described_by = (field.get_attribute("aria-describedby") or "").split()
        error_ids = [id_ for id_ in described_by if id_.endswith("_error")]
        assert error_ids, f"#{field.get_attribute('id')} is not described by its error"
        error_text = page.locator(f"#{error_ids[0]}").inner_text().strip()
        assert error_text
        assert error_text in summary.inner_text()
    assert page.locator("#id_name").get_attribute("aria-invalid") is None

    # The summary's first link takes focus to the first invalid field.
    assert press_tab(page)["tag"] == "a"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_email'")
    assert page.locator("#id_name").input_value() == VALID_INQUIRY["name"]

    # Correct the errors, still with the keyboard, and send with the Space bar.
    page.keyboard.type(VALID_INQUIRY["email"])
    tab_to(page, "id_message")
    page.keyboard.type(VALID_INQUIRY["message"])
    tab_to(page, "id_acknowledge")
    page.keyboard.press("Space")
    tab_to(page, "submit-id-send")
    with page.expect_navigation():
        page.keyboard.press("Space")
    # The browser keeps the summary link's #fragment across the redirect; harmless.
    assert urlsplit(page.url).path == "/contact/thank-you/"
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_header_search_box_works_with_the_keyboard_and_without_script(
    browser, live_server, demo_site
):
    build_search_index()
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    tab = context.new_page()
    try:
        tab.goto("/about/")
        field = tab.get_by_role("search", name="Site").get_by_label("Search this site")
        for _ in range(10):
            tab.keyboard.press("Tab")
            if tab.evaluate("() => document.activeElement.name") == "q":
                break
        expect(field).to_be_focused()
        focused = tab.evaluate(FOCUS_STYLE)
        assert focused["outline"], f"focus is not visible on {focused}"
        tab.keyboard.type("feedback")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        url = urlsplit(tab.url)
        assert (url.path, url.query) == ("/search/", "q=feedback")
        expect(tab.locator(".search-results li").first).to_contain_text(
            "Why I ask for your feedback every session"
        )
    finally:
        context.close()
