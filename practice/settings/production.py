"""Production: the base, plus refusals for what must never be guessed."""

from django.core.exceptions import ImproperlyConfigured

from practice.database import database_config

from .base import *  # noqa: F403
from .base import BASE_DIR, env

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")
if not env("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")

DATABASES = {"default": database_config(BASE_DIR, allow_embedded=False)}
