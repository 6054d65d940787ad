"""The public contact page: rendering, submission, validation, spam signals and caching."""

import io
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contact import spam
from contact.models import ContactPage, Inquiry
from contact.notifications import acknowledgement_email, notification_email
from practice.clients import client_address, client_network
from practice.models import HomePage, PracticeSettings
from tests.contact.conftest import form_data, notification_jobs, render_token_signed_ago
from tests.html import inline_attributes, third_party_urls


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def post(client, page, **overrides):
    return client.post(page.url, form_data(**overrides))


def test_page_shows_the_form_intro_and_crisis_notice(client, contact_page, demo_site):
    practice = PracticeSettings.for_site(demo_site)
    practice.crisis_notice = "Call or text 988 at any hour."
    practice.save()
    response = client.get(contact_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    form_at = html.index('id="contact-form"')
    assert html.index("Call or text 988 at any hour.") < form_at
    assert "I usually answer within two working days" in html
    assert "Up to 2,000 characters" in html
    assert 'maxlength="2000"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # Its own address, so no "#fragment" of the page it was on follows it to the thank-you.
    assert re.search(r'<form[^>]+action="/contact/"', html)
    assert html.count("<h1") == 1
    assert third_party_urls(html) == []
    assert inline_attributes(html) == []
    assert re.search(r'<script src="[^"]*contact-form\.js" defer>', html)


def test_honeypot_is_hidden_by_a_class_not_inline_style(client, contact_page, settings):
    html = client.get(contact_page.url).content.decode()
    assert re.search(r'<div\s+class="contact-extra"\s*>\s*<div id="div_id_website"', html)
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert re.search(r"\.contact-extra\s*{\s*display:\s*none;", css)


def test_contact_page_is_never_cached(client, contact_page):
    for response in (
        client.get(contact_page.url),
        post(client, contact_page, email="not-an-email"),
        post(client, contact_page),
    ):
        cache_control = response["Cache-Control"]
        assert "private" in cache_control
        assert "no-store" in cache_control
        assert "max-age=0" in cache_control


def test_valid_submission_stores_one_inquiry_and_one_job_then_thanks(client, contact_page):
    response = post(client, contact_page)
    assert response.status_code == 303
    assert response["Location"] == contact_page.url + "thank-you/"
    inquiry = Inquiry.objects.get()
    assert inquiry.name == "Alex Rivera"
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.notification_state == Inquiry.Notification.PENDING
    assert inquiry.client_hash == spam.client_hash("127.0.0.1")
    job = notification_jobs().get()
    assert job.task_path == "contact.tasks.send_inquiry_notification"
    assert job.args_kwargs == {"args": [inquiry.pk], "kwargs": {}}

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    html = thanks.content.decode()
    assert "Your message is on its way" in html
    assert "988" in html.split("<footer")[0]  # the crisis notice, above the footer too
    assert "private" in thanks["Cache-Control"]


def test_the_client_address_is_never_stored(client, contact_page):
    client.post(contact_page.url, form_data(), REMOTE_ADDR="198.51.100.23")
    inquiry = Inquiry.objects.get()
    stored = " ".join(str(value) for value in Inquiry.objects.values().get().values())
    assert "198.51.100.23" not in stored
    assert inquiry.client_hash == spam.client_hash("198.51.100.23")


def test_csrf_protection_stays_on(contact_page):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(contact_page.url, form_data()).status_code == 403
    html = strict.get(contact_page.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = strict.post(contact_page.url, form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 303
    assert Inquiry.objects.count() == 1


def test_invalid_submission_shows_every_error_keeps_values_and_stores_nothing(client, contact_page):
    response = post(
        client,
        contact_page,
        name="",
        email="alex@",
        phone="call me",
        message="x" * 2001,
        acknowledge="",
        client_type="",
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("name", "email", "phone", "message", "acknowledge"):
        # Each error has an id and its field points at it.
        assert f'id="id_{field}_error"' in html, field
        tag = re.search(rf'<(?:input|textarea)[^>]*\bid="id_{field}"[^>]*>', html).group(0)
        assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', tag), field
    assert 'aria-invalid="true"' in html
    assert "Ensure this value has at most 2000 characters" in html
    assert 'value="alex@"' in html
    assert 'value="call me"' in html
    assert 'role="alert"' in html
    assert Inquiry.objects.count() == 0
    assert notification_jobs().count() == 0


def test_phone_is_required_when_phone_is_the_preferred_method(client, contact_page):
    response = post(client, contact_page, preferred_contact="phone", phone="")
    assert response.status_code == 400
    assert "Add a phone number" in response.content.decode()
    assert post(client, contact_page, preferred_contact="phone").status_code == 303


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "Alex\r\nBcc: victim@example.com"},
        {"name": "Alex\u2028Bcc: victim@example.com"},
        {"email": "alex@example.com\nBcc: victim@example.com"},
        {"phone": "555 0100\nX-Injected: 1"},
        {"message": "null byte \x00 here"},
        {"name": "nul\x00"},
        {"message": "vertical tab \x0b here"},
    ],
)
def test_header_injection_and_control_characters_are_rejected(client, contact_page, overrides):
    response = post(client, contact_page, **overrides)
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "\u202eAnn"},  # RIGHT-TO-LEFT OVERRIDE: shows "nnA" reversed text after it
        {"name": "Ann\u2066Lee\u2069"},  # isolates
        {"name": "Ann\u200bLee"},  # ZERO WIDTH SPACE
        {"name": "\ufeffAnn"},  # byte order mark
        {"email": "ann@ex\u202eample.com"},
        {"phone": "\u202d555 010 4477"},
    ],
)
def test_invisible_formatting_characters_are_rejected_in_single_line_fields(
    client, contact_page, overrides
):
    response = post(client, contact_page, **overrides)
    assert response.status_code == 400
    field = next(iter(overrides))
    assert "invisible formatting characters" in response.context["form"].errors[field][0]
    assert Inquiry.objects.count() == 0


