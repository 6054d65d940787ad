"""Failed admin logins are throttled by django-axes, per account and per client address,
through the real sign-in view (allauth's; Wagtail's /admin/login/ leads there); nothing
about who tried ends up in the logs. The code step: tests/practice/test_two_factor.py."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command

from tests.contact.conftest import captured_logs

PASSWORD = "harbor-lights-at-dusk-42"
ATTACKER = "203.0.113.10"
ELSEWHERE = "198.51.100.20"
LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def throttling(settings):
    """On, as in production (test.py turns it off for the test client's login())."""
    settings.AXES_ENABLED = True


@pytest.fixture
def editors(db, django_user_model):
    return [
        django_user_model.objects.create_superuser(name, password=PASSWORD)
        for name in ("quill-editor", "second-editor", "third-editor")
    ]


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


def log_in(client, username, password, address=ATTACKER, **headers):
    return client.post(
        "/accounts/login/",
        {"login": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def assert_signed_in(response):
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def assert_locked_out(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html
    assert "Please wait 15 minutes" in html
    assert "wagtailadmin/css/core.css" in html  # the admin's own look
    assert "sessionid" not in response.cookies


def test_the_defaults(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_failures_lock_the_account_from_every_address(client, editors, limit):
    editor = editors[0].username
    for _ in range(limit - 1):
        response = log_in(client, editor, "wrong-guess")
        assert response.status_code == 200
        assert "are not correct" in response.content.decode()
    assert_locked_out(log_in(client, editor, "wrong-guess"))
    # The right password, from the same address or any other, is refused too.
    assert_locked_out(log_in(client, editor, PASSWORD))
    assert_locked_out(log_in(client, editor, PASSWORD, address=ELSEWHERE))
    assert client.get("/admin/").status_code == 302  # still not signed in
    # Other accounts, from another address, are not affected.
    assert_signed_in(log_in(client, editors[1].username, PASSWORD, address=ELSEWHERE))


def test_failures_across_accounts_lock_the_address(client, editors, limit):
    """Trying many accounts from one address (password spraying) counts per address:
    each account stays below the limit, the address reaches it."""
    for attempt in range(limit - 1):
        response = log_in(client, editors[attempt % 2].username, "wrong-guess")
        assert response.status_code == 200
    assert_locked_out(log_in(client, "no-such-user", "wrong-guess"))
    # Every account is refused from that address, even with its right password...
    assert_locked_out(log_in(client, editors[2].username, PASSWORD))
    # ...while the same accounts still sign in from elsewhere.
    assert_signed_in(log_in(client, editors[0].username, PASSWORD, address=ELSEWHERE))


def test_a_successful_login_resets_the_count(client, editors, limit):
    editor = editors[0].username
    for _ in range(limit - 1):
        log_in(client, editor, "wrong-guess")
    assert_signed_in(log_in(client, editor, PASSWORD))
    client.logout()
    assert not AccessAttempt.objects.exists()
    for _ in range(limit - 1):
        assert log_in(client, editor, "wrong-guess").status_code == 200
    assert_signed_in(log_in(client, editor, PASSWORD))


def test_the_lockout_ends_after_the_cool_off(client, editors, limit, settings):
    editor = editors[0].username
    for _ in range(limit):
        log_in(client, editor, "wrong-guess")
    assert_locked_out(log_in(client, editor, PASSWORD))
    # As if the cool-off had passed since the last attempt.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
    )
    assert_signed_in(log_in(client, editor, PASSWORD))


def test_axes_reset_unlocks(client, editors, limit):
    editor = editors[0].username
    for _ in range(limit):
        log_in(client, editor, "wrong-guess")
    assert_locked_out(log_in(client, editor, PASSWORD))
    call_command("axes_reset_username", editor)
    assert_signed_in(log_in(client, editor, PASSWORD))


def test_behind_a_proxy_each_client_has_its_own_count(client, editors, limit, settings):
    """The client address is the contact form's (practice.clients.client_address), so with
    TRUSTED_PROXY_COUNT the proxy's address is not what gets locked."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for attempt in range(limit):
        log_in(
            client,
            f"guess-{attempt}",
            "wrong-guess",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}",
        )
    assert AccessAttempt.objects.filter(ip_address=ATTACKER).count() == limit
    assert_locked_out(
        log_in(client, editors[0].username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    )
    assert_signed_in(
        log_in(client, editors[0].username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    )


def test_an_ipv6_client_is_counted_by_its_slash_64(client, editors, limit):
    for attempt in range(limit - 1):
        log_in(client, f"guess-{attempt}", "wrong-guess", address=f"2001:db8:1:2::{attempt + 1}")
    assert_locked_out(log_in(client, "guess", "wrong-guess", address="2001:db8:1:2:ffff::9"))
    assert_signed_in(log_in(client, editors[0].username, PASSWORD, address="2001:db8:1:3::1"))


def test_no_usernames_or_addresses_in_the_logs(client, editors, limit):
    editor = editors[0].username
    with captured_logs() as logs:
        for _ in range(limit + 1):
            log_in(client, editor, "wrong-guess", HTTP_USER_AGENT="QuillBrowser/9.9")
        assert_signed_in(log_in(client, editors[1].username, PASSWORD, address=ELSEWHERE))
    text = "\n".join(logs)
    assert "AXES: Locking out" in text  # the logs do say what happened
    for secret in (editor, editors[1].username, ATTACKER, ELSEWHERE, "QuillBrowser", "wrong-guess"):
        assert secret not in text
    # Nor a login history with every staff member's address and browser.
    assert not AccessLog.objects.exists()


def test_weak_passwords_are_refused_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "newcomer",
            "email": "newcomer@practice.example",
            "first_name": "New",
            "last_name": "Comer",
            "password1": "password1234",
            "password2": "password1234",
        },
    )
    html = response.content.decode()
    assert "This password is too common." in html
    response = admin_client.post(
        "/admin/users/new/",
        {"username": "newcomer", "password1": "short-pw", "password2": "short-pw"},
    )
    assert "at least 12 characters" in response.content.decode()
