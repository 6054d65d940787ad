"""Fill a reference from its DOI: against a local HTTP server playing doi.org and Crossref."""

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse

from articles import apa, doi_lookup
from tests.articles.samples import SEED_FIELDS, SEED_MARKDOWN, entry

NORCROSS_CSL = {
    "type": "article-journal",
    "title": "Psychotherapy relationships that work III",
    "container-title": "Psychotherapy",
    "volume": "55",
    "issue": "4",
    "page": "303-315",
    "DOI": "10.1037/pst0000193",
    "URL": "http://dx.doi.org/10.1037/pst0000193",
    "author": [
        {"given": "John C.", "family": "Norcross", "sequence": "first"},
        {"given": "Michael J.", "family": "Lambert", "sequence": "additional"},
    ],
    "issued": {"date-parts": [[2018, 12]]},
    "publisher": "American Psychological Association (APA)",
}
BOOK_CSL = {
    "type": "book",
    "title": "The great psychotherapy debate",
    "author": [{"given": "Bruce E.", "family": "Wampold"}, {"given": "Zac E.", "family": "Imel"}],
    "issued": {"date-parts": [[2015, 1, 30]]},
    "publisher": "Routledge",
    "edition": "2",
    "DOI": "10.4324/9780203582015",
}
# Crossref's works API: lists for titles, its own type names, wrapped in "message".
CHAPTER_CROSSREF = {
    "status": "ok",
    "message-type": "work",
    "message": {
        "type": "book-chapter",
        "title": ["Empathy"],
        "container-title": ["Psychotherapy relationships that work"],
        "author": [{"given": "Robert", "family": "Elliott"}, {"name": "The Empathy Group"}],
        "editor": [{"given": "John C.", "family": "Norcross"}],
        "issued": {"date-parts": [[2019, 4, 1]]},
        "page": "245–287",
        "publisher": "Oxford University Press",
        "DOI": "10.1093/med-psych/9780190843953.003.0007",
    },
}


class MetadataServer:
    """A loopback HTTP server: /resolver/<doi> plays doi.org, /crossref/works/<doi> Crossref."""

    def __init__(self):
        self.routes = {}  # path -> (status, body bytes, seconds to wait first)
        self.handlers = {}  # path -> a function writing the whole answer itself
        self.requests = []  # (path, Accept header)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((unquote(self.path), self.headers.get("Accept", "")))
                if unquote(self.path) in server.handlers:
                    with contextlib.suppress(OSError):  # the client gave up
                        server.handlers[unquote(self.path)](self)
                    return
                status, body, delay = server.routes.get(unquote(self.path), (404, b"", 0))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def resolver(self, doi, data, status=200, delay=0):
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        self.routes[f"/resolver/{doi}"] = (status, body, delay)

    def crossref(self, doi, data, status=200, delay=0):
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        self.routes[f"/crossref/works/{doi}"] = (status, body, delay)

    def redirect(self, path, location, status=302):
        def answer(handler):
            handler.send_response(status)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.handlers[path] = answer

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def metadata_server(settings):
    server = MetadataServer()
    settings.DOI_RESOLVER_URL = f"{server.base}/resolver"
    settings.CROSSREF_API_URL = f"{server.base}/crossref"
    settings.DOI_LOOKUP_TIMEOUT = 0.5
    cache.clear()
    yield server
    server.close()
    cache.clear()


