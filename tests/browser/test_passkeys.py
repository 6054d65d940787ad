"""A passkey as the second factor, in Chromium with a virtual authenticator (WebAuthn over
the DevTools protocol): added after signing in with a code, then used instead of one."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.conftest import STAFF_PASSWORD, log_in


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reviewer_adds_a_passkey_and_signs_in_with_it(page, make_staff, demo_site):
    reviewer = make_staff("robin", "Inquiry reviewers", first_name="Robin")
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    log_in(page, "robin")
    page.goto("/accounts/2fa/webauthn/add/")
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.get_by_label("Name").fill("Robin's laptop")
    page.get_by_role("button", name="Add").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))
    passkey = Authenticator.objects.get(user=reviewer, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Robin's laptop"

    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
