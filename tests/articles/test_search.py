"""/search/ over articles and content pages, with PostgreSQL full-text search."""

import io

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page

from articles.models import ArticleIndexPage, ArticlePage
from benchmarks.content import create_articles
from practice.models import ContentPage


@pytest.fixture
def indexed_site(demo_site):
    """The demo site with its search index built.

    Saving a page enqueues its indexing as a task for the worker, after the transaction
    commits; a test's transaction never commits, so build the index directly (the
    transactional test below checks the worker's path).
    """
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    return demo_site


def test_finds_articles_and_content_pages(client, indexed_site):
    html = client.get("/search/", {"q": "partners"}).content.decode()
    assert 'href="/articles/update-on-therapy-partners/"' in html
    assert 'href="/therapy-partners/"' in html
    assert "What the latest review of research" in html  # the article's summary
    assert html.count("<h1") == 1


def result_paths(client, query) -> list[str]:
    response = client.get("/search/", {"q": query})
    return [page.url for page in response.context["result_pages"]]


def test_only_articles_and_content_pages_of_this_site_are_results(client, indexed_site):
    # Each of these words is the title of a page that is not an article or content page.
    assert "/" not in result_paths(client, "welcome")
    assert "/contact/" not in result_paths(client, "contact")
    assert "/articles/" not in result_paths(client, "articles")
    # A content page outside this site's tree (another site's, or an orphan) is not either.
    elsewhere = Page.get_first_root_node().add_child(
        instance=ContentPage(title="Zanzibarian elsewhere", slug="elsewhere")
    )
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    response = client.get("/search/", {"q": "zanzibarian"})
    assert elsewhere.pk not in [page.pk for page in response.context["result_pages"]]
    paths = result_paths(client, "partners")
    assert "/articles/update-on-therapy-partners/" in paths
    assert "/therapy-partners/" in paths


def test_finds_words_in_an_article_body(client, indexed_site):
    html = client.get("/search/", {"q": "meta-analyses"}).content.decode()
    assert "Update on Therapy Partners" in html


def test_friendly_empty_states(client, indexed_site):
    assert "Type a word or two" in client.get("/search/").content.decode()
    html = client.get("/search/", {"q": "xylophonist"}).content.decode()
    assert "Nothing matched “xylophonist”" in html


def test_the_query_is_escaped_everywhere(client, indexed_site):
    query = '"><script>alert(1)</script>'
    html = client.get("/search/", {"q": query}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_results_are_paginated(client, indexed_site):
    create_articles(ArticleIndexPage.objects.get(), 25)
    # Bulk-built articles skip the search index; index them as saving would.
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    first = client.get("/search/", {"q": "benchmark"}).content.decode()
    assert first.count('<li class="mb-3">') == 10
    assert "25 results" in first
    third = client.get("/search/", {"q": "benchmark", "page": "3"}).content.decode()
    assert third.count('<li class="mb-3">') == 5
    assert 'href="?q=benchmark&amp;page=2"' in third


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        '"',
        "'",
        "\"unbalanced 'quotes",
        "'; DROP TABLE wagtailcore_page; --",
        "a OR b AND NOT c",
        "therapy & | ! ( ) : * <->",
        "\x00nul",
        "ünïcödé 心理治疗 😀",
        "x" * 10_000,
        "%",
        "\\",
    ],
)
def test_odd_queries_give_a_page(client, indexed_site, query):
    response = client.get("/search/", {"q": query, "page": "abc"})
    assert response.status_code == 200


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300), page=st.text(max_size=5))
def test_any_query_gives_a_page(client, indexed_site, query, page):
    assert client.get("/search/", {"q": query, "page": page}).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_published_article_is_searchable_once_the_worker_has_run(client):
    call_command("seed_demo", stdout=io.StringIO())
    article = ArticlePage.objects.get(slug="why-i-ask-for-feedback")
    article.title = "Why I ask for your thoughts, zanzibarian edition"
    article.save_revision().publish()
    assert "Nothing matched" in client.get("/search/", {"q": "zanzibarian"}).content.decode()
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO())
    html = client.get("/search/", {"q": "zanzibarian"}).content.decode()
    assert 'href="/articles/why-i-ask-for-feedback/"' in html
