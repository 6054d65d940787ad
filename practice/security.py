"""Response headers that tell browsers what a page may do: a strict Content-Security-Policy
on public pages, a looser one in the Wagtail admin, and a Permissions-Policy everywhere.

The whole-page cache sits outside this middleware and stores responses with these
headers, so every header here is computed from the request path and the response alone,
never from who is asking (no nonces, no session, no user).
"""

import base64
import hashlib
import re

from django.conf import settings
from django.urls import reverse

# JSON-LD (practice/jsonld.py) is the only inline <script> on public pages. Browsers do not
# run a data block (a <script> whose type is not JavaScript) and do not check it against
# script-src: headless Chromium reports no violation for a JSON-LD block whose hash is
# missing (tests/browser/test_content_security_policy.py checks this). The hashes are listed
# anyway, as the issue asks, so that the policy names every inline script the page carries
# and a validator or a stricter browser has nothing to object to. Hashes, not nonces: a
# nonce must differ on every response, which a cached whole page cannot do.
# The opening and the closing tag are found apart: one pattern with (.*?) between them
# took 4 ms to cross the JSON-LD of an article with a hundred references.
JSON_LD_OPENING_TAG = re.compile(
    rb"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>", re.IGNORECASE
)
SCRIPT_CLOSING_TAG = re.compile(rb"</script\s*>", re.IGNORECASE)

PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Bootstrap's CSS draws radio buttons, check marks and form error icons as data: SVG
    # images; Chromium reports them on the contact page without this.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

# The Wagtail admin (and the previews it renders under /admin/) cannot run under the public
# policy: in Chromium the page editor, the office hours and the inquiries list break on
# inline <script> elements (date and time widgets, inline panels) and on <script> and
# <style> elements that Wagtail's bundled vendor.js inserts. The admin therefore allows
# inline script and style and nothing else: every fetch stays on this site (images may also
# be data: URLs, which its core.css uses, and blob: URLs, from which the multiple image
# upload shows thumbnails of the files being uploaded), no 'unsafe-eval', and only the admin
# may frame it, for the preview panel's iframe. Only signed-in staff use these pages, and
# none of them is cached for the public.
ADMIN_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# Nothing on the site needs any of these; a page that is ever compromised cannot ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def json_ld_texts(html: bytes):
    """The text of each JSON-LD element: from its opening tag to the next </script>."""
    position = 0
    while opening := JSON_LD_OPENING_TAG.search(html, position):
        closing = SCRIPT_CLOSING_TAG.search(html, opening.end())
        if closing is None:
            return
        yield html[opening.end() : closing.start()]
        position = closing.end()


def script_hashes(html: bytes) -> list[str]:
    """CSP source expressions for each JSON-LD block, as browsers hash them: SHA-256 of
    the element's text exactly as it stands in the page's (UTF-8) bytes."""
    return sorted(
        {
            f"'sha256-{base64.b64encode(hashlib.sha256(text).digest()).decode()}'"
            for text in json_ld_texts(html)
        }
    )


def serialize(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def public_policy(response) -> str:
    policy = dict(PUBLIC_POLICY)
    if "html" in response.get("Content-Type", "") and not response.streaming:
        policy["script-src"] = [*PUBLIC_POLICY["script-src"], *script_hashes(response.content)]
    return serialize(policy)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def is_admin(self, path: str) -> bool:
        if self.admin_prefix is None:
            self.admin_prefix = reverse("wagtailadmin_home")
        return path.startswith(self.admin_prefix)

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_dummy", False):
            # A Wagtail preview renders the page through the middleware with a made-up
            # request for the page's public URL; the real request, under /admin/, decides.
            return response
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if settings.DEBUG and response.status_code in (404, 500):
            # With DEBUG these are Django's technical pages, styled and scripted inline.
            return response
        if self.is_admin(request.path_info):
            response.setdefault("Content-Security-Policy", serialize(ADMIN_POLICY))
        else:
            response.setdefault("Content-Security-Policy", public_policy(response))
        return response
