"""Waitlist and closed modes: the rules (contact/intake_modes.py), and what the one switch,
PracticeSettings.accepting_new_clients, changes on the site and in what is stored."""

import re

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from contact import intake_modes
from contact.forms import InquiryForm
from contact.intake_modes import CLOSED, OPEN, WAITLIST, intake_form, kind_for
from contact.models import DEFAULT_CLOSED_TEXT, Inquiry
from contact.notifications import notification_email
from practice.models import DEFAULT_CLOSED_BANNER, DEFAULT_WAITLIST_BANNER, PracticeSettings
from tests.contact.conftest import form_data
from tests.hours.test_pages import json_ld
from tests.html import third_party_urls

# --- The rules ---------------------------------------------------------------------------


def test_the_modes_are_the_settings_choices_and_the_kinds_the_inquirys():
    assert set(intake_modes.MODES) == set(PracticeSettings.AcceptingClients.values)
    assert {intake_modes.CONSULTATION, intake_modes.WAITLIST_REQUEST, intake_modes.OTHER} == set(
        Inquiry.Kind.values
    )


@pytest.mark.parametrize(
    ("mode", "answer", "expected"),
    [
        (OPEN, "new", ("consultation", "new")),
        (OPEN, "returning", ("other", "returning")),
        (OPEN, "question", None),
        (WAITLIST, "new", ("waitlist", "new")),
        (WAITLIST, "returning", ("other", "returning")),
        (WAITLIST, "question", None),
        (CLOSED, "new", None),  # no first consultation while closed
        (CLOSED, "returning", ("other", "returning")),
        (CLOSED, "question", ("other", "new")),
        (OPEN, "", None),
        (CLOSED, "consultation", None),
    ],
)
def test_the_kind_follows_the_mode_and_the_answer(mode, answer, expected):
    assert kind_for(mode, answer) == expected


@pytest.mark.parametrize("mode", intake_modes.MODES)
def test_every_offered_answer_has_a_kind_and_every_kind_an_allowed_client_type(mode):
    form = intake_form(mode)
    assert form.mode == mode
    for answer, label in form.choices:
        kind, client_type = kind_for(mode, answer)
        assert kind in Inquiry.Kind.values, label
        assert client_type in Inquiry.ClientType.values, label


def test_only_the_open_and_waitlist_forms_offer_new_clients():
    assert [answer for answer, _ in intake_form(OPEN).choices] == ["new", "returning"]
    assert [answer for answer, _ in intake_form(WAITLIST).choices] == ["new", "returning"]
    assert [answer for answer, _ in intake_form(CLOSED).choices] == ["returning", "question"]
    assert intake_form(OPEN).submit_label == "Send message"
    assert intake_form(WAITLIST).submit_label == "Send waitlist request"


@pytest.mark.parametrize(("mode", "chosen"), [(OPEN, "new"), (WAITLIST, "new"), (CLOSED, None)])
def test_new_client_is_chosen_to_start_with_where_the_mode_offers_it(mode, chosen):
    assert InquiryForm(mode=mode)["client_type"].value() == chosen


def test_an_unknown_stored_mode_counts_as_open():
    assert intake_form("").mode == OPEN
    assert intake_form("maybe") == intake_form(OPEN)
    assert kind_for("maybe", "new") == ("consultation", "new")


# --- On the site ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def set_mode(site, mode: str) -> PracticeSettings:
    practice = PracticeSettings.for_site(site)
    practice.accepting_new_clients = mode
    practice.save()
    return practice


def banner(html: str) -> str | None:
    found = re.search(r'<p class="container intake-banner-text">(.*?)</p>', html, re.S)
    return found[1] if found else None


def the_form(html: str) -> str:
    start = html.index('id="contact-form"')
    return html[start : html.index("</form>", start)]


def radios(html: str) -> list[tuple[str, str]]:
    """(value, label) of the client_type radio buttons, in order."""
    return re.findall(
        r'name="client_type" value="([^"]*)"[^>]*>\s*<label[^>]*>\s*(.*?)\s*</label>', html, re.S
    )


def post(client, page, **overrides):
    return client.post(page.url, form_data(**overrides))


