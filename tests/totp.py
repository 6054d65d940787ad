"""RFC 6238 codes computed here, independently of django-allauth, as an authenticator app
computes them; and a helper that enrols a user as if they had scanned the QR code."""

import base64
import hashlib
import hmac
import secrets
import struct
import time


def totp_code(secret: str, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def fresh_totp_code(secret: str, used: set[str] | None = None) -> str:
    """A code not used yet (allauth accepts each code once): waits for the next period
    if the current one's code was used."""
    while True:
        code = totp_code(secret)
        if used is None or code not in used:
            if used is not None:
                used.add(code)
            return code
        time.sleep(1)


def enrol_totp(user) -> str:
    """An authenticator app for `user`, and ten recovery codes; returns the app's secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret
