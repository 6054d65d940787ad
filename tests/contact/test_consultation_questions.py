"""The consultation questions on the contact form: each one on and off, their choices
from the practice details and office hours, validation, the out-of-state notice without
JavaScript, storage encrypted at rest, the inbox, and emails that carry none of it."""

import csv
import io
import re
from email import message_from_bytes

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contact.models import ContactPage, Inquiry
from practice.models import PracticeSettings
from tests.contact.conftest import form_data, run_worker

ANSWERS = {
    "email_ok": "yes",
    "voicemail_ok": "no",
    "preferred_days": ["tuesday", "monday"],
    "preferred_times": ["afternoon"],
    "payment": "other",
    "payment_other": "Oscar Health",
    "state": "NJ",
}
STORED = {
    "email_ok": "yes",
    "voicemail_ok": "no",
    "preferred_days": "Monday, Tuesday",
    "preferred_times": "Afternoon (noon to 5 pm)",
    "payment": "Another insurer: Oscar Health",
    "state": "New Jersey",
}
QUESTION_FIELDS = {
    "ask_contact_safety": ["email_ok", "voicemail_ok"],
    "ask_availability": ["preferred_days", "preferred_times"],
    "ask_payment": ["payment", "payment_other"],
    "ask_state": ["state", "out_of_state_ok"],
}
STORED_BY_QUESTION = {
    "ask_contact_safety": ["email_ok", "voicemail_ok"],
    "ask_availability": ["preferred_days", "preferred_times"],
    "ask_payment": ["payment"],
    "ask_state": ["state"],
}


# The worker runs in its own transactions, as in production (see test_notifications.py).
WORKER = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def practice(demo_site) -> PracticeSettings:
    return PracticeSettings.for_site(demo_site)


def field_names(html: str) -> set[str]:
    start = html.index('id="contact-form"')
    form = html[start : html.index("</form>", start)]
    return set(re.findall(r'name="([a-z_]+)"', form))


def post(client, page, **overrides):
    return client.post(page.url, form_data(**{**ANSWERS, **overrides}))


def stored(inquiry) -> dict:
    return {name: getattr(inquiry, name) for name in STORED}


def test_every_question_is_asked_by_default(client, contact_page):
    html = client.get(contact_page.url).content.decode()
    for names in QUESTION_FIELDS.values():
        assert set(names) <= field_names(html)
    assert "Is it OK to send email to this address?" in html
    assert "May we leave a voicemail at this number?" in html
    # The demo office opens Monday to Friday, between 10:00 and 16:30.
    assert re.findall(r'name="preferred_days" value="(\w+)"', html) == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    ]
    assert re.findall(r'name="preferred_times" value="(\w+)"', html) == ["morning", "afternoon"]
    assert re.findall(r'name="payment" value="([^"]+)"', html) == [
        "self-pay",
        "insurer:Aetna",
        "insurer:Empire BlueCross BlueShield",
        "other",
        "not-sure",
    ]
    assert 'data-served-states="NJ NY PA"' in html
    # The notice is in the markup for the script, hidden until a state outside is chosen.
    assert 'class="alert out-of-state d-none"' in html
    assert "Licensed in: New York; Telehealth under PSYPACT (APIT) in: New Jersey" in html


def test_all_answers_are_stored_as_the_person_read_them(client, contact_page):
    response = post(client, contact_page)
    assert response.status_code == 303
    assert stored(Inquiry.objects.get()) == STORED


def test_questions_are_optional(client, contact_page):
    response = client.post(contact_page.url, form_data())
    assert response.status_code == 303
    assert set(stored(Inquiry.objects.get()).values()) == {""}


