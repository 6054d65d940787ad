"""Encryption at rest of what a person sends through the contact form.

Keys come from INQUIRY_ENCRYPTION_KEYS, a list of Fernet keys independent of SECRET_KEY:
the first encrypts, every one decrypts (cryptography's MultiFernet), so a new key is put
first, `manage.py rotate_inquiry_key` re-encrypts the rows, and the old key is dropped.

Nothing here ever hands back ciphertext as if it were data: a value no key opens raises
UndecryptableValue, and missing keys raise ImproperlyConfigured before anything is read
or written.

Encrypted values cannot be searched, so the email address also gets a blind index: an
HMAC of the lower-cased address under a key derived from each encryption key. Looking an
address up computes it under every configured key, so search keeps working while a
rotation is half done.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

INDEX_KEY_INFO = b"practice inquiry email blind index v1"


class UndecryptableValue(Exception):
    """A stored value that none of the configured keys opens: a wrong or missing key,
    or a value written by something else. Never shown in place of the data."""


def parse_keys(keys) -> tuple[bytes, ...]:
    """The keys as bytes, each checked to be a Fernet key; ImproperlyConfigured if not."""
    parsed = []
    for position, key in enumerate(keys, start=1):
        key_bytes = key.encode() if isinstance(key, str) else bytes(key)
        try:
            Fernet(key_bytes)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"INQUIRY_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 bytes, "
                "url-safe base64; make one with `manage.py rotate_inquiry_key --new-key`)."
            ) from None
        parsed.append(key_bytes)
    return tuple(parsed)


def configured_keys() -> tuple[bytes, ...]:
    keys = parse_keys(getattr(settings, "INQUIRY_ENCRYPTION_KEYS", None) or ())
    if not keys:
        raise ImproperlyConfigured(
            "INQUIRY_ENCRYPTION_KEYS is empty: inquiries cannot be stored or read without it."
        )
    return keys


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@functools.lru_cache(maxsize=8)
def _index_keys(keys: tuple[bytes, ...]) -> tuple[bytes, ...]:
    return tuple(
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INDEX_KEY_INFO).derive(
            base64.urlsafe_b64decode(key)
        )
        for key in keys
    )


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(value: str) -> str:
    return _multi_fernet(configured_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _multi_fernet(configured_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            "An inquiry field could not be decrypted with any key in INQUIRY_ENCRYPTION_KEYS."
        ) from None


def reencrypt(token: str) -> str:
    """The same value under the first key (unchanged if it already is)."""
    try:
        return _multi_fernet(configured_keys()).rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            "An inquiry field could not be decrypted with any key in INQUIRY_ENCRYPTION_KEYS."
        ) from None


def normalize_email(address: str) -> str:
    return address.strip().lower()


def _email_index(index_key: bytes, address: str) -> str:
    return hmac.new(index_key, normalize_email(address).encode(), hashlib.sha256).hexdigest()


def email_index(address: str) -> str:
    """The blind index stored beside an encrypted address: under the first key."""
    if not address:
        return ""
    return _email_index(_index_keys(configured_keys())[0], address)


def email_index_candidates(address: str) -> list[str]:
    """What an address's index may be, under each configured key (one per key until
    a rotation has re-indexed every row)."""
    if not normalize_email(address):
        return []
    return [_email_index(key, address) for key in _index_keys(configured_keys())]


def looks_encrypted(value: str) -> bool:
    """Whether a stored value has the shape of a Fernet token (version byte 0x80, then a
    timestamp, IV, ciphertext and MAC): text people type never does."""
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (ValueError, TypeError):
        return False
    return len(raw) >= 57 and raw[0] == 0x80 and value.startswith("gAAAAA")