@pytest.fixture
def editor(django_user_model):
    """A user in Wagtail's default Editors group, which may edit every page."""
    user = django_user_model.objects.create_user("editor", password="pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def lookup_url(doi):
    return reverse("articles_doi_lookup") + "?" + f"doi={doi}"


# --- The lookup itself ---------------------------------------------------------------------


def test_seed_doi_fills_the_norcross_and_lambert_fields(metadata_server):
    metadata_server.resolver("10.1037/pst0000193", NORCROSS_CSL)
    fields = doi_lookup.lookup("https://dx.doi.org/10.1037/pst0000193")
    assert fields == SEED_FIELDS | {"publisher": "American Psychological Association (APA)"}
    assert entry(fields) == SEED_MARKDOWN
    # Content negotiation asked for CSL-JSON, and Crossref was not needed.
    assert metadata_server.requests == [
        ("/resolver/10.1037/pst0000193", "application/vnd.citationstyles.csl+json")
    ]


def test_book(metadata_server):
    metadata_server.resolver("10.4324/9780203582015", BOOK_CSL)
    fields = doi_lookup.lookup("doi:10.4324/9780203582015")
    assert fields["kind"] == apa.BOOK
    assert fields["edition"] == "2"
    assert entry(fields) == (
        "Wampold, B. E., & Imel, Z. E. (2015). *The great psychotherapy debate* (2nd ed.). "
        "Routledge. https://doi.org/10.4324/9780203582015"
    )


def test_chapter_from_crossref_when_the_resolver_has_nothing(metadata_server):
    doi = "10.1093/med-psych/9780190843953.003.0007"
    metadata_server.crossref(doi, CHAPTER_CROSSREF)
    fields = doi_lookup.lookup(doi)
    assert [path for path, _ in metadata_server.requests] == [
        f"/resolver/{doi}",
        f"/crossref/works/{doi}",
    ]
    assert fields["kind"] == apa.CHAPTER
    assert fields["authors"] == [
        {"family": "Elliott", "given": "Robert"},
        {"group": "The Empathy Group"},
    ]
    assert fields["pages"] == "245-287"
    assert entry(fields) == (
        "Elliott, R., & The Empathy Group. (2019). Empathy. In J. C. Norcross (Ed.), "
        "*Psychotherapy relationships that work* (pp. 245–287). Oxford University Press. "
        f"https://doi.org/{doi}"
    )


def test_crossref_is_asked_when_the_resolver_fails(metadata_server):
    metadata_server.resolver("10.1037/pst0000193", b"oops", status=503)
    metadata_server.crossref("10.1037/pst0000193", {"status": "ok", "message": NORCROSS_CSL})
    assert entry(doi_lookup.lookup("10.1037/pst0000193")) == SEED_MARKDOWN


def test_a_second_lookup_needs_no_network(metadata_server):
    metadata_server.resolver("10.1037/pst0000193", NORCROSS_CSL)
    first = doi_lookup.lookup("10.1037/pst0000193")
    assert len(metadata_server.requests) == 1
    assert doi_lookup.lookup("https://doi.org/10.1037/PST0000193") == first
    assert len(metadata_server.requests) == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda server: None, "No metadata was found for this DOI"),
        (
            lambda server: (
                server.resolver("10.1037/pst0000193", b"<html>not json</html>"),
                server.crossref("10.1037/pst0000193", b"{truncated"),
            ),
            "did not send reference metadata",
        ),
        (
            lambda server: (
                server.resolver("10.1037/pst0000193", [1, 2]),
                server.crossref("10.1037/pst0000193", {"status": "ok"}),
            ),
            "did not send reference metadata",
        ),
        (
            lambda server: (
                server.resolver("10.1037/pst0000193", NORCROSS_CSL, delay=1.5),
                server.crossref("10.1037/pst0000193", {"message": NORCROSS_CSL}, delay=1.5),
            ),
            "took too long to answer",
        ),
    ],
    ids=["unknown", "invalid-json", "not-metadata", "timeout"],
)
def test_failures_are_clear_messages_and_not_cached(metadata_server, setup, message):
    setup(metadata_server)
    with pytest.raises(doi_lookup.LookupFailed, match=message):
        doi_lookup.lookup("10.1037/pst0000193")
    assert cache.get(doi_lookup.cache_key("10.1037/pst0000193")) is None


def test_network_down(settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.DOI_RESOLVER_URL = f"http://127.0.0.1:{port}"
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{port}"
    cache.clear()
    with pytest.raises(doi_lookup.LookupFailed, match="cannot be reached"):
        doi_lookup.lookup("10.1037/pst0000193")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a doi",
        "http://evil.example/x",
        "https://evil.example/10.1037/pst0000193",
        "../",
        "10.1037/../../admin",
        "10.1037/./x",
        "file:///etc/passwd",
        "10.12/too-short-prefix",
    ],
)
def test_only_a_doi_is_ever_fetched(metadata_server, text):
    with pytest.raises(doi_lookup.LookupFailed, match="That is not a DOI"):
        doi_lookup.lookup(text)
    assert metadata_server.requests == []


