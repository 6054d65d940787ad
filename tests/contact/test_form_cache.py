"""The contact form and thank-you page from the page cache: one stored copy, each visitor
with their own CSRF token and render time, never a visitor's value in the stored copy."""

import re

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory

from contact import spam
from contact.models import Inquiry
from practice import per_visitor
from practice.page_cache import cache_key
from tests.contact.conftest import form_data

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RENDERED_AT_INPUT = re.compile(rb'name="rendered_at" value="([^"]+)"')


@pytest.fixture
def page_cache(settings, contact_page):
    settings.PAGE_CACHE_SECONDS = 300
    return contact_page


def tokens(response) -> tuple[str, str]:
    return (
        CSRF_INPUT.search(response.content).group(1).decode(),
        RENDERED_AT_INPUT.search(response.content).group(1).decode(),
    )


def stored_copy(path: str) -> bytes:
    key = cache_key(RequestFactory().get(path))
    generation, (status, headers, content, *per_visitor) = cache.get(key)
    return content


def test_the_second_visitor_gets_the_stored_form_with_their_own_values(
    page_cache, django_assert_num_queries
):
    first = Client().get("/contact/")
    assert first["X-Cache"] == "miss"
    visitor = Client()
    with django_assert_num_queries(0):
        second = visitor.get("/contact/")
    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert "no-store" in second["Cache-Control"]
    assert "private" in second["Cache-Control"]
    first_csrf, first_rendered_at = tokens(first)
    second_csrf, second_rendered_at = tokens(second)
    assert second_csrf != first_csrf
    assert second_rendered_at != first_rendered_at
    # The token in the form belongs to the cookie the visitor was given.
    cookie = second.cookies["csrftoken"].value
    assert _unmask_cipher_token(second_csrf) == cookie
    assert spam.seconds_since_render(second_rendered_at) < 60
    # Apart from the two values, the page is the first one.
    neutral = CSRF_INPUT.sub(b"", RENDERED_AT_INPUT.sub(b"", first.content))
    assert CSRF_INPUT.sub(b"", RENDERED_AT_INPUT.sub(b"", second.content)) == neutral


def test_no_visitor_value_is_in_the_stored_copy(page_cache):
    responses = [Client().get("/contact/") for _ in range(3)]
    stored = stored_copy("/contact/")
    for response in responses:
        for value in tokens(response):
            assert value.encode() not in stored
    assert b"csrfmiddlewaretoken" in stored


def test_a_form_from_the_stored_copy_can_be_sent(page_cache, settings):
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 0
    Client().get("/contact/")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/contact/")
    assert page["X-Cache"] == "hit"
    csrf, rendered_at = tokens(page)
    data = {**form_data(), "csrfmiddlewaretoken": csrf, "rendered_at": rendered_at}
    response = visitor.post("/contact/", data)
    assert response.status_code == 303
    assert Inquiry.objects.get().status == Inquiry.Status.NEW


def test_a_submission_right_after_a_stored_copy_is_still_too_fast(page_cache, settings):
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 30
    Client().get("/contact/")
    visitor = Client()
    page = visitor.get("/contact/")
    assert page["X-Cache"] == "hit"
    data = {**form_data(), "rendered_at": tokens(page)[1]}
    assert visitor.post("/contact/", data).status_code == 303
    assert Inquiry.objects.get().status == Inquiry.Status.SPAM


def test_a_returning_visitor_keeps_their_csrf_cookie(page_cache):
    visitor = Client()
    visitor.get("/contact/")
    cookie = visitor.cookies["csrftoken"].value
    again = visitor.get("/contact/")
    assert again["X-Cache"] == "hit"
    assert _unmask_cipher_token(tokens(again)[0]) == cookie


def test_the_thank_you_page_is_stored_once_too(page_cache, django_assert_num_queries):
    assert Client().get("/contact/thank-you/")["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = Client().get("/contact/thank-you/")
    assert response["X-Cache"] == "hit"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_a_form_with_errors_is_rendered_in_full(page_cache):
    Client().get("/contact/")
    response = Client().post("/contact/", {**form_data(), "email": "not an address"})
    assert response.status_code == 400
    assert "X-Cache" not in response
    assert b"not an address" in response.content
    assert b"not an address" not in stored_copy("/contact/")


def test_a_signed_in_editor_gets_the_form_rendered_afresh(page_cache, admin_client):
    Client().get("/contact/")
    response = admin_client.get("/contact/")
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_a_filled_in_value_of_another_length_gets_the_right_content_length(page_cache, monkeypatch):
    Client().get("/contact/")
    monkeypatch.setitem(per_visitor._makers, "rendered_at", lambda request: "x" * 300)
    response = Client().get("/contact/")
    assert response["X-Cache"] == "hit"
    assert tokens(response)[1] == "x" * 300
    assert int(response["Content-Length"]) == len(response.content)
