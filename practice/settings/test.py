"""Tests: the production-safe base on the embedded (or DATABASE_URL) server,
with HTTP allowed and fast password hashing."""

from practice.database import database_config

from .base import *  # noqa: F403
from .base import BASE_DIR

DATABASES = {"default": database_config(BASE_DIR, allow_embedded=True)}
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789abcdef"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests see every page rendered; tests/practice/test_page_cache.py turns it on.
PAGE_CACHE_SECONDS = 0
# No background thread flushing visit counts into whichever test's database is current:
# tests/practice/test_visits.py flushes them itself.
VISIT_FLUSH_SECONDS = 0
# Serve static files straight from the app folders, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Django's test client logs in without a request, which django-axes refuses; throttling is
# switched on by the tests that check it (tests/practice/test_login_throttling.py).
AXES_ENABLED = False
# Fixed test keys: tests/contact/test_encryption.py rotates between them.
INQUIRY_ENCRYPTION_KEYS = ["FxaBaqqiKtAV9Cwd7pKMFtV0BmQZwQUYXYqFuAsp1jI="]
# Off for the test client's force_login(); the two-factor tests and the browser journeys
# switch it on.
ADMIN_REQUIRE_2FA = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