# --- The admin endpoint --------------------------------------------------------------------


@pytest.mark.django_db
def test_endpoint_gives_the_form_values(client, editor, metadata_server):
    metadata_server.resolver("10.1037/pst0000193", NORCROSS_CSL)
    client.force_login(editor)
    response = client.get(lookup_url("doi:10.1037/pst0000193"))
    assert response.status_code == 200
    assert response.json()["fields"] == {
        "kind": "journal",
        "authors": "Norcross, John C.\nLambert, Michael J.",
        "year": "2018",
        "title": "Psychotherapy relationships that work III",
        "container": "Psychotherapy",
        "volume": "55",
        "issue": "4",
        "pages": "303-315",
        "edition": "",
        "editors": "",
        "publisher": "American Psychological Association (APA)",
        "number": "",
        "doi": "https://doi.org/10.1037/pst0000193",
        "url": "",
        "accessed": "",
    }


@pytest.mark.django_db
def test_endpoint_errors(client, editor, metadata_server):
    client.force_login(editor)
    malformed = client.get(lookup_url("http://evil.example/x"))
    assert malformed.status_code == 400
    assert "That is not a DOI" in malformed.json()["error"]
    unknown = client.get(lookup_url("10.1037/unknown"))
    assert unknown.status_code == 404
    assert "No metadata was found" in unknown.json()["error"]
    metadata_server.resolver("10.1037/broken", b"nope")
    metadata_server.crossref("10.1037/broken", b"nope")
    broken = client.get(lookup_url("10.1037/broken"))
    assert broken.status_code == 502
    assert "did not send reference metadata" in broken.json()["error"]
    assert [path for path, _ in metadata_server.requests] == [
        "/resolver/10.1037/unknown",
        "/crossref/works/10.1037/unknown",
        "/resolver/10.1037/broken",
        "/crossref/works/10.1037/broken",
    ]


@pytest.mark.django_db
def test_endpoint_is_for_staff_who_may_edit_pages(client, django_user_model, metadata_server):
    metadata_server.resolver("10.1037/pst0000193", NORCROSS_CSL)
    url = lookup_url("10.1037/pst0000193")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert reverse("account_login") in anonymous["Location"]
    # May use the admin, but has no page permission anywhere.
    user = django_user_model.objects.create_user("viewer", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert metadata_server.requests == []


@pytest.mark.django_db
def test_done_when_lookup_fill_save_publish_shows_the_apa_line(
    client, editor, metadata_server, demo_site
):
    """What the button puts in the form, saved and published, is the exact APA line."""
    editor.groups.add(Group.objects.get(name="Moderators"))  # who may also publish
    from articles.models import ArticleIndexPage, ArticlePage
    from tests.articles.samples import SEED_HTML
    from tests.articles.test_pages import article_form_data

    metadata_server.resolver("10.1037/pst0000193", NORCROSS_CSL)
    client.force_login(editor)
    filled = client.get(lookup_url("10.1037/pst0000193")).json()["fields"]
    index = ArticleIndexPage.objects.get()
    data = article_form_data(
        "<p>Words.</p>",
        [filled | {"key": "0b3c0d5e-1111-4a2b-8c3d-222233334444"}],
        **{"action-publish": "1"},
    )
    add_url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", index.pk))
    assert client.post(add_url, data).status_code == 302
    page = ArticlePage.objects.get(slug="update")
    assert SEED_HTML in client.get(page.url).content.decode()


# --- Redirects, slow answers and odd answers ------------------------------------------------


@pytest.fixture
def other_server():
    server = MetadataServer()
    yield server
    server.close()


def test_a_redirect_to_another_host_is_not_followed(metadata_server, other_server):
    other_server.resolver("10.1037/pst0000193", NORCROSS_CSL)
    metadata_server.redirect(
        "/resolver/10.1037/pst0000193", f"{other_server.base}/resolver/10.1037/pst0000193"
    )
    with pytest.raises(doi_lookup.LookupFailed, match="had a problem answering"):
        doi_lookup.lookup("10.1037/pst0000193")
    assert other_server.requests == []


@pytest.mark.parametrize(
    "location",
    [
        "http://api.crossref.org/works/10.1037/pst0000193",  # an agency, but not https
        "https://api.crossref.org:8443/works/10.1037/pst0000193",
        "https://evil.example/10.1037/pst0000193",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_redirects_off_the_allow_list_are_refused(metadata_server, location):
    metadata_server.redirect("/resolver/10.1037/pst0000193", location)
    with pytest.raises(doi_lookup.LookupFailed, match="had a problem answering"):
        doi_lookup.lookup("10.1037/pst0000193")
    assert not doi_lookup.may_follow(location)


def test_an_agency_host_resolving_to_a_private_address_is_refused(settings, monkeypatch):
    # DNS for the agencies' names cannot be played here: answer as a hijacked resolver would.
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("10.0.0.7", 443))]
    )
    assert not doi_lookup.may_follow("https://data.crossref.org/10.1037/pst0000193")
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("104.18.1.1", 443))]
    )
    assert doi_lookup.may_follow("https://data.crossref.org/10.1037/pst0000193")
    assert not doi_lookup.may_follow("https://data.crossref.org.evil.example/x")


