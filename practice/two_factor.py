"""Two-factor sign-in for staff, with django-allauth's MFA (see the README's "Security").

- Signing in is allauth's: password, then a code from an authenticator app, a recovery
  code or a passkey for every account that has one. Wagtail's password-only login view is
  routed to it (practice/urls.py).
- With ADMIN_REQUIRE_2FA, a signed-in user without an authenticator app or passkey
  reaches only the enrolment pages, and a session that did not pass a second factor for
  an account that has one is ended: no other way in (a password reset, a session made
  before two-factor was switched on) gets around the second step.
- django-axes counts a wrong code like a wrong password, against the account and the
  client address, and refuses codes while either is locked.
- Nobody signs up: accounts are made by an administrator in the Wagtail admin.
"""

import contextlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

# A second factor proper: recovery codes alone are only a way back in.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# What a signed-in user without a second factor may still open: signing out, and the
# pages that set one up (allauth's, under /accounts/). Static files never get here.
ENROLMENT_URL_NAMES = (
    "account_logout",
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_add_webauthn",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
    "mfa_list_webauthn",
)


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def passed_second_factor(request) -> bool:
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def _enrolment_paths() -> set[str]:
    paths = set()
    for name in ENROLMENT_URL_NAMES:
        with contextlib.suppress(NoReverseMatch):  # a type not in MFA_SUPPORTED_TYPES
            paths.add(reverse(name))
    return paths


class RequireTwoFactorMiddleware:
    """Sessions that skipped the second factor of an enrolled account end (always); with
    ADMIN_REQUIRE_2FA, users without a second factor enrol before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is signed in; and not touching request.user then
        # keeps the session unread, so public pages stay cacheable (no Vary: Cookie).
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request):
        if has_second_factor(request.user):
            if passed_second_factor(request):
                return None
            # Signed in with the password alone (Wagtail's private-page login, a session
            # from before, any other door): not enough for an account with a second factor.
            logout(request)
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if not settings.ADMIN_REQUIRE_2FA or request.path in _enrolment_paths():
            return None
        messages.info(
            request,
            "Set up two-factor sign-in first: scan the code with an authenticator app "
            "and enter the six digits it shows.",
        )
        return redirect("mfa_activate_totp")


class ThrottledAuthenticateForm(AuthenticateForm):
    """The code step, refused while django-axes has locked the account or the address."""

    def clean_code(self):
        request = context.request
        if not AxesProxyHandler.is_allowed(request, {"username": self.user.get_username()}):
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            raise ValidationError("Too many failed sign-in attempts.", code="locked")
        return super().clean_code()


@receiver(mfa_signals.authentication_failed)
def count_wrong_code_as_failed_login(sender, request, user, reauthentication=False, **kwargs):
    # Through Django's own signal, so axes counts it exactly as a wrong password.
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def _record_second_factor(user, authenticator_type):
    """Activating an app or a passkey takes a valid code or a signed challenge from it:
    the session has just passed the second factor and may go on."""
    record_authentication(context.request, user, "mfa", type=authenticator_type, enrolled=True)


class ProvenActivateTOTPForm(ActivateTOTPForm):
    def clean_code(self):
        code = super().clean_code()
        _record_second_factor(self.user, Authenticator.Type.TOTP)
        return code


class ProvenAddWebAuthnForm(AddWebAuthnForm):
    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            _record_second_factor(self.user, Authenticator.Type.WEBAUTHN)
        return cleaned_data