@pytest.mark.parametrize("question", list(QUESTION_FIELDS))
def test_a_question_turned_off_has_no_field_and_stores_nothing(client, contact_page, question):
    setattr(contact_page, question, False)
    contact_page.save_revision().publish()
    html = client.get(contact_page.url).content.decode()
    names = field_names(html)
    assert not set(QUESTION_FIELDS[question]) & names
    for other, other_names in QUESTION_FIELDS.items():
        if other != question:
            assert set(other_names) <= names
    # Answers sent anyway (an old copy of the form, a bot) are dropped.
    response = post(client, contact_page, state="CA", out_of_state_ok="on")
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    for other, names in STORED_BY_QUESTION.items():
        for name in names:
            assert (getattr(inquiry, name) == "") == (other == question), name


def test_without_telehealth_the_state_is_not_asked(client, contact_page, practice):
    practice.telehealth_offered = False
    practice.save()
    html = client.get(contact_page.url).content.decode()
    assert "state" not in field_names(html)
    assert "out-of-state" not in html


def test_telehealth_only_asks_the_state_and_offers_no_office(client, contact_page, practice):
    practice.telehealth_offered = False
    practice.telehealth_only = True
    practice.save()
    html = client.get(contact_page.url).content.decode()
    assert "state" in field_names(html)
    assert "In-person sessions" not in html


def test_without_insurers_only_self_pay_and_not_sure(client, contact_page, practice):
    practice.insurance_accepted = ""
    practice.save()
    html = client.get(contact_page.url).content.decode()
    assert re.findall(r'name="payment" value="([^"]+)"', html) == ["self-pay", "not-sure"]
    assert "payment_other" not in field_names(html)


def test_without_office_hours_no_days_or_times(client, contact_page, demo_site):
    from hours.models import OpeningHours

    OpeningHours.for_site(demo_site).weekly_hours.all().delete()
    OpeningHours.for_site(demo_site).save()  # the signal that refreshes cached hours
    names = field_names(client.get(contact_page.url).content.decode())
    assert not {"preferred_days", "preferred_times"} & names
    assert "payment" in names


def test_email_chosen_but_not_safe_is_refused_kindly(client, contact_page):
    response = post(client, contact_page, preferred_contact="email", email_ok="no")
    assert response.status_code == 400
    assert "You chose email as the way to reach you" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_phone_without_voicemail_is_fine_and_says_how_we_call(client, contact_page):
    html = client.get(contact_page.url).content.decode()
    assert "never leave a message" in html
    response = post(client, contact_page, preferred_contact="phone", email_ok="no")
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert (inquiry.email_ok, inquiry.voicemail_ok) == ("no", "no")


def test_voicemail_answer_without_a_phone_number_is_not_kept(client, contact_page):
    assert post(client, contact_page, phone="", voicemail_ok="yes").status_code == 303
    assert Inquiry.objects.get().voicemail_ok == ""


def test_another_insurer_needs_its_name(client, contact_page):
    response = post(client, contact_page, payment_other="")
    assert response.status_code == 400
    assert "Name your insurer" in response.content.decode()


def test_a_listed_insurer_is_stored_by_name(client, contact_page):
    assert post(client, contact_page, payment="insurer:Aetna").status_code == 303
    assert Inquiry.objects.get().payment == "Insurance: Aetna"


@pytest.mark.parametrize(
    "bad",
    [
        {"state": "XX"},
        {"preferred_days": ["sunday"]},
        {"preferred_times": ["midnight"]},
        {"payment": "insurer:Nobody"},
        {"email_ok": "maybe"},
        {"payment_other": "Line one\nLine two"},
        {"payment_other": "x" * 101},
        {"state": ["NY", "NJ"], "preferred_days": "monday\x00"},
    ],
)
def test_bad_answers_are_refused_never_a_500(client, contact_page, bad):
    response = post(client, contact_page, **bad)
    assert response.status_code == 400
    assert not Inquiry.objects.exists()


