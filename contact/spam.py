"""Spam signals that need no outside service: a honeypot field, a signed
render time, and a keyed hash of the client address (the address itself is never stored)."""

import time

from django.core import signing
from django.utils.crypto import salted_hmac

RENDERED_AT_SALT = "contact.form-rendered-at"
CLIENT_HASH_SALT = "contact.client-address"

HONEYPOT = "honeypot"
TOO_FAST = "too_fast"
NO_TIMESTAMP = "no_timestamp"
EXPIRED = "expired"

# A form sent back more than a day after it was shown is treated as spam: otherwise a bot
# could fetch one token and reuse it for ever. People who leave the page open that long
# are rare; their inquiry is stored flagged, not lost.
RENDERED_AT_MAX_AGE = 24 * 60 * 60


def sign_render_time(now: float | None = None) -> str:
    return signing.dumps(round(now if now is not None else time.time(), 3), salt=RENDERED_AT_SALT)


def seconds_since_render(token: str, now: float | None = None) -> float | None:
    """Seconds since the form carrying `token` was rendered; None if the token is not ours.
    Raises signing.SignatureExpired when it was signed more than RENDERED_AT_MAX_AGE ago."""
    try:
        rendered_at = signing.loads(token, salt=RENDERED_AT_SALT, max_age=RENDERED_AT_MAX_AGE)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    if not isinstance(rendered_at, int | float):
        return None
    return (now if now is not None else time.time()) - rendered_at


def spam_reason(*, honeypot: str, rendered_at_token: str, min_seconds: float) -> str:
    """Why a submission looks automated, or "" when it looks human."""
    if honeypot:
        return HONEYPOT
    try:
        elapsed = seconds_since_render(rendered_at_token)
    except signing.SignatureExpired:
        return EXPIRED
    if elapsed is None:
        return NO_TIMESTAMP
    if elapsed < min_seconds:
        return TOO_FAST
    return ""


def client_hash(address: str) -> str:
    """HMAC-SHA256 of the address keyed from SECRET_KEY: stable enough to rate-limit
    and spot repeats, useless for recovering the address without the key."""
    return salted_hmac(CLIENT_HASH_SALT, address or "", algorithm="sha256").hexdigest()
