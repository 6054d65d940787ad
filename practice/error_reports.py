"""Error reports to Sentry, only when SENTRY_DSN is set, and without personal data.

What people send through the contact form must never leave the server in an error
report: no request bodies, cookies, headers or query strings, no local variables, no
user, no breadcrumbs (they would carry log lines and SQL), and no exception or log
messages (an exception's text can quote a value: "invalid address jo@example.org").
What remains: the exception's type, the stack trace (file, function, line and source),
the request's method and path, and the release and environment.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

REMOVED = "[removed]"
# The parts of a request that name nothing personal.
KEPT_REQUEST_KEYS = {"method", "url"}


def scrub(event: dict, hint: dict | None = None) -> dict:
    """Reduce an event to what is safe to send (before_send)."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in KEPT_REQUEST_KEYS if key in request}
        if "url" in kept:
            kept["url"] = str(kept["url"]).split("?", 1)[0]
        event["request"] = kept
    for key in ("user", "extra", "breadcrumbs", "server_name", "modules"):
        event.pop(key, None)
    contexts = event.get("contexts")
    if isinstance(contexts, dict):
        # Runtime and OS describe the machine; anything else (trace data, custom
        # contexts) could describe the visitor.
        event["contexts"] = {k: v for k, v in contexts.items() if k in {"runtime", "os"}}
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = REMOVED
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        event["logentry"] = {"message": REMOVED}
    if "message" in event:
        event["message"] = REMOVED
    return event


def drop(event: dict, hint: dict | None = None) -> None:
    return None


def init(dsn: str, *, environment: str = "", release: str = "", **options) -> None:
    """Start reporting to `dsn`. Never called without one (practice/apps.py)."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        before_send=scrub,
        # No performance tracing: spans carry URLs, queries and timings per visitor.
        traces_sample_rate=0,
        before_send_transaction=drop,
        integrations=[
            DjangoIntegration(middleware_spans=False, signals_spans=False, cache_spans=False),
            # Log records become neither breadcrumbs nor events; exceptions are enough.
            LoggingIntegration(level=None, event_level=None),
        ],
        **options,
    )