def test_while_accepting_there_is_no_banner_and_the_form_is_as_before(client, contact_page):
    home = client.get("/").content.decode()
    assert banner(home) is None
    html = client.get(contact_page.url).content.decode()
    assert banner(html) is None
    form = the_form(html)
    assert "Have you been a client here before?" in form
    assert radios(form) == [("new", "New client"), ("returning", "Returning client")]
    assert 'value="Send message"' in form
    assert 'name="intake_mode" value="yes"' in form
    assert "Finding another therapist" not in html
    assert "intake-heading" not in html

    assert post(client, contact_page).status_code == 303
    assert post(client, contact_page, client_type="returning").status_code == 303
    assert sorted(Inquiry.objects.values_list("kind", "client_type")) == [
        ("consultation", "new"),
        ("other", "returning"),
    ]


def test_on_a_waitlist_every_page_has_the_banner_and_the_form_asks_for_a_place(
    client, contact_page, demo_site
):
    set_mode(demo_site, WAITLIST)
    for url in ("/", "/about/", "/articles/", contact_page.url):
        assert banner(client.get(url).content.decode()) == DEFAULT_WAITLIST_BANNER, url
    html = client.get(contact_page.url).content.decode()
    # The page's waitlist intro, in place of the intro written for taking new clients.
    assert "new clients join a waitlist" in html
    assert "I usually answer within two working days" not in html.split("<main")[1]
    assert '<h2 class="h4 intake-heading">Ask for a place on the waitlist</h2>' in html
    form = the_form(html)
    assert radios(form) == [
        ("new", "New client: put me on the waitlist"),
        ("returning", "Returning client"),
    ]
    assert 'value="Send waitlist request"' in form
    assert 'name="intake_mode" value="waitlist"' in form

    assert post(client, contact_page, intake_mode=WAITLIST).status_code == 303
    assert post(
        client, contact_page, intake_mode=WAITLIST, client_type="returning"
    ).status_code == (303)
    assert sorted(Inquiry.objects.values_list("kind", "client_type")) == [
        ("other", "returning"),
        ("waitlist", "new"),
    ]


def test_the_home_page_says_the_status_near_its_call_to_action(client, demo_site):
    for mode, status in (
        (OPEN, "Accepting new clients"),
        (WAITLIST, "Waitlist for new clients"),
        (CLOSED, "Not accepting new clients"),
    ):
        set_mode(demo_site, mode)
        html = client.get("/").content.decode()
        welcome = html[html.index('class="home-welcome-text"') : html.index("</section>")]
        assert f'<p class="availability availability-{mode}">{status}</p>' in welcome
        assert welcome.index(status) < welcome.index("btn-primary")


def test_when_closed_the_page_refers_elsewhere_and_the_form_takes_no_new_clients(
    client, contact_page, demo_site
):
    set_mode(demo_site, CLOSED)
    html = client.get(contact_page.url).content.decode()
    assert banner(html) == DEFAULT_CLOSED_BANNER
    assert DEFAULT_CLOSED_TEXT in html
    assert "Use this form to ask about starting therapy" not in html.split("<main")[1]
    # Other sites as links a visitor may follow, never as anything the page loads.
    assert '<a href="https://findtreatment.gov/">FindTreatment.gov</a>' in html
    assert third_party_urls(html) == []
    assert html.index("Finding another therapist") < html.index('id="contact-form"')
    form = the_form(html)
    assert "What is your message about?" in form
    assert radios(form) == [
        ("returning", "I am or was a client here"),
        ("question", "A general question"),
    ]
    assert "checked" not in re.search(r'<div id="div_id_client_type".*?</fieldset>', form, re.S)[0]
    assert 'value="Send message"' in form

    assert post(client, contact_page, intake_mode=CLOSED, client_type="returning").status_code == (
        303
    )
    assert post(client, contact_page, intake_mode=CLOSED, client_type="question").status_code == (
        303
    )
    assert sorted(Inquiry.objects.values_list("kind", "client_type")) == [
        ("other", "new"),
        ("other", "returning"),
    ]


