"""Security headers: a strict Content-Security-Policy on every public page (JSON-LD allowed
by hash), the admin's looser one only under /admin/, and the rest on every response.
tests/browser/test_content_security_policy.py checks the same policies in Chromium."""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from wagtail.models import Page

import practice.settings.base as base_settings


def csp(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        directive, *sources = part.split()
        policy[directive] = sources
    return policy


class _JsonLdBlocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        self._in_json_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._in_json_ld:
            self.blocks.append("")

    def handle_data(self, data):
        if self._in_json_ld:
            self.blocks[-1] += data

    def handle_endtag(self, tag):
        self._in_json_ld = False


def json_ld_hashes(html: str) -> set[str]:
    parser = _JsonLdBlocks()
    parser.feed(html)
    return {
        f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'"
        for b in parser.blocks
    }


def public_urls() -> list[str]:
    pages = [page.url for page in Page.objects.live().public().specific() if page.depth > 1]
    return [*pages, "/search/?q=therapy", "/no-such-page/"]


def assert_common_headers(response, url):
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer"}, url
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, url


def test_every_public_page_has_the_strict_policy_with_its_json_ld_hashes(client, demo_site):
    urls = public_urls()
    assert len(urls) >= 10
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = csp(response)
        hashes = json_ld_hashes(response.content.decode())
        assert hashes, f"{url} has no JSON-LD"
        assert policy["script-src"] == ["'self'", *sorted(hashes)], url
        for directive in ("default-src", "style-src", "font-src", "connect-src", "form-action"):
            assert policy[directive] == ["'self'"], (url, directive)
        assert policy["img-src"] == ["'self'", "data:"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["base-uri"] == ["'none'"], url
        assert policy["object-src"] == ["'none'"], url
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert_common_headers(response, url)


def test_a_hash_covers_exactly_the_text_of_its_block(client, home_page):
    """Text that must be escaped for HTML (quotes, ampersands, non-ASCII) hashes as the
    browser sees it: the bytes between the tags, not the data before escaping."""
    from practice.models import PracticeSettings

    practice = PracticeSettings.for_site(home_page.get_site())
    practice.practice_name = 'Zoë & "Partners" </script><script>alert(1)</script>'
    practice.save()
    response = client.get("/")
    html = response.content.decode()
    assert html.count("<script") == html.count("</script>")  # the name cannot end the block
    assert set(csp(response)["script-src"][1:]) == json_ld_hashes(html)


def test_the_admin_has_its_own_policy_only_under_admin(client, demo_site, admin_user):
    # The sign-in pages (allauth's, /admin/login/ leads there) need no inline script: the
    # strict policy.
    login = client.get("/accounts/login/")
    assert login.status_code == 200
    assert csp(login)["script-src"] == ["'self'"]
    assert csp(login)["style-src"] == ["'self'"]
    client.force_login(admin_user)
    about = Page.objects.get(slug="about")
    for response in (
        client.get("/admin/"),
        client.get(f"/admin/pages/{about.pk}/edit/"),
        # A preview renders the public page inside the admin: the admin policy applies,
        # so the editor's preview panel may frame it.
        client.get(f"/admin/pages/{about.pk}/view_draft/"),
    ):
        assert response.status_code == 200
        policy = csp(response)
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert_common_headers(response, response.wsgi_request.path)
    # The same editor on the public site, user bar included, gets the strict policy.
    public = client.get("/about/")
    assert b"wagtail-userbar" in public.content
    assert csp(public)["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in public["Content-Security-Policy"]


def test_other_responses_get_the_headers_too(client, db):
    for url in ("/healthz/", "/robots.txt", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert csp(response)["default-src"] == ["'self'"], url
        assert_common_headers(response, url)
    # WhiteNoise answers before the policy middleware (a script or stylesheet is not a
    # document, so a policy on it would do nothing); Django's SecurityMiddleware, outside
    # WhiteNoise, still adds nosniff.
    static = client.get("/static/js/hours.js")
    assert static["X-Content-Type-Options"] == "nosniff"


def test_production_sends_hsts_and_secure_cookies(client, contact_page_settings):
    response = client.get("/contact/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.fixture
def contact_page_settings(demo_site, settings):
    """The production values (base.py) of what test.py relaxes for plain-HTTP tests."""
    for name in ("SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        setattr(settings, name, getattr(base_settings, name))
    assert settings.SECURE_HSTS_SECONDS == 60 * 60 * 24 * 365


def test_session_cookie_is_http_only_and_same_site(client, demo_site, django_user_model):
    django_user_model.objects.create_superuser("editor", password="a-long-passphrase-1")
    response = client.post(
        "/accounts/login/", {"login": "editor", "password": "a-long-passphrase-1"}
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert base_settings.SESSION_COOKIE_SECURE
    assert base_settings.CSRF_COOKIE_HTTPONLY


def test_the_contact_form_posts_without_script_reading_the_csrf_cookie(client, demo_site, settings):
    """CSRF_COOKIE_HTTPONLY hides the cookie from script; the form carries its token."""
    html = client.get("/contact/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for script in (settings.BASE_DIR / "static" / "js").glob("*.js"):
        assert "cookie" not in script.read_text(), script.name