def test_joiners_that_names_need_are_accepted(client, contact_page):
    # ZWNJ in Persian names, ZWJ in some Indic scripts.
    assert (
        post(client, contact_page, name="Mehr\u200cnaz \u0915\u094d\u200d\u0937").status_code == 303
    )
    assert Inquiry.objects.get().name == "Mehr\u200cnaz \u0915\u094d\u200d\u0937"


def test_a_message_at_the_visible_limit_with_line_breaks_is_accepted(client, contact_page):
    # Browsers send line breaks as CRLF; maxlength and the counter count each as one.
    typed = "\r\n".join(["x" * 94] * 21) + "x" * 6  # 1,980 letters and 20 line breaks
    assert len(typed) == 2020
    assert post(client, contact_page, message=typed + "y").status_code == 400
    assert post(client, contact_page, message=typed).status_code == 303
    stored = Inquiry.objects.get().message
    assert "\r" not in stored
    assert stored.count("\n") == 20
    assert len(stored) == 2000


def test_lone_carriage_returns_become_line_breaks(client, contact_page):
    assert post(client, contact_page, message="one\rtwo\r\nthree").status_code == 303
    assert Inquiry.objects.get().message == "one\ntwo\nthree"


def test_html_is_stored_as_typed_and_shown_escaped(client, contact_page, admin_client):
    post(client, contact_page, name="<b>Alex</b>", message='<script>alert("x")</script>')
    inquiry = Inquiry.objects.get()
    assert inquiry.message == '<script>alert("x")</script>'
    html = admin_client.get(f"/admin/inquiries/inspect/{inquiry.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html
    assert "<b>Alex</b>" not in html


def test_invalid_utf8_and_oversized_bodies_never_cause_a_500(client, contact_page):
    body = b"name=%FF%FE%00&email=a%40b.c&message=" + b"%C3%28" * 10 + b"&acknowledge=on"
    response = client.post(contact_page.url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    huge = client.post(contact_page.url, {**form_data(), "message": "x" * 3_000_000})
    assert huge.status_code == 400
    many = client.post(contact_page.url, {f"f{i}": "x" for i in range(1500)})
    assert many.status_code == 400
    assert Inquiry.objects.count() == 0


def test_other_methods_are_refused(client, contact_page):
    assert client.put(contact_page.url).status_code == 405


def test_honeypot_submission_is_stored_as_spam_without_a_notification_job(client, contact_page):
    response = post(client, contact_page, website="https://spam.example")
    assert response.status_code == 303  # the same answer: a bot learns nothing
    inquiry = Inquiry.objects.get()
    assert inquiry.status == Inquiry.Status.SPAM
    assert inquiry.spam_reason == spam.HONEYPOT
    assert inquiry.notification_state == Inquiry.Notification.SKIPPED
    assert notification_jobs().count() == 0


def test_too_fast_and_forged_timestamps_are_spam(client, contact_page, settings):
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 3
    post(client, contact_page, rendered_at=spam.sign_render_time(time.time() - 1))
    post(client, contact_page, rendered_at="1700000000")
    reasons = sorted(Inquiry.objects.values_list("spam_reason", flat=True))
    assert reasons == [spam.NO_TIMESTAMP, spam.TOO_FAST]
    assert set(Inquiry.objects.values_list("status", flat=True)) == {Inquiry.Status.SPAM}
    assert notification_jobs().count() == 0


def test_a_render_time_older_than_a_day_is_stored_as_spam(client, contact_page):
    stale = render_token_signed_ago(2 * 24 * 60 * 60)
    assert post(client, contact_page, rendered_at=stale).status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.status == Inquiry.Status.SPAM
    assert inquiry.spam_reason == spam.EXPIRED
    assert notification_jobs().count() == 0


def test_the_form_carries_a_fresh_signed_render_time(client, contact_page):
    html = client.get(contact_page.url).content.decode()
    token = re.search(r'name="rendered_at" value="([^"]+)"', html).group(1)
    assert 0 <= spam.seconds_since_render(token) < 5


def test_rate_limit_answers_429_with_a_friendly_page(client, contact_page, settings):
    settings.INQUIRY_RATE_LIMIT = 5
    for _ in range(5):
        assert post(client, contact_page).status_code == 303
    response = post(client, contact_page)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Please try again later" in html
    assert "(555) 010-4477" in html
    assert Inquiry.objects.count() == 5
    # Another address is not affected.
    other = client.post(contact_page.url, form_data(), REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 303


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_submissions_cannot_slip_past_the_limit(contact_page, settings):
    settings.INQUIRY_RATE_LIMIT = 5
    attempts = 6
    start = threading.Barrier(attempts)
    statuses = []

    def submit():
        try:
            data = form_data()
            start.wait()
            statuses.append(Client().post(contact_page.url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303] * 5 + [429]
    assert Inquiry.objects.count() == 5


def test_the_limit_counts_accepted_submissions_spam_included(client, contact_page, settings):
    settings.INQUIRY_RATE_LIMIT = 3
    assert post(client, contact_page, website="http://spam.example").status_code == 303
    assert post(client, contact_page).status_code == 303
    assert post(client, contact_page).status_code == 303
    assert post(client, contact_page).status_code == 429
    assert Inquiry.objects.count() == 3


PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # no trusted proxy: the header is ignored
        (1, None, PROXY),  # header missing
        (1, "203.0.113.7", "203.0.113.7"),
        (1, " 198.51.100.9 , 203.0.113.7 ", "203.0.113.7"),  # spoofed first entry
        (2, "198.51.100.9, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # shorter than the proxy chain
        (1, "not-an-address", PROXY),
        (1, "203.0.113.7, ", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_behind_trusted_proxies(rf, settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_address(rf.post("/", **headers)) == expected


def test_behind_a_proxy_each_visitor_has_their_own_limit(client, contact_page, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1

    def send(visitor, spoofed=""):
        forwarded = f"{spoofed}, {visitor}" if spoofed else visitor
        return client.post(
            contact_page.url, form_data(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert [send("203.0.113.7") for _ in range(3)] == [303, 303, 429]
    # A made-up left-hand entry does not buy the abuser a fresh limit...
    assert send("203.0.113.7", spoofed="198.51.100.1") == 429
    # ...and other visitors behind the same proxy are not blocked.
    assert send("198.51.100.1") == 303


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", ""),
    ],
)
def test_one_ipv6_client_is_its_whole_slash_64(address, network):
    assert client_network(address) == network


def test_rotating_ipv6_addresses_does_not_dodge_the_limit(client, contact_page, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    statuses = [
        client.post(contact_page.url, form_data(), REMOTE_ADDR=f"2001:db8:1:2::{n}").status_code
        for n in range(1, 4)
    ]
    assert statuses == [303, 303, 429]
    other_network = client.post(contact_page.url, form_data(), REMOTE_ADDR="2001:db8:1:3::1")
    assert other_network.status_code == 303


def test_invalid_attempts_do_not_use_up_the_limit(client, contact_page, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    for _ in range(5):
        assert post(client, contact_page, email="broken").status_code == 400
    assert post(client, contact_page).status_code == 303


EXPECTED_HEADERS = {
    "content-type",
    "mime-version",
    "content-transfer-encoding",
    "subject",
    "from",
    "to",
    "date",
    "message-id",
}
HEADER_INJECTION = re.compile(r"[\r\n]\s*(bcc|cc|to|from|subject|content-type)\s*:", re.I)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=300),
    email=st.one_of(st.emails(), st.text(max_size=80)),
    phone=st.text(max_size=50),
    message=st.text(max_size=2100),
    preferred=st.sampled_from(["email", "phone", "fax", ""]),
)
def test_any_text_gives_a_stored_inquiry_or_a_form_error_never_a_500(
    client, contact_page, settings, name, email, phone, message, preferred
):
    settings.INQUIRY_RATE_LIMIT = 0
    before = Inquiry.objects.count()
    response = post(
        client,
        contact_page,
        name=name,
        email=email,
        phone=phone,
        message=message,
        preferred_contact=preferred,
    )
    assert response.status_code in (303, 400)
    if response.status_code == 303:
        inquiry = Inquiry.objects.order_by("-pk").first()
        assert Inquiry.objects.count() == before + 1
        assert not HEADER_INJECTION.search(inquiry.name)
        assert "\n" not in inquiry.name
        assert "\r" not in inquiry.name
        assert "\n" not in inquiry.email
        assert "\r" not in inquiry.email
        assert len(inquiry.message) <= 2000
        # Both emails build without a header the person could have added.
        for email in (notification_email(inquiry), acknowledgement_email(inquiry)):
            headers = {key.lower() for key in email.message()}
            assert headers <= EXPECTED_HEADERS
    else:
        assert Inquiry.objects.count() == before


def test_seed_creates_the_contact_page_once_and_links_the_call_to_action(demo_site):
    home = HomePage.objects.get()
    page = ContactPage.objects.get()
    assert page.slug == "contact"
    assert page.show_in_menus
    assert page.live
    assert home.call_to_action_page_id == page.pk

    home.call_to_action_page = None
    home.save_revision().publish()
    page.title = "Get in touch"
    page.save_revision().publish()
    call_command("seed_demo", stdout=io.StringIO())
    assert ContactPage.objects.count() == 1
    assert ContactPage.objects.get().title == "Get in touch"
    assert HomePage.objects.get().call_to_action_page_id is None


def test_contact_page_is_in_the_menu_and_limited_to_one(client, contact_page):
    html = client.get("/").content.decode()
    assert f'href="{contact_page.url}"' in html
    assert not ContactPage.can_create_at(HomePage.objects.get())


def test_admin_preview_shows_the_form_and_stores_nothing(contact_page, rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    response = contact_page.make_preview_request(original_request=request)
    assert response.status_code == 200
    assert 'id="contact-form"' in response.rendered_content
    assert Inquiry.objects.count() == 0


def test_page_shows_the_full_office_hours(client, contact_page, demo_site):
    html = client.get(contact_page.url).content.decode()
    sidebar = html[
        html.index('id="contact-hours-heading"') : html.index(
            "</section>", html.index('id="contact-hours-heading"')
        )
    ]
    assert "Thursday" in sidebar
    # Monday to Wednesday's demo hours; Thursday's row is the demo's Thanksgiving closure
    # in Thanksgiving week, since the table shows the current week's actual hours.
    assert "10:00 am–4:00 pm" in sidebar
    assert "Sessions by appointment" in sidebar
