"""Varnish in front of the site, with the repository's VCL: anonymous pages come from it,
publishing purges what changed, the contact form is never stored, and only the site may
purge. The site is gunicorn with production settings and the task worker, which sends
the purges, as real processes on loopback."""

import re

import pytest

from benchmarks import site
from practice import processes
from tests.faults import harness
from tests.scale.http import request

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/why-i-ask-for-feedback/"
INDEX = "/articles/"
FEED = "/feeds/articles.rss"
SITEMAP = "/sitemap.xml"
UNRELATED = "/fees-and-insurance/"


def publish_article_title(environment, title: str) -> None:
    code = (
        "from articles.models import ArticlePage\n"
        "page = ArticlePage.objects.get(slug='why-i-ask-for-feedback')\n"
        f"page.title = {title!r}\n"
        "page.save_revision().publish()\n"
    )
    site.manage(environment, "shell", "-c", code)


def rename_practice(environment, name: str) -> None:
    code = (
        "from wagtail.models import Site\n"
        "from practice.models import PracticeSettings\n"
        "settings = PracticeSettings.for_site(Site.objects.get(is_default_site=True))\n"
        f"settings.practice_name = {name!r}\n"
        "settings.save()\n"
    )
    site.manage(environment, "shell", "-c", code)


def front(url: str, path: str):
    return request(url + path)


def warm(url: str, *paths: str) -> None:
    """Ask twice; the second answer must come from Varnish."""
    for path in paths:
        front(url, path)
        answer = front(url, path)
        assert answer.status == 200, path
        assert answer.headers["X-Front-Cache"] == "hit", path


@pytest.fixture
def stack(site_template, site_database, tmp_path):
    """gunicorn behind Varnish, purging it through the task queue, with a shared Redis as
    in production (so that a change made by another process empties the site's own page
    cache too); yields (front URL, environment, gunicorn URL)."""
    cache_port = processes.free_port()
    with processes.smtp_server() as smtp, processes.redis_server(tmp_path) as redis_url:
        if redis_url is None:
            pytest.fail("redis-server is not installed: `apt-get install redis-server`")
        environment = {
            "REDIS_URL": redis_url,
            **harness.environment(site_database, smtp.port, site_template.scratch),
            "FRONTEND_CACHE_URL": f"http://127.0.0.1:{cache_port}",
            "TRUSTED_PROXY_COUNT": "1",
            # Visit counts leave gunicorn's memory every second instead of every minute.
            "VISIT_FLUSH_SECONDS": "1",
        }
        with processes.gunicorn(environment, tmp_path / "gunicorn.log") as backend:
            backend_address = backend.removeprefix("http://")
            with processes.varnish([backend_address], tmp_path, port=cache_port) as url:
                yield url, environment, backend


def test_publishing_purges_the_page_and_its_listings_and_nothing_else(stack):
    url, environment, _ = stack
    warm(url, ARTICLE, INDEX, FEED, SITEMAP, UNRELATED)

    publish_article_title(environment, "Feedback, every session, in a new title")
    # Nothing is purged before the worker sends it: the change is queued with the revision.
    assert front(url, ARTICLE).headers["X-Front-Cache"] == "hit"
    site.manage(environment, "db_worker", "--batch")

    for path in (ARTICLE, INDEX, FEED):
        answer = front(url, path)
        assert answer.headers["X-Front-Cache"] == "miss", path
        assert "Feedback, every session, in a new title" in answer.body, path
    assert front(url, SITEMAP).headers["X-Front-Cache"] == "miss"
    # A page that does not show the article keeps its stored copy.
    assert front(url, UNRELATED).headers["X-Front-Cache"] == "hit"
    assert front(url, ARTICLE).headers["X-Front-Cache"] == "hit"