@pytest.mark.parametrize("client_type", ["new", "consultation", "waitlist", ""])
def test_when_closed_a_request_for_a_first_appointment_is_refused_and_kept_on_the_page(
    client, contact_page, demo_site, client_type
):
    set_mode(demo_site, CLOSED)
    response = post(client, contact_page, intake_mode=CLOSED, client_type=client_type)
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0
    html = response.content.decode()
    errors = response.context["form"].errors["client_type"]
    if client_type:
        assert errors == [intake_form(CLOSED).refused_choice]
        assert "not taking new clients at the moment" in html
    else:
        assert errors == ["This field is required."]
    # What the person wrote is still there to send as a question.
    assert "I would like to ask whether you have openings" in html
    assert post(client, contact_page, intake_mode=CLOSED, client_type="question").status_code == (
        303
    )


def test_a_kind_in_the_request_is_ignored_the_server_decides(client, contact_page, demo_site):
    set_mode(demo_site, CLOSED)
    response = post(
        client, contact_page, intake_mode=CLOSED, client_type="returning", kind="consultation"
    )
    assert response.status_code == 303
    assert Inquiry.objects.get().kind == "other"


@pytest.mark.parametrize(
    ("shown_in", "now"),
    [(OPEN, WAITLIST), (OPEN, CLOSED), (WAITLIST, OPEN), (CLOSED, WAITLIST), ("bogus", OPEN)],
)
def test_a_form_shown_before_the_mode_changed_comes_back_to_be_checked(
    client, contact_page, demo_site, shown_in, now
):
    set_mode(demo_site, now)
    answer = "returning"  # offered in every mode, so only the change itself is refused
    response = post(client, contact_page, intake_mode=shown_in, client_type=answer)
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0
    [error] = response.context["form"].non_field_errors()
    assert "While this form was open, the practice changed how it takes new clients" in error
    html = response.content.decode()
    assert "changed how it takes new clients" in html.split('id="contact-form"')[0]
    # The form now carries the current mode and everything typed: sent again, it is stored.
    assert f'name="intake_mode" value="{now}"' in html
    assert 'value="Alex Rivera"' in html
    assert post(client, contact_page, intake_mode=now, client_type=answer).status_code == 303
    assert Inquiry.objects.get().kind == "other"


def test_any_answer_in_any_mode_is_stored_as_the_rules_say_or_refused_never_a_500(
    client, contact_page, settings
):
    settings.INQUIRY_RATE_LIMIT = 0
    for mode in intake_modes.MODES:
        PracticeSettings.objects.update(accepting_new_clients=mode)
        cache.clear()  # update() sends no signal
        for shown_in in (*intake_modes.MODES, "", "x" * 30):
            for answer in ("new", "returning", "question", "waitlist", "", "\x00"):
                case = f"{mode=} {shown_in=} {answer=}"
                Inquiry.objects.all().delete()
                response = post(client, contact_page, intake_mode=shown_in, client_type=answer)
                expected = kind_for(mode, answer)
                if expected is not None and shown_in in ("", mode):
                    assert response.status_code == 303, case
                    inquiry = Inquiry.objects.get()
                    assert (inquiry.kind, inquiry.client_type) == expected, case
                else:
                    assert response.status_code == 400, case
                    assert not Inquiry.objects.exists(), case


def test_switching_back_loses_no_waitlist_entry(client, contact_page, demo_site, admin_client):
    set_mode(demo_site, WAITLIST)
    for name in ("First Waiting", "Second Waiting"):
        assert post(client, contact_page, name=name, intake_mode=WAITLIST).status_code == 303
    set_mode(demo_site, OPEN)

    assert sorted(Inquiry.objects.values_list("kind", flat=True)) == ["waitlist", "waitlist"]
    html = client.get(contact_page.url).content.decode()
    assert banner(html) is None
    assert radios(the_form(html))[0] == ("new", "New client")
    assert post(client, contact_page, name="Now Consulting").status_code == 303
    assert Inquiry.objects.get(kind="consultation").name == "Now Consulting"
    # The waitlist is still there, in order, for staff to work through.
    waitlist = admin_client.get("/admin/inquiries/", {"folder": "waitlist"}).content.decode()
    assert waitlist.index("First Waiting") < waitlist.index("Second Waiting")
    assert "Now Consulting" not in waitlist


def test_without_a_waitlist_intro_the_page_keeps_its_own(client, contact_page, demo_site):
    set_mode(demo_site, WAITLIST)
    contact_page.waitlist_intro = ""
    contact_page.save_revision().publish()
    html = client.get(contact_page.url).content.decode()
    assert "I usually answer within two working days" in html
    assert banner(html) == DEFAULT_WAITLIST_BANNER