def test_out_of_state_shows_the_notice_then_sends_once_confirmed(client, contact_page):
    typed = {"name": "Robin Lake", "message": "Looking for evening sessions.", "state": "CA"}
    first = post(client, contact_page, **typed)
    assert first.status_code == 400
    html = first.content.decode()
    assert not Inquiry.objects.exists()
    # The notice is shown (no d-none) with the confirmation and its error; nothing is lost.
    assert 'class="alert out-of-state"' in html
    assert "Telehealth sessions are possible only while you are in a state" in html
    assert "Please read the note about telehealth" in html
    assert 'value="Robin Lake"' in html
    assert "Looking for evening sessions." in html
    assert '<option value="CA" selected>California</option>' in html
    assert 'value="Oscar Health"' in html

    second = post(client, contact_page, **typed, out_of_state_ok="on")
    assert second.status_code == 303
    assert Inquiry.objects.get().state == "California"


@pytest.mark.parametrize(
    ("state", "needs_confirmation"), [("NY", False), ("PA", False), ("outside-us", True)]
)
def test_licensed_and_privileged_states_need_no_confirmation(
    client, contact_page, state, needs_confirmation
):
    response = post(client, contact_page, state=state)
    assert response.status_code == (400 if needs_confirmation else 303)


def test_without_licensed_states_nobody_is_told_they_are_outside(client, contact_page, practice):
    practice.licensed_states = ""
    practice.save()
    html = client.get(contact_page.url).content.decode()
    assert "out_of_state_ok" not in field_names(html)
    assert post(client, contact_page, state="CA").status_code == 303


def test_answers_are_encrypted_at_rest(client, contact_page):
    assert post(client, contact_page).status_code == 303
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email_ok, voicemail_ok, preferred_days, preferred_times, payment, state "
            "FROM contact_inquiry"
        )
        raw = cursor.fetchone()
        cursor.execute("SELECT row_to_json(i)::text FROM contact_inquiry i")
        (whole_row,) = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in raw)  # Fernet tokens
    for answer in ["Oscar", "New Jersey", "Monday", "Afternoon"]:
        assert answer not in whole_row


@WORKER
def test_emails_carry_none_of_the_answers(client, contact_page, smtp_server, settings):
    settings.INQUIRY_SEND_ACKNOWLEDGEMENT = True
    assert post(client, contact_page).status_code == 303
    run_worker()
    assert len(smtp_server.messages) == 2  # the notification and the acknowledgement
    for envelope in smtp_server.messages:
        raw = envelope.content.decode(errors="replace")
        for answer in ["Oscar", "New Jersey", "Monday", "Tuesday", "Afternoon", "voicemail"]:
            assert answer not in raw


@WORKER
def test_no_acknowledgement_to_an_address_that_is_not_safe(
    client, contact_page, smtp_server, settings
):
    settings.INQUIRY_SEND_ACKNOWLEDGEMENT = True
    assert post(client, contact_page, preferred_contact="phone", email_ok="no").status_code == 303
    run_worker()
    [envelope] = smtp_server.messages
    assert "alex.rivera@example.com" not in envelope.rcpt_tos
    assert message_from_bytes(envelope.content)["Subject"].startswith("New inquiry #")
    assert Inquiry.objects.get().notification_state == Inquiry.Notification.SENT


def test_staff_see_the_answers_in_the_inbox_and_the_export(client, contact_page, django_user_model):
    assert (
        post(client, contact_page, payment="other", payment_other="=HYPERLINK(1)").status_code
        == 303
    )
    inquiry = Inquiry.objects.get()
    reviewer = django_user_model.objects.create_user(username="reviewer", password="x" * 20)
    reviewer.groups.add(Group.objects.get(name="Inquiry reviewers"))
    staff = Client()
    staff.force_login(reviewer)
    html = staff.get(f"/admin/inquiries/inspect/{inquiry.pk}/").content.decode()
    for label, value in [
        ("OK to send email", "Yes"),
        ("OK to leave a voicemail", "No"),
        ("Preferred days", "Monday, Tuesday"),
        ("Preferred times of day", "Afternoon (noon to 5 pm)"),
        ("Payment", "Another insurer: =HYPERLINK(1)"),
        ("State of residence", "New Jersey"),
    ]:
        assert re.search(rf"{label}\s*</dt>\s*<dd>\s*{re.escape(value)}", html, re.I), label
    response = staff.get("/admin/inquiries/", {"export": "csv"})
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["OK to send email"] == "Yes"
    assert row["OK to leave a voicemail"] == "No"
    assert row["Preferred days"] == "Monday, Tuesday"
    assert row["State of residence"] == "New Jersey"
    assert row["Payment"] == "Another insurer: =HYPERLINK(1)"  # not at a cell's start