def test_a_settings_change_purges_every_page(stack):
    url, environment, _ = stack
    warm(url, UNRELATED, ARTICLE, "/")

    rename_practice(environment, "Harbour Street Counselling")
    site.manage(environment, "db_worker", "--batch")

    for path in (UNRELATED, ARTICLE, "/"):
        answer = front(url, path)
        assert answer.headers["X-Front-Cache"] == "miss", path
        assert "Harbour Street Counselling" in answer.body, path


def test_the_contact_form_is_never_stored(stack):
    url, _, _ = stack
    answers = [front(url, harness.CONTACT_PATH) for _ in range(3)]
    assert [answer.status for answer in answers] == [200, 200, 200]
    assert [answer.headers["X-Front-Cache"] for answer in answers] == ["miss"] * 3
    for answer in answers:
        assert "no-store" in answer.headers["Cache-Control"]
        assert "private" in answer.headers["Cache-Control"]
    # Each visitor gets their own CSRF token: nothing was shared between them.
    tokens = {answer.headers["Set-Cookie"].split(";")[0] for answer in answers}
    assert len(tokens) == 3


def test_signed_in_editors_and_the_admin_are_passed_to_the_site(stack):
    url, _, _ = stack
    warm(url, UNRELATED)
    with_session = request(url + UNRELATED, headers={"Cookie": "sessionid=abc"})
    assert with_session.headers["X-Front-Cache"] == "miss"
    admin = [request(url + "/admin/login/") for _ in range(2)]
    assert [answer.headers["X-Front-Cache"] for answer in admin] == ["miss", "miss"]
    # A POST is never answered from the cache either.
    post = request(url + UNRELATED, "POST", body=b"")
    assert post.headers["X-Front-Cache"] == "miss"


def test_made_up_addresses_and_query_strings_are_not_stored(stack):
    url, _, _ = stack
    for path in ("/no-such-page/", UNRELATED + "?utm_source=x", INDEX + "?page=1&x=2"):
        answers = [front(url, path) for _ in range(2)]
        assert [answer.headers["X-Front-Cache"] for answer in answers] == ["miss", "miss"], path
    # The article index's own parameters are pages like any other.
    warm(url, INDEX + "?page=1", INDEX + "?tag=feedback")


def test_only_the_site_may_purge(stack):
    url, _, _ = stack
    warm(url, UNRELATED)
    host = {"Host": "127.0.0.1"}
    for method in ("PURGE", "BAN"):
        refused = request(url + UNRELATED, method, headers=host, source="127.0.0.2")
        assert refused.status == 405, method
        assert front(url, UNRELATED).headers["X-Front-Cache"] == "hit", method

    allowed = request(url + UNRELATED, "PURGE", headers=host)
    assert allowed.status == 200
    assert front(url, UNRELATED).headers["X-Front-Cache"] == "miss"


def test_views_served_by_varnish_are_counted(stack, site_database):
    """The page comes from Varnish; its beacon (a POST) passes through to gunicorn, whose
    processes queue their counts for the worker (practice/visits.py)."""
    url, environment, _ = stack
    warm(url, UNRELATED)
    page_id = int(re.search(r'data-visit-page="(\d+)"', front(url, UNRELATED).body)[1])
    statement = "SELECT coalesce(sum(count), 0) FROM practice_visitcount WHERE page_id = %s"
    before = harness.query(site_database, statement, [page_id])[0][0]  # the demo's counts
    beacon = {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36",
        "Sec-Fetch-Site": "same-origin",
        "Content-Type": "text/plain;charset=UTF-8",
    }
    for _ in range(3):
        answer = request(url + "/_visits/", "POST", headers=beacon, body=str(page_id).encode())
        assert answer.status == 204
        assert answer.headers["X-Front-Cache"] == "miss"
        assert "Set-Cookie" not in answer.headers

    def counted() -> bool:
        site.manage(environment, "db_worker", "--batch")
        return harness.query(site_database, statement, [page_id])[0][0] == before + 3

    harness.wait_until(counted, "the worker wrote the three views", timeout=60)
