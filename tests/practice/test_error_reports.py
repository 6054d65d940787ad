"""Error reports to Sentry carry no personal data: a real sentry-sdk client sends over real
HTTP to a loopback server standing in for Sentry, and the envelope it receives is read."""

import gzip
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import sentry_sdk

from contact import views as contact_views
from contact.models import Inquiry
from practice import error_reports
from tests.contact.conftest import form_data

SENT = {
    "name": "Marlowe Fenwick",
    "email": "marlowe.fenwick@example.net",
    "phone": "+1 (555) 010-6161",
    "message": "Since the divorce I can barely sleep; do you see couples separately?",
}
CLIENT_ADDRESS = "203.0.113.77"
USER_AGENT = "FenwickBrowser/3.1"


class SentryStandIn(ThreadingHTTPServer):
    """Accepts envelopes as Sentry does and keeps their decoded bodies."""

    def __init__(self):
        self.bodies: list[bytes] = []
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), self.Handler)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli

                body = brotli.decompress(body)
            self.server.paths.append(self.path)
            self.server.bodies.append(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass


@pytest.fixture
def contact_page(demo_site):
    from contact.models import ContactPage

    return ContactPage.objects.get()


@pytest.fixture
def sentry_server():
    server = SentryStandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def reporting(sentry_server):
    error_reports.init(f"http://publickey@127.0.0.1:{sentry_server.server_port}/42")
    yield
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)  # back to the inactive client


def received_events(server, timeout=10.0) -> list[dict]:
    sentry_sdk.flush(timeout=5)
    deadline = time.monotonic() + timeout
    while not server.bodies and time.monotonic() < deadline:
        time.sleep(0.05)
    events = []
    for body in server.bodies:
        lines = body.split(b"\n")
        # envelope header, then (item header, payload) pairs
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_no_dsn_means_no_client(settings):
    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_error_in_the_contact_view_is_reported_without_what_was_sent(
    live_server, contact_page, monkeypatch, sentry_server, reporting
):
    def broken_queue(inquiry_pk):
        # A realistic bug whose message quotes a value the visitor typed.
        inquiry = Inquiry.objects.get(pk=inquiry_pk)
        raise ValueError(f"cannot notify about {inquiry.email} ({inquiry.name})")

    monkeypatch.setattr(contact_views, "queue_notification", broken_queue)
    # Through the live server (Django's WSGI handler, which the Sentry integration wraps),
    # as a browser would: the form, its CSRF cookie and token, then the post.
    visitor = requests.Session()
    visitor.headers.update({"User-Agent": USER_AGENT, "X-Forwarded-For": CLIENT_ADDRESS})
    url = live_server.url + contact_page.url
    form = visitor.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    data = {**form_data(**SENT), "csrfmiddlewaretoken": token}
    response = visitor.post(f"{url}?ref={SENT['email']}", data=data, timeout=30)
    assert response.status_code == 500
    cookies = [cookie.value for cookie in visitor.cookies]
    assert cookies

    events = received_events(sentry_server)
    assert len(events) == 1, sentry_server.bodies
    assert set(sentry_server.paths) == {"/api/42/envelope/"}
    event = events[0]
    # It is the report of this error...
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert any(f["function"] == "broken_queue" for f in exception["stacktrace"]["frames"])
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"].endswith(contact_page.url)
    # ...and nothing in it names the visitor or what they wrote.
    # (Every envelope, not only the event's: sessions and client reports go out too.)
    text = json.dumps(event) + b"".join(sentry_server.bodies).decode()
    secrets = [*SENT.values(), "marlowe", "Fenwick", "divorce", CLIENT_ADDRESS, USER_AGENT]
    secrets += [token, *cookies]
    for secret in secrets:
        assert secret.lower() not in text.lower(), secret
    for key in ("user", "breadcrumbs", "extra"):
        assert not event.get(key)
    assert set(event["request"]) <= {"method", "url"}
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])


def test_the_scrubber_on_a_full_event():
    """Whatever an integration adds, the scrubber keeps only what names nobody."""
    event = {
        "request": {
            "method": "POST",
            "url": "https://practice.example/contact/?email=a@b.example",
            "query_string": "email=a@b.example",
            "data": {"email": "a@b.example"},
            "cookies": {"sessionid": "s3cret"},
            "headers": {"User-Agent": "X", "X-Forwarded-For": "198.51.100.1"},
            "env": {"REMOTE_ADDR": "198.51.100.1"},
        },
        "user": {"ip_address": "198.51.100.1", "username": "robin"},
        "breadcrumbs": {"values": [{"message": "SELECT ... a@b.example"}]},
        "extra": {"email": "a@b.example"},
        "contexts": {"runtime": {"name": "CPython"}, "trace": {"data": "a@b.example"}},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "bad a@b.example",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"x": "a@b.example"}}]},
                }
            ]
        },
        "logentry": {"message": "for %s", "params": ["a@b.example"]},
        "server_name": "web-1",
    }
    scrubbed = error_reports.scrub(event)
    assert "a@b.example" not in json.dumps(scrubbed)
    assert "198.51.100.1" not in json.dumps(scrubbed)
    assert scrubbed["request"] == {"method": "POST", "url": "https://practice.example/contact/"}
    assert scrubbed["contexts"] == {"runtime": {"name": "CPython"}}
    assert scrubbed["exception"]["values"][0]["type"] == "ValueError"
