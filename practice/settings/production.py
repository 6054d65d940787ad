"""Production: the base, plus refusals for what must never be guessed."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from practice.database import database_config

from .base import *  # noqa: F403
from .base import BASE_DIR, env

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")
if not INQUIRY_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "INQUIRY_ENCRYPTION_KEYS must be set in production: inquiries are stored encrypted "
        "(see the README's Security section)."
    )
if not env("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")

# A malformed key stops the start here, not at the first inquiry.
for position, key in enumerate(INQUIRY_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(key)
    except ValueError:
        raise ImproperlyConfigured(
            f"INQUIRY_ENCRYPTION_KEYS: key {position} is not a Fernet key."
        ) from None

DATABASES = {"default": database_config(BASE_DIR, allow_embedded=False)}