def test_a_redirect_between_the_configured_services_is_followed(
    settings, metadata_server, other_server
):
    settings.CROSSREF_API_URL = f"{other_server.base}/crossref"
    other_server.routes["/crossref/csl/10.1037/pst0000193"] = (
        200,
        json.dumps(NORCROSS_CSL).encode(),
        0,
    )
    metadata_server.redirect(
        "/resolver/10.1037/pst0000193", f"{other_server.base}/crossref/csl/10.1037/pst0000193"
    )
    assert entry(doi_lookup.lookup("10.1037/pst0000193")) == SEED_MARKDOWN
    assert [path for path, _ in other_server.requests] == ["/crossref/csl/10.1037/pst0000193"]


def test_at_most_three_redirects(metadata_server):
    doi = "10.1037/pst0000193"
    for hop in range(4):
        metadata_server.redirect(f"/resolver/{doi}" if hop == 0 else f"/hop{hop}", f"/hop{hop + 1}")
    metadata_server.routes["/hop4"] = (200, json.dumps(NORCROSS_CSL).encode(), 0)
    with pytest.raises(doi_lookup.LookupFailed, match="had a problem answering"):
        doi_lookup.lookup(doi)
    assert "/hop4" not in [path for path, _ in metadata_server.requests]


def test_a_dripping_answer_is_cut_off_at_the_timeout(metadata_server):
    def drip(handler):
        body = json.dumps(NORCROSS_CSL).encode()
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for byte in body:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)

    metadata_server.handlers["/resolver/10.1037/pst0000193"] = drip
    metadata_server.handlers["/crossref/works/10.1037/pst0000193"] = drip
    started = time.monotonic()
    with pytest.raises(doi_lookup.LookupFailed, match="took too long"):
        doi_lookup.lookup("10.1037/pst0000193")
    # 0.5 seconds for each of the two services, and a little to spare.
    assert time.monotonic() - started < 1.5


def test_a_garbled_status_line_is_a_server_failure(metadata_server):
    def garble(handler):
        handler.wfile.write(b"\x00garbage\r\n\r\n")

    metadata_server.handlers["/resolver/10.1037/pst0000193"] = garble
    metadata_server.handlers["/crossref/works/10.1037/pst0000193"] = garble
    with pytest.raises(doi_lookup.LookupFailed, match="had a problem answering"):
        doi_lookup.lookup("10.1037/pst0000193")


def test_deeply_nested_json_is_not_metadata(metadata_server):
    metadata_server.resolver("10.1037/pst0000193", b"[" * 100_000)
    metadata_server.crossref("10.1037/pst0000193", b"{" * 100_000)
    with pytest.raises(doi_lookup.LookupFailed, match="did not send reference metadata"):
        doi_lookup.lookup("10.1037/pst0000193")