def test_the_banners_are_editable_and_an_empty_one_shows_nothing(client, demo_site):
    practice = set_mode(demo_site, WAITLIST)
    practice.waitlist_banner = "Waitlist: about <three> months."
    practice.save()
    assert banner(client.get("/").content.decode()) == "Waitlist: about &lt;three&gt; months."
    practice.waitlist_banner = "  "
    practice.save()
    assert 'class="intake-banner' not in client.get("/").content.decode()


def test_changing_the_mode_empties_the_page_cache(client, contact_page, demo_site, settings):
    settings.PAGE_CACHE_SECONDS = 300
    for url in ("/", "/about/", contact_page.url):
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit", url
    assert json_ld(client.get("/").content.decode())["isAcceptingNewPatients"] is True
    set_mode(demo_site, WAITLIST)
    for url in ("/", "/about/", contact_page.url):
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert banner(response.content.decode()) == DEFAULT_WAITLIST_BANNER, url
        assert json_ld(response.content.decode())["isAcceptingNewPatients"] is False, url
    assert 'value="Send waitlist request"' in client.get(contact_page.url).content.decode()


def test_the_banner_costs_no_query_once_the_practice_details_are_cached(
    client, demo_site, django_assert_num_queries
):
    set_mode(demo_site, CLOSED)
    client.get("/about/")
    request = RequestFactory().get("/about/")
    request._wagtail_site = demo_site  # as practice.sites.CachedSiteMiddleware sets it
    with django_assert_num_queries(0):
        html = Template("{% load practice_tags %}{% intake_banner %}").render(
            Context({"request": request})
        )
    assert DEFAULT_CLOSED_BANNER in html


def test_the_banner_shows_in_an_admin_preview(contact_page, demo_site, rf, admin_user):
    set_mode(demo_site, WAITLIST)
    request = rf.get("/")
    request.user = admin_user
    response = contact_page.make_preview_request(original_request=request)
    html = response.rendered_content
    assert banner(html) == DEFAULT_WAITLIST_BANNER
    assert 'value="Send waitlist request"' in html


def test_the_staff_email_names_a_waitlist_request_and_nothing_the_person_wrote(
    client, contact_page, demo_site
):
    set_mode(demo_site, WAITLIST)
    post(client, contact_page, intake_mode=WAITLIST, name="Quill Waiting")
    post(client, contact_page, intake_mode=WAITLIST, client_type="returning")
    waiting, returning = Inquiry.objects.order_by("pk")
    email = notification_email(waiting)
    assert email.subject == f"New waitlist request #{waiting.pk}"
    assert "A new waitlist request arrived" in email.body
    for secret in ("Quill", "alex.rivera", "openings", "555"):
        assert secret not in email.subject + email.body
    assert notification_email(returning).subject == f"New inquiry #{returning.pk}"


def test_staff_switch_the_mode_with_one_setting_in_the_admin(
    client, contact_page, demo_site, django_user_model
):
    staff = django_user_model.objects.create_superuser("therapist", password="x" * 16)
    client.force_login(staff)
    url = f"/admin/settings/practice/practicesettings/{demo_site.pk}/"
    response = client.get(url)
    assert {"accepting_new_clients", "waitlist_banner", "closed_banner"} <= set(
        response.context["form"].fields
    )
    # The form as the browser would send it; the fees list is a StreamField, which
    # Wagtail's script fills in, so it goes in as the settings hold it.
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form").dict()
    fees = PracticeSettings.for_site(demo_site).fee_items
    data.update(
        nested_form_data(
            {
                "fees": streamfield(
                    [
                        ("fee", {**fee, "amount": "" if fee["amount"] is None else fee["amount"]})
                        for fee in fees
                    ]
                )
            }
        )
    )
    data["accepting_new_clients"] = WAITLIST
    assert client.post(url, data).status_code == 302
    assert PracticeSettings.for_site(demo_site).fee_items == fees
    client.logout()
    html = client.get(contact_page.url).content.decode()
    assert banner(html) == DEFAULT_WAITLIST_BANNER
    assert 'value="Send waitlist request"' in html
