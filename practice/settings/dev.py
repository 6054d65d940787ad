"""Local development (`make run`): DEBUG on, HTTP allowed, email to a folder."""

from practice.database import database_config

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool, env_int, env_list

DATABASES = {"default": database_config(BASE_DIR, allow_embedded=True)}
DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production-use-0123456789abcdef"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Without EMAIL_HOST, mail is written to .data/mail/ so nothing leaves the machine.
if not env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / ".data" / "mail"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Template and code edits show on the next reload; PAGE_CACHE_SECONDS=300 tries the cache.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0)

# Serve static files straight from the app folders, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Dev data is demo data: a fixed, public key, so the dev database stays readable across
# restarts. Never used where INQUIRY_ENCRYPTION_KEYS is set.
INQUIRY_ENCRYPTION_KEYS = INQUIRY_ENCRYPTION_KEYS or [
    "ZGV2LW9ubHkta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE="
]

# `make run` signs in with the password alone unless ADMIN_REQUIRE_2FA=true.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", False)
# Passkeys over http://localhost:8000.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# So that `make run` shows the whole flow: notifications land in .data/mail/.
INQUIRY_NOTIFY_EMAILS = env_list("INQUIRY_NOTIFY_EMAILS", "therapist@localhost")

# The worker logs every task Wagtail queues (search index, references); in a terminal
# shared with runserver that drowns the request log.
LOGGING["loggers"]["django_tasks"] = {"level": "WARNING"}
LOGGING["loggers"]["django_tasks_db"] = {"level": "WARNING"}
