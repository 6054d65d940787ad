"""Two-factor sign-in (django-allauth MFA): the code step, enrolment when it is required,
recovery codes, throttling of the code, and every other way in tried as a way around it."""

import re
from urllib.parse import urlparse

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from axes.models import AccessAttempt
from django.core import mail

from tests.totp import enrol_totp, fresh_totp_code, totp_code

PASSWORD = "harbor-lights-at-dusk-42"
LOGIN = "/accounts/login/"
CODE_STEP = "/accounts/2fa/authenticate/"
ENROL = "/accounts/2fa/totp/activate/"


@pytest.fixture
def require_2fa(settings):
    settings.ADMIN_REQUIRE_2FA = True


@pytest.fixture
def therapist(db, django_user_model):
    return django_user_model.objects.create_superuser(
        "therapist", email="therapist@practice.example", password=PASSWORD
    )


@pytest.fixture
def enrolled(therapist):
    return enrol_totp(therapist)


def sign_in(client, username=None, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": username or "therapist", "password": password}, **extra)


def send_code(client, code, **extra):
    return client.post(CODE_STEP, {"code": code}, **extra)


def admin_status(client) -> int:
    return client.get("/admin/").status_code


def test_password_then_code_signs_in(client, enrolled, require_2fa):
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == CODE_STEP
    # The password alone: no admin session, at the dashboard or anywhere under /admin/.
    for path in ("/admin/", "/admin/pages/", "/admin/inquiries/", "/admin/users/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlparse(response["Location"]).path == LOGIN
    response = send_code(client, totp_code(enrolled))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert admin_status(client) == 200


def test_the_code_step_is_required_even_with_2fa_not_required(client, enrolled, settings):
    """ADMIN_REQUIRE_2FA decides who must enrol; whoever has enrolled always gets asked."""
    settings.ADMIN_REQUIRE_2FA = False
    assert sign_in(client)["Location"] == CODE_STEP
    assert admin_status(client) == 302
    send_code(client, totp_code(enrolled))
    assert admin_status(client) == 200


def test_a_wrong_or_reused_code_is_refused(client, enrolled, require_2fa):
    sign_in(client)
    right = totp_code(enrolled)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = send_code(client, wrong)
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert admin_status(client) == 302
    assert send_code(client, right).status_code == 302
    assert admin_status(client) == 200
    client.logout()
    # The same code, within its 30 seconds, a second time: refused.
    sign_in(client)
    assert send_code(client, right).status_code == 200
    assert admin_status(client) == 302


def test_a_recovery_code_works_once(client, therapist, enrolled, require_2fa):
    code = RecoveryCodes(
        Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()[0]
    sign_in(client)
    assert send_code(client, code)["Location"] == "/admin/"
    assert admin_status(client) == 200
    client.logout()
    sign_in(client)
    assert send_code(client, code).status_code == 200
    assert admin_status(client) == 302


@pytest.mark.parametrize("required", [True, False])
def test_wagtails_password_only_login_signs_nobody_in(client, therapist, settings, required):
    settings.ADMIN_REQUIRE_2FA = required
    for data in ({"username": "therapist", "password": PASSWORD}, {}):
        response = client.post("/admin/login/?next=/admin/pages/", data)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fpages%2F"
        assert "sessionid" not in response.cookies
        assert admin_status(client) == 302
    # The admin's own redirects for signed-out visitors lead to the two-factor sign-in.
    assert urlparse(client.get("/admin/pages/")["Location"]).path == LOGIN


@pytest.mark.parametrize("required", [True, False])
def test_a_session_that_skipped_the_code_is_ended(client, therapist, enrolled, settings, required):
    """A session made some other way (the test client's login, a password reset, a session
    from before two-factor was switched on) is not enough for an enrolled account."""
    settings.ADMIN_REQUIRE_2FA = required
    client.force_login(therapist)
    response = client.get("/admin/inquiries/")
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == LOGIN
    assert admin_status(client) == 302  # and it was signed out, not only turned away


@pytest.mark.parametrize("required", [True, False])
def test_wagtails_private_page_login_is_no_way_around_the_code(
    client, therapist, enrolled, settings, required
):
    settings.ADMIN_REQUIRE_2FA = required
    response = client.post("/_util/login/", {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session  # the password alone did make a session...
    response = client.get("/admin/")  # ...which ends at the first request
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == LOGIN
    assert admin_status(client) == 302


def test_without_a_second_factor_staff_must_enrol_first(client, therapist, require_2fa):
    assert sign_in(client)["Location"] == "/admin/"
    for path in ("/admin/", "/admin/inquiries/", "/admin/pages/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ENROL
    # Setting up asks for the password again (allauth's reauthentication), then the code.
    response = client.get(ENROL)
    assert response.status_code == 302
    reauthenticate = response["Location"]
    assert urlparse(reauthenticate).path == "/accounts/reauthenticate/"
    assert "Set up two-factor sign-in first" in client.get(reauthenticate).content.decode()
    assert client.post(reauthenticate, {"password": PASSWORD})["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html)
    if secret is None:
        secret = re.search(r'value="([A-Z2-7]+)"[^>]*id="authenticator_secret"', html)
    secret = secret[1]
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    assert client.post(ENROL, {"code": wrong}).status_code == 200
    assert admin_status(client) == 302
    response = client.post(ENROL, {"code": totp_code(secret)})
    assert response.status_code == 302
    # Enrolling proved the code: this session may go on, and recovery codes exist.
    after = client.get("/admin/")
    assert after.status_code == 200, (after.get("Location"), client.session.items())
    assert Authenticator.objects.filter(
        user=therapist, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    client.logout()
    assert sign_in(client)["Location"] == CODE_STEP


def test_dev_setting_off_lets_an_unenrolled_user_in_with_the_password(client, therapist):
    """ADMIN_REQUIRE_2FA off (dev.py's default): `make run` with ensure_admin's login."""
    assert sign_in(client)["Location"] == "/admin/"
    assert admin_status(client) == 200


def test_password_reset_signs_nobody_in_and_keeps_the_code_step(
    client, therapist, enrolled, require_2fa
):
    # Wagtail's own reset is switched off; allauth's is the only one.
    assert client.get("/admin/password_reset/").status_code in (302, 404)
    response = client.post("/accounts/password/reset/", {"email": "therapist@practice.example"})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body)[1]
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    new_password = "a-new-longer-passphrase-77"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.check_password(new_password)
    assert admin_status(client) == 302  # not signed in by the reset
    assert sign_in(client, password=new_password)["Location"] == CODE_STEP
    assert admin_status(client) == 302


def test_nobody_can_sign_up(client, db, django_user_model):
    before = django_user_model.objects.count()
    response = client.post(
        "/accounts/signup/",
        {"username": "intruder", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code in (200, 403)
    assert django_user_model.objects.count() == before
    assert "sessionid" not in response.cookies


class TestThrottledCodes:
    @pytest.fixture(autouse=True)
    def throttling(self, settings):
        settings.AXES_ENABLED = True

    def test_wrong_codes_lock_the_account_and_refuse_the_right_code(
        self, client, enrolled, require_2fa, settings
    ):
        limit = settings.AXES_FAILURE_LIMIT
        sign_in(client, REMOTE_ADDR="203.0.113.10")
        right = totp_code(enrolled)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(limit - 1):
            assert send_code(client, wrong, REMOTE_ADDR="203.0.113.10").status_code == 200
        response = send_code(client, wrong, REMOTE_ADDR="203.0.113.10")
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()
        assert AccessAttempt.objects.exists()
        # The right code is refused while locked, and so is the password step.
        assert send_code(client, right, REMOTE_ADDR="203.0.113.10").status_code == 429
        assert admin_status(client) == 302
        other = client_class_copy(client)
        assert sign_in(other, REMOTE_ADDR="198.51.100.20").status_code == 429

    def test_a_right_code_resets_the_count(self, client, enrolled, require_2fa, settings):
        used: set[str] = set()
        sign_in(client)
        code = fresh_totp_code(enrolled, used)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            send_code(client, wrong)
        assert send_code(client, code)["Location"] == "/admin/"
        assert not AccessAttempt.objects.exists()


def client_class_copy(client):
    return type(client)()


def test_public_pages_stay_cacheable_with_2fa_required(client, demo_site, require_2fa, settings):
    """The check reads the session only when there is a session cookie: an anonymous
    visit must not get Vary: Cookie, or no public page could be stored whole."""
    settings.PAGE_CACHE_SECONDS = 300
    assert client.get("/about/")["X-Cache"] == "miss"
    response = client.get("/about/")
    assert response["X-Cache"] == "hit"
    assert "Cookie" not in response.get("Vary", "")