def test_the_stored_form_follows_the_practice_details(settings, contact_page, practice):
    """The page cache keeps one copy of the empty form: a change to the insurers or the
    licensed states must reach the next visitor."""
    settings.PAGE_CACHE_SECONDS = 300
    assert Client().get("/contact/")["X-Cache"] == "miss"
    assert Client().get("/contact/")["X-Cache"] == "hit"
    practice.insurance_accepted = "Cigna"
    practice.licensed_states = "NY: license\nCT: compact"
    practice.save()
    html = Client().get("/contact/").content.decode()
    assert re.findall(r'name="payment" value="([^"]+)"', html)[1] == "insurer:Cigna"
    assert 'data-served-states="CT NY"' in html
    assert "Telehealth under an interstate compact privilege in: Connecticut" in html


def test_contact_page_settings_default_to_asking(contact_page):
    fresh = ContactPage(title="Another", slug="another")
    assert all(getattr(fresh, name) for name in QUESTION_FIELDS)


def test_the_contact_page_editor_has_the_questions_panel(admin_client, contact_page):
    html = admin_client.get(f"/admin/pages/{contact_page.pk}/edit/").content.decode()
    assert "Questions on the form" in html
    for label in [
        "Ask whether email and voicemail are safe",
        "Ask for preferred days and times",
        "Ask how the person will pay",
        "Ask which state the person lives in",
    ]:
        assert label in html


ANY_TEXT = st.text(max_size=120)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    email_ok=st.one_of(st.sampled_from(["yes", "no", ""]), ANY_TEXT),
    voicemail_ok=st.one_of(st.sampled_from(["yes", "no", ""]), ANY_TEXT),
    days=st.lists(st.one_of(st.sampled_from(["monday", "friday", "sunday"]), ANY_TEXT)),
    times=st.lists(st.one_of(st.sampled_from(["morning", "evening"]), ANY_TEXT)),
    paying=st.one_of(st.sampled_from(["self-pay", "other", "insurer:Aetna", "not-sure"]), ANY_TEXT),
    other=ANY_TEXT,
    state=st.one_of(st.sampled_from(["NY", "CA", "outside-us", ""]), ANY_TEXT),
    confirmed=st.sampled_from(["on", ""]),
    preferred=st.sampled_from(["email", "phone"]),
)
def test_any_answers_give_a_stored_inquiry_or_a_form_error_never_a_500(
    client,
    contact_page,
    settings,
    email_ok,
    voicemail_ok,
    days,
    times,
    paying,
    other,
    state,
    confirmed,
    preferred,
):
    settings.INQUIRY_RATE_LIMIT = 0
    response = post(
        client,
        contact_page,
        email_ok=email_ok,
        voicemail_ok=voicemail_ok,
        preferred_days=days,
        preferred_times=times,
        payment=paying,
        payment_other=other,
        state=state,
        out_of_state_ok=confirmed,
        preferred_contact=preferred,
    )
    assert response.status_code in (303, 400)
    if response.status_code == 303:
        inquiry = Inquiry.objects.order_by("-pk").first()
        assert inquiry.email_ok in ("yes", "no", "")
        assert "\n" not in inquiry.payment
        assert inquiry.state in ("New York", "California", "Outside the US", "")
