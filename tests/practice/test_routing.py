"""Parents route to their children from the cache (practice/routing.py), and every change
that moves, hides or renames a page is seen on the next request."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from articles.models import ArticlePage
from practice.models import ContentPage
from practice.routing import cached_child

ARTICLE = "/articles/why-i-ask-for-feedback/"


def page_queries(client, url: str, status: int = 200) -> list[str]:
    """The queries on wagtailcore_page while answering `url` (the page cache is off)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == status, url
    return [q["sql"] for q in queries if 'FROM "wagtailcore_page"' in q["sql"]]


def routing_queries(client, url: str, status: int = 200) -> list[str]:
    """Of those, the ones that look a child up by slug, as routing does."""
    return [sql for sql in page_queries(client, url, status) if '"slug" =' in sql]


def test_a_page_is_routed_from_the_cache_after_the_first_request(client, demo_site):
    assert routing_queries(client, ARTICLE)  # index, then article: looked up
    assert routing_queries(client, ARTICLE) == []
    assert routing_queries(client, "/contact/")
    assert routing_queries(client, "/contact/thank-you/") == []  # a routable sub-page
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/contact/", {}).status_code == 400  # the form, with its errors
    assert not [q for q in queries if '"slug" =' in q["sql"]]


def test_publishing_a_new_slug_moves_the_page_at_once(client, demo_site):
    client.get("/about/")
    about = ContentPage.objects.get(slug="about")
    about.slug = "about-me"
    about.save_revision().publish()
    assert client.get("/about/").status_code == 404
    assert client.get("/about-me/").status_code == 200


def test_unpublishing_and_deleting_hide_the_page_at_once(client, demo_site):
    client.get(ARTICLE)
    article = ArticlePage.objects.get(slug="why-i-ask-for-feedback")
    article.unpublish()
    assert client.get(ARTICLE).status_code == 404
    article.save_revision().publish()
    assert client.get(ARTICLE).status_code == 200
    article.delete()
    assert client.get(ARTICLE).status_code == 404


def test_an_unknown_slug_is_not_kept(client, demo_site):
    home = demo_site.root_page.specific
    cache.clear()
    assert client.get("/no-such-page/").status_code == 404
    assert cached_child(home, "no-such-page") is None
    assert all(":route:" not in key for key in _keys())
    assert cached_child(home, "about") is not None
    assert any(":route:" in key for key in _keys())


def _keys() -> list[str]:
    # The default test cache is Django's in-process one.
    return list(cache._cache)


def restriction_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries if "wagtailcore_pageviewrestriction" in q["sql"]]


def test_privacy_is_checked_without_a_query_while_no_page_is_private(client, demo_site):
    client.get("/about/")
    assert restriction_queries(client, "/about/") == []
    assert restriction_queries(client, ARTICLE) == []

    about = ContentPage.objects.get(slug="about")
    restriction = PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="secret-pass"
    )
    response = client.get("/about/")
    assert 'name="password"' in response.content.decode()
    assert restriction_queries(client, ARTICLE)  # some page is private: Wagtail asks again

    restriction.delete()
    assert 'name="password"' not in client.get("/about/").content.decode()
    assert restriction_queries(client, "/about/") == []
