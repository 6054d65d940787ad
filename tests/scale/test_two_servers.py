"""Two web servers (gunicorn with production settings on two loopback ports) sharing one
PostgreSQL database and one Redis, as replicas behind a cache do: what one server counts,
locks, publishes or signs in holds on the other at once.

Visitors come through a proxy (TRUSTED_PROXY_COUNT=1), so each phase uses client
addresses of its own in X-Forwarded-For and the phases cannot lock each other out."""

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy

import pytest

from benchmarks import site
from benchmarks.loadtest import ContactClient
from practice import processes
from tests.faults import harness
from tests.totp import fresh_totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account's
PAGE = "/fees-and-insurance/"
# Both accounts sign in with a password and an authenticator app, as production requires.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - a test account's
USED_CODES: set[str] = set()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def servers(site_template, tmp_path_factory):
    """Two gunicorns with one database and one Redis; yields (first URL, second URL,
    environment)."""
    scratch = tmp_path_factory.mktemp("two-servers")
    with (
        site.throwaway_database(site_template.config, template=site_template.name) as (_, url),
        processes.smtp_server() as smtp,
        processes.redis_server(scratch) as redis_url,
    ):
        if redis_url is None:
            pytest.fail("redis-server is not installed: `apt-get install redis-server`")
        environment = {
            **harness.environment(url, smtp.port, site_template.scratch),
            "REDIS_URL": redis_url,
            "INQUIRY_RATE_LIMIT": "2",
            "LOGIN_FAILURE_LIMIT": "3",
            "TRUSTED_PROXY_COUNT": "1",
            "PAGE_CACHE_SECONDS": "300",
        }
        code = (
            "from django.contrib.auth import get_user_model\n"
            "User = get_user_model()\n"
            f"User.objects.create_superuser('editor', 'editor@example.com', {PASSWORD!r})\n"
            f"User.objects.create_superuser('target', 'target@example.com', {PASSWORD!r})\n"
            "from allauth.mfa.totp.internal.auth import TOTP\n"
            "for user in User.objects.filter(username__in=['editor', 'target']):\n"
            f"    TOTP.activate(user, {TOTP_SECRET!r})\n"
        )
        site.manage(environment, "shell", "-c", code)
        with (
            processes.gunicorn(environment, scratch / "first.log") as first,
            processes.gunicorn(environment, scratch / "second.log") as second,
        ):
            yield first, second, environment


@dataclass
class Answer:
    status_code: int
    headers: dict
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the tests look at the redirect itself


class Browser:
    """A visitor behind the proxy at `address`, keeping cookies across both servers (a
    cookie belongs to the host, not the port, as behind a load balancer)."""

    def __init__(self, address: str):
        # The production settings mark cookies Secure; these servers speak plain HTTP.
        jar = CookieJar(DefaultCookiePolicy(secure_protocols=("https", "http")))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect
        )
        self.opener.addheaders = [("X-Forwarded-For", address)]

    def get(self, url: str) -> Answer:
        return self._open(urllib.request.Request(url))  # noqa: S310 - loopback

    def post(self, url: str, data: dict) -> Answer:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Referer": url}))  # noqa: S310

    def _open(self, request) -> Answer:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())


def browser(address: str) -> Browser:
    return Browser(address)


def log_in(visitor: Browser, base_url: str, username: str, password: str) -> Answer:
    """The two-step sign-in: the password's answer if it was refused, else the code's."""
    login = f"{base_url}/accounts/login/"
    token = TOKEN.search(visitor.get(login).text).group(1)
    data = {"login": username, "password": password, "csrfmiddlewaretoken": token}
    answer = visitor.post(login, data)
    second_step = f"{base_url}/accounts/2fa/authenticate/"
    if answer.status_code != 302 or answer.headers.get("Location") != "/accounts/2fa/authenticate/":
        return answer
    token = TOKEN.search(visitor.get(second_step).text).group(1)
    code = fresh_totp_code(TOTP_SECRET, USED_CODES)
    return visitor.post(second_step, {"code": code, "csrfmiddlewaretoken": token})


def test_the_contact_rate_limit_counts_across_both_servers(servers):
    first, second, _ = servers
    statuses = []
    for base_url in (first, second, first, second):
        client = ContactClient(base_url + harness.CONTACT_PATH)
        client.opener.addheaders.append(("X-Forwarded-For", "198.51.100.20"))
        client.load_form()
        statuses.append(client.submit())
    # Two are allowed per address per hour, wherever they land.
    assert statuses == [303, 303, 429, 429]


def test_a_login_lockout_on_one_server_holds_on_the_other(servers):
    first, second, _ = servers
    attacker = browser("198.51.100.30")
    statuses = [log_in(attacker, first, "target", "wrong password").status_code for _ in range(3)]
    # The third failure reaches the limit and is answered with the lockout page.
    assert statuses == [200, 200, 429]
    # Locked for that address and for that account, on the other server too, even with
    # the right password and from another address.
    assert log_in(attacker, second, "target", PASSWORD).status_code == 429
    assert log_in(browser("198.51.100.31"), second, "target", PASSWORD).status_code == 429
    # The lockout is per account: another account from another address is let in.
    assert log_in(browser("198.51.100.32"), second, "editor", PASSWORD).status_code == 302


def test_a_session_made_on_one_server_works_on_the_other(servers):
    first, second, _ = servers
    editor = browser("198.51.100.40")
    assert log_in(editor, first, "editor", PASSWORD).status_code == 302
    dashboard = editor.get(f"{second}/admin/")
    assert dashboard.status_code == 200
    assert "Dashboard" in dashboard.text
    logged_out = browser("198.51.100.41").get(f"{second}/admin/")
    assert logged_out.status_code == 302


def page_id(environment, slug: str) -> int:
    import psycopg

    with psycopg.connect(environment["DATABASE_URL"], autocommit=True) as connection:
        (row,) = connection.execute(
            "SELECT id FROM wagtailcore_page WHERE slug = %s", [slug]
        ).fetchall()
    return row[0]


def admin_post(editor: Browser, url: str) -> Answer:
    """Answer a confirmation page of the admin: GET it for its form's token, then POST."""
    token = TOKEN.search(editor.get(url).text).group(1)
    return editor.post(url, {"csrfmiddlewaretoken": token})


def test_unpublishing_and_publishing_through_one_server_is_seen_at_once_on_the_other(servers):
    first, second, environment = servers
    visitor = browser("198.51.100.50")
    assert visitor.get(second + PAGE).status_code == 200
    assert visitor.get(second + PAGE).headers["X-Cache"] == "hit"

    editor = browser("198.51.100.51")
    assert log_in(editor, first, "editor", PASSWORD).status_code == 302
    identifier = page_id(environment, "fees-and-insurance")

    unpublished = admin_post(editor, f"{first}/admin/pages/{identifier}/unpublish/")
    assert unpublished.status_code == 302
    assert visitor.get(second + PAGE).status_code == 404

    bulk_publish = f"{first}/admin/bulk/wagtailcore/page/publish/?id={identifier}"
    assert admin_post(editor, bulk_publish).status_code == 302
    answer = visitor.get(second + PAGE)
    assert answer.status_code == 200
    assert answer.headers["X-Cache"] == "miss"
