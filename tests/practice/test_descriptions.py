import re

import pytest
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st
from wagtail.models import Page

from practice.descriptions import MAX_LENGTH, plain_description


def test_rich_text_becomes_one_line_of_plain_text():
    rich = "<p>Notes on <b>therapy</b> &amp; research.</p><p>Second<br/>line.</p>"
    assert plain_description(rich) == "Notes on therapy & research. Second line."


def test_plain_text_is_kept_as_it_is():
    assert plain_description("Individual and couples psychotherapy.") == (
        "Individual and couples psychotherapy."
    )


def test_a_long_text_is_cut_after_a_whole_word():
    text = "word " * 100
    description = plain_description(text, max_length=23)
    assert description == "word word word word…"


def test_a_word_ending_at_the_limit_is_kept_whole():
    assert plain_description("abc defg hij", max_length=9) == "abc defg…"


def test_empty_text_gives_an_empty_description():
    assert plain_description("") == ""
    assert plain_description("<p></p>") == ""


@given(st.text())
def test_never_longer_than_the_limit_and_never_multiline(text):
    description = plain_description(text)
    assert len(description) <= MAX_LENGTH
    assert "\n" not in description
    assert description == description.strip()


# --- On the pages -----------------------------------------------------------------------

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


@pytest.mark.parametrize("path", ["/", "/articles/", "/contact/"])
def test_a_page_without_a_search_description_is_described_by_its_intro(client, demo_site, path):
    page = Page.objects.get(url_path=f"/home-page{path}").specific
    assert not page.search_description
    html = client.get(path).content.decode()
    described = DESCRIPTION.findall(html)
    assert described == [escape(plain_description(page.intro))]
    assert described[0]
    assert "&lt;" not in described[0]


def test_the_search_description_is_preferred_to_the_intro(client, demo_site):
    page = Page.objects.get(url_path="/home-page/contact/").specific
    page.search_description = "Ask about an appointment."
    page.save_revision().publish()
    html = client.get("/contact/").content.decode()
    assert DESCRIPTION.findall(html) == ["Ask about an appointment."]
