"""The whole-page cache: what it serves, what it never stores or serves, and what purges it."""

import datetime

import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from articles.models import ArticleIndexPage, ArticlePage
from hours.models import OpeningHours
from practice import generation
from practice.models import ContentPage, PracticeSettings
from practice.page_cache import PageCacheMiddleware, cache_key

PUBLIC_URLS = ("/", "/about/", "/articles/", "/articles/why-i-ask-for-feedback/")
OTHER_PUBLIC_URLS = ("/feeds/articles.rss", "/sitemap.xml", "/robots.txt", "/search/")


@pytest.fixture
def page_cache(settings, demo_site):
    settings.PAGE_CACHE_SECONDS = 300
    return demo_site


def warm(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    assert response["X-Cache"] == "miss", url
    return response


@pytest.mark.parametrize("url", PUBLIC_URLS + OTHER_PUBLIC_URLS)
def test_the_second_anonymous_visit_is_served_whole_without_a_query(
    client, page_cache, url, django_assert_num_queries
):
    first = warm(client, url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # Headers set inside the middleware stack are kept with the page.
    assert second["X-Frame-Options"] == "DENY"
    assert b"csrfmiddlewaretoken" not in second.content
    assert not second.cookies


def test_head_and_get_share_one_copy(client, page_cache):
    warm(client, "/about/")
    response = client.head("/about/")
    assert response["X-Cache"] == "hit"
    assert response.content == b""


def test_visitors_with_a_csrf_cookie_share_the_copy_too(client, page_cache):
    client.get("/contact/")
    assert "csrftoken" in client.cookies
    warm(client, "/about/")
    assert client.get("/about/")["X-Cache"] == "hit"


def test_a_signed_in_editor_never_gets_a_stored_page_nor_stores_one(
    client, page_cache, django_user_model
):
    editor = django_user_model.objects.create_superuser("editor", password="x" * 16)
    client.force_login(editor)
    as_editor = client.get("/about/")
    assert "X-Cache" not in as_editor
    assert "wagtail-userbar" in as_editor.content.decode()
    client.logout()
    client.cookies.clear()
    anonymous = warm(client, "/about/")  # the editor's page was not stored
    assert "wagtail-userbar" not in anonymous.content.decode()
    client.force_login(editor)
    again = client.get("/about/")
    assert "X-Cache" not in again
    assert "wagtail-userbar" in again.content.decode()


def test_a_preview_is_never_served_from_nor_stored_in_the_cache(client, page_cache):
    about = ContentPage.objects.get(slug="about")
    warm(client, "/about/")
    about.title = "Unpublished draft title"
    preview = about.make_preview_request()
    assert "Unpublished draft title" in preview.content.decode()
    assert "X-Cache" not in preview
    live = client.get("/about/")
    assert live["X-Cache"] == "hit"
    assert "Unpublished draft title" not in live.content.decode()


def test_the_admin_and_messages_are_never_cached(page_cache):
    factory = RequestFactory()
    assert cache_key(factory.get("/admin/")) is None
    assert cache_key(factory.get("/about/", HTTP_COOKIE="messages=abc")) is None
    assert cache_key(factory.get("/about/", HTTP_COOKIE="sessionid=abc")) is None
    assert cache_key(factory.get("/about/", HTTP_AUTHORIZATION="Basic eDp5")) is None
    assert cache_key(factory.post("/about/")) is None
    assert cache_key(factory.get("/about/", HTTP_COOKIE="csrftoken=abc")) is not None


def _with_message(request):
    from django.contrib import messages

    messages.info(request, "For this visitor only")
    return HttpResponse("ok")


def _csrf_used(request):
    return HttpResponse(f"token {get_token(request)}")


def _header(name, value):
    def view(request):
        response = HttpResponse("ok")
        response[name] = value
        return response

    return view


def _cookie(request):
    response = HttpResponse("ok")
    response.set_cookie("seen", "1")
    return response


@pytest.mark.parametrize(
    "view",
    [
        _header("Cache-Control", "private"),
        _header("Cache-Control", "no-store"),
        _header("Cache-Control", "max-age=0, no-cache"),
        _header("Vary", "Cookie"),
        _cookie,
        lambda request: HttpResponse("missing", status=404),
        lambda request: HttpResponseRedirect("/about/"),
        lambda request: StreamingHttpResponse(iter([b"a", b"b"])),
    ],
)
def test_responses_that_may_differ_per_visitor_are_not_stored(page_cache, view):
    calls = []

    def get_response(request):
        calls.append(request)
        return view(request)

    middleware = PageCacheMiddleware(get_response)
    for _ in range(2):
        response = middleware(RequestFactory().get("/somewhere/"))
        assert "X-Cache" not in response
    assert len(calls) == 2


@pytest.mark.parametrize("view", [_csrf_used, _with_message])
def test_pages_that_used_the_csrf_token_or_messages_are_not_stored(page_cache, view):
    """Through the middleware that keeps the token and the messages."""
    stack = PageCacheMiddleware(SessionMiddleware(CsrfViewMiddleware(MessageMiddleware(view))))
    for _ in range(2):
        response = stack(RequestFactory().get("/somewhere/"))
        assert response.cookies
        assert "X-Cache" not in response


@pytest.mark.parametrize(
    "query",
    ["?utm_source=news", "?page=abc", "?page=01", "?page=1&page=2", "?q=therapy", "?tag=a%20b"],
)
def test_query_strings_a_page_does_not_use_are_never_cached(client, page_cache, query):
    for _ in range(2):
        response = client.get(f"/articles/{query}")
        assert response.status_code in (200, 404)
        assert "X-Cache" not in response


def test_only_query_strings_a_page_reads_are_stored(client, page_cache):
    warm(client, "/articles/?tag=starting-therapy")
    assert client.get("/articles/?tag=starting-therapy")["X-Cache"] == "hit"
    warm(client, "/articles/?page=1")
    # Another page ignores ?page=, and a tag that does not exist is not one more copy.
    for url in ("/about/?page=2", "/articles/?tag=made-up-tag"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert "X-Cache" not in response


def test_the_cache_is_off_at_zero_seconds(client, demo_site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert "X-Cache" not in client.get("/about/")


def test_a_change_during_rendering_leaves_that_copy_unused(page_cache):
    """A render that raced a save must not be kept as the fresh page."""
    renders = []

    def get_response(request):
        renders.append(request)
        generation.bump()  # an editor's save lands while this page renders
        return HttpResponse("rendered from rows that may be stale")

    middleware = PageCacheMiddleware(get_response)
    assert middleware(RequestFactory().get("/raced/"))["X-Cache"] == "miss"
    assert middleware(RequestFactory().get("/raced/"))["X-Cache"] == "miss"
    assert len(renders) == 2


def publish(page):
    page.save_revision().publish()


def test_publishing_a_page_purges_every_page(client, page_cache):
    for url in PUBLIC_URLS:
        warm(client, url)
    about = ContentPage.objects.get(slug="about")
    about.title = "About the practice"
    about.show_in_menus = True
    publish(about)
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "About the practice" in response.content.decode(), url  # the menu too


def test_unpublishing_moving_and_deleting_purge(client, page_cache):
    article = ArticlePage.objects.get(slug="why-i-ask-for-feedback")
    warm(client, "/articles/")
    warm(client, article.url)
    article.unpublish()
    assert client.get(article.url).status_code == 404
    assert "Why I ask for your feedback" not in warm(client, "/articles/").content.decode()

    services = ContentPage.objects.get(slug="services")
    warm(client, "/about/")
    services.move(ContentPage.objects.get(slug="about"), pos="last-child")
    assert "/services/" not in client.get("/about/").content.decode()  # gone from the menu
    warm(client, "/about/services/")

    Page.objects.get(pk=services.pk).delete()
    assert client.get("/about/services/").status_code == 404


def test_practice_details_and_hours_purge(client, page_cache):
    warm(client, "/about/")
    practice = PracticeSettings.objects.get()
    practice.practice_name = "Harbor Light Counseling"
    practice.save()
    assert "Harbor Light Counseling" in warm(client, "/about/").content.decode()

    hours = OpeningHours.objects.get()
    hours.note = "Evening sessions on request."
    hours.save()
    assert "Evening sessions on request." in warm(client, "/about/").content.decode()

    weekly = hours.weekly_hours.first()
    weekly.delete()
    warm(client, "/about/")


def test_a_page_made_private_is_no_longer_served_from_the_cache(client, page_cache):
    about = ContentPage.objects.get(slug="about")
    public = warm(client, "/about/")
    PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="secret-pass"
    )
    response = client.get("/about/")
    assert "X-Cache" not in response  # the password form carries a CSRF token
    assert response.content != public.content
    assert "password" in response.content.decode().lower()


def test_scheduled_publishing_and_expiry_purge(client, page_cache):
    index = ArticleIndexPage.objects.get()
    warm(client, "/articles/")
    article = ArticlePage(title="Going live by schedule", summary="Soon.", body=[])
    article.live = False
    index.add_child(instance=article)
    revision = article.save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(1))
    assert revision.approved_go_live_at is not None
    assert client.get("/articles/")["X-Cache"] == "hit"
    call_command("publish_scheduled")
    assert "Going live by schedule" in warm(client, "/articles/").content.decode()

    live = ArticlePage.objects.get(pk=article.pk)
    warm(client, live.url)
    ArticlePage.objects.filter(pk=live.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    assert client.get(live.url).status_code == 404
