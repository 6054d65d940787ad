"""Unit tests of the small rule modules: backoff, spam signals, rate limit, validators, export."""

import time

import pytest
from django.core import signing
from django.core.cache import cache

from contact import spam
from contact.backoff import retry_delay
from contact.export import neutralize_formula, neutralize_xlsx_formula
from contact.ratelimit import RateLimit
from contact.validators import (
    has_control_characters,
    has_format_characters,
    is_plausible_phone,
)
from tests.contact.conftest import render_token_signed_ago

SCHEDULE = [60, 300, 900, 3600, 14400]


@pytest.mark.parametrize(
    ("attempts_made", "expected"),
    [(1, 60), (2, 300), (3, 900), (4, 3600), (5, 14400), (6, 14400), (9, 14400), (10, None)],
)
def test_retry_delay_follows_the_schedule_then_repeats_its_last_step(attempts_made, expected):
    assert retry_delay(attempts_made, SCHEDULE, max_attempts=10) == expected


def test_retry_delay_gives_up_at_the_limit_and_without_a_schedule():
    assert retry_delay(1, SCHEDULE, max_attempts=1) is None
    assert retry_delay(1, [], max_attempts=5) is None
    assert retry_delay(1, [-5], max_attempts=5) == 0


def test_render_time_token_round_trips_and_rejects_tampering():
    token = spam.sign_render_time(1000.0)
    assert spam.seconds_since_render(token, now=1004.5) == pytest.approx(4.5)
    assert spam.seconds_since_render(token[:-2] + "xx", now=1004.5) is None
    assert spam.seconds_since_render("", now=1004.5) is None
    forged = signing.dumps("soon", salt=spam.RENDERED_AT_SALT)
    assert spam.seconds_since_render(forged) is None


def test_spam_reason():
    old = spam.sign_render_time(time.time() - 30)
    fresh = spam.sign_render_time()
    assert spam.spam_reason(honeypot="", rendered_at_token=old, min_seconds=3) == ""
    assert spam.spam_reason(honeypot="x", rendered_at_token=old, min_seconds=3) == spam.HONEYPOT
    assert spam.spam_reason(honeypot="", rendered_at_token=fresh, min_seconds=3) == spam.TOO_FAST
    assert spam.spam_reason(honeypot="", rendered_at_token="", min_seconds=3) == spam.NO_TIMESTAMP


def test_render_time_tokens_expire_after_a_day():
    day = spam.RENDERED_AT_MAX_AGE
    assert day == 24 * 60 * 60
    recent = render_token_signed_ago(day - 60)
    assert spam.seconds_since_render(recent) == pytest.approx(day - 60, abs=2)
    assert spam.spam_reason(honeypot="", rendered_at_token=recent, min_seconds=3) == ""
    stale = render_token_signed_ago(day + 60)
    assert spam.spam_reason(honeypot="", rendered_at_token=stale, min_seconds=3) == spam.EXPIRED


def test_client_hash_is_keyed_and_hides_the_address(settings):
    digest = spam.client_hash("203.0.113.7")
    assert len(digest) == 64
    assert "203.0.113.7" not in digest
    assert digest == spam.client_hash("203.0.113.7")
    assert digest != spam.client_hash("203.0.113.8")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert digest != spam.client_hash("203.0.113.7")


def test_rate_limit_counts_per_key_and_window():
    cache.clear()
    limit = RateLimit("test", limit=2, window_seconds=3600)
    now = 7200.0
    assert not limit.is_exceeded("a", now)
    limit.hit("a", now)
    limit.hit("a", now + 10)
    assert limit.is_exceeded("a", now + 20)
    assert not limit.is_exceeded("b", now + 20)
    assert not limit.is_exceeded("a", now + 3600)  # the next window
    assert limit.retry_after(now + 600) == 3000


def test_rate_limit_allow_counts_and_compares_in_one_step():
    cache.clear()
    limit = RateLimit("test-allow", limit=2, window_seconds=3600)
    assert [limit.hit("a", 0.0) for _ in range(3)] == [1, 2, 3]
    assert [limit.allow("b", 0.0) for _ in range(3)] == [True, True, False]
    assert limit.allow("b", 3600.0)  # the next window


def test_rate_limit_zero_means_unlimited():
    cache.clear()
    limit = RateLimit("test-off", limit=0)
    for _ in range(10):
        assert limit.allow("a")
    assert not limit.is_exceeded("a")


@pytest.mark.parametrize(
    "number",
    ["+1 (555) 010-4477", "555-0104", "+44 20 7946 0958", "020/123.456", "+49 30 1234567 ext. 12"],
)
def test_plausible_phone_numbers(number):
    assert is_plausible_phone(number)


@pytest.mark.parametrize(
    "number", ["call me", "12", "+1 555 010 4477\nBcc: x@y", "1" * 25, "555-0104 ext 1234567"]
)
def test_implausible_phone_numbers(number):
    assert not is_plausible_phone(number)


def test_control_characters():
    assert has_control_characters("a\nb")
    assert has_control_characters("a\u2028b")
    assert has_control_characters("a\x0bb", allowed={"\n"})
    assert not has_control_characters("line one\nline two\ttab", allowed={"\n", "\t"})
    assert not has_control_characters("Zoë O'Brien-Łukasz")


def test_format_characters():
    for character in ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]:
        assert has_format_characters(f"Ann{character}Lee")
    assert has_format_characters("\u061cAnn")  # ARABIC LETTER MARK
    assert has_format_characters("Ann\u00adLee")  # soft hyphen
    assert not has_format_characters("Mehr\u200cnaz")  # ZWNJ
    assert not has_format_characters("\u0915\u094d\u200d\u0937")  # ZWJ
    assert not has_format_characters("Zoë O'Brien-Łukasz")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1 555", "'+1 555"),
        ("-2", "'-2"),
        ("@SUM", "'@SUM"),
        ("Alex", "Alex"),
        (None, None),
    ],
)
def test_neutralize_formula(value, expected):
    assert neutralize_formula(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1 555", "+1 555"),
        ("-2", "-2"),
        ("@SUM", "@SUM"),
        ("Alex", "Alex"),
        (None, None),
    ],
)
def test_neutralize_xlsx_formula(value, expected):
    assert neutralize_xlsx_formula(value) == expected
