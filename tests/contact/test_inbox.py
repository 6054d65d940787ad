"""The staff inbox in the Wagtail admin: who sees it, what it lists, exports and logs."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from contact.models import Inquiry

INDEX = "/admin/inquiries/"


def make_user(django_user_model, username, group_name=None, **extra):
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", **extra
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def reviewer(django_user_model):
    return make_user(
        django_user_model, "reviewer", "Inquiry reviewers", first_name="Robin", last_name="Vale"
    )


@pytest.fixture
def editor(django_user_model):
    return make_user(django_user_model, "editor", "Editors")


def make_inquiry(**fields):
    values = {
        "name": "Sam Example",
        "email": "sam@example.com",
        "message": "Hello",
        "client_hash": "0" * 64,
    }
    values.update(fields)
    return Inquiry.objects.create(**values)


def review(client, inquiry, data):
    """Post the edit form as a browser would: with the state it was opened with."""
    page = client.get(f"{INDEX}edit/{inquiry.pk}/").content.decode()
    token = re.search(r'name="loaded_state" value="([^"]*)"', page).group(1)
    return client.post(f"{INDEX}edit/{inquiry.pk}/", {**data, "loaded_state": token})


def test_reviewers_group_has_exactly_the_inquiry_permissions(db):
    codenames = set(
        Group.objects.get(name="Inquiry reviewers").permissions.values_list("codename", flat=True)
    )
    assert {"access_admin", "view_inquiry", "change_inquiry"} <= codenames
    assert "delete_inquiry" not in codenames
    assert "add_inquiry" not in codenames


def sidebar_menu(html: str) -> str:
    return re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)[1]


def test_menu_item_only_for_reviewers_and_superusers(client, reviewer, editor, admin_user):
    for user, shown in ((reviewer, True), (admin_user, True), (editor, False)):
        client.force_login(user)
        menu = sidebar_menu(client.get("/admin/").content.decode())
        assert ('"label": "Inquiries"' in menu) is shown, user
        assert (f'"url": "{INDEX}"' in menu) is shown, user


def test_editors_cannot_list_view_edit_or_export(client, editor):
    inquiry = make_inquiry()
    client.force_login(editor)
    urls = [
        INDEX,
        f"{INDEX}?export=csv",
        f"{INDEX}?export=xlsx",
        f"{INDEX}results/",
        f"{INDEX}inspect/{inquiry.pk}/",
        f"{INDEX}edit/{inquiry.pk}/",
        f"{INDEX}history/{inquiry.pk}/",
        f"{INDEX}resend/{inquiry.pk}/",
    ]
    for url in urls:
        # Wagtail answers a script's request with 403 and a browser's with a redirect
        # to the dashboard carrying "Sorry, you do not have permission".
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/admin/"
        assert b"sam@example.com" not in response.content
    post = client.post(f"{INDEX}edit/{inquiry.pk}/", {"status": "closed"})
    assert post.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")  # the two-factor sign-in


def test_nobody_adds_or_copies_inquiries_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(f"{INDEX}new/", headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403
    assert f"{INDEX}new/" not in client.get(INDEX).content.decode()


def test_listing_is_newest_first_and_keeps_spam_in_its_own_filter(client, reviewer):
    old = make_inquiry(name="Older Person")
    Inquiry.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=3))
    new = make_inquiry(name="Newer Person")
    make_inquiry(name="Spam Bot", status=Inquiry.Status.SPAM, spam_reason="honeypot")
    client.force_login(reviewer)

    html = client.get(INDEX).content.decode()
    assert html.index("Newer Person") < html.index("Older Person")
    assert "Spam Bot" not in html
    assert f"{INDEX}inspect/{new.pk}/" in html

    spam_only = client.get(INDEX, {"folder": "spam"}).content.decode()
    assert "Spam Bot" in spam_only
    assert "Newer Person" not in spam_only
    everything = client.get(INDEX, {"folder": "all"}).content.decode()
    assert "Spam Bot" in everything
    assert "Newer Person" in everything


def test_filters_by_status_date_range_assignment_and_search(client, reviewer):
    contacted = make_inquiry(name="Casey Contacted", status=Inquiry.Status.CONTACTED)
    mine = make_inquiry(name="Morgan Mine", email="morgan@example.org", assigned_to=reviewer)
    old = make_inquiry(name="Olive Old")
    Inquiry.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
    client.force_login(reviewer)

    def names(**params):
        html = client.get(INDEX, params).content.decode()
        return {n for n in ("Casey Contacted", "Morgan Mine", "Olive Old") if n in html}

    assert names(status="contacted") == {"Casey Contacted"}
    assert names(assigned_to=reviewer.pk) == {"Morgan Mine"}
    assert names(assigned_to="null") == {"Casey Contacted", "Olive Old"}
    since = (timezone.now() - timedelta(days=7)).date().isoformat()
    assert names(created_from=since) == {"Casey Contacted", "Morgan Mine"}
    # Encrypted at rest: the whole address (any case, blind index) or the number finds it;
    # a part of the address or a name finds nothing.
    assert names(q=" Morgan@Example.ORG ") == {"Morgan Mine"}
    assert names(q=f"#{old.pk}") == {"Olive Old"}
    assert names(q=str(old.pk)) == {"Olive Old"}
    assert names(q="morgan@example") == set()
    assert names(q="Olive") == set()
    assert names(status="contacted", q="morgan@example.org") == set()
    assert {mine.assigned_to, contacted.assigned_to} == {reviewer, None}


def test_listing_query_count_does_not_grow_with_the_number_of_inquiries(client, reviewer):
    client.force_login(reviewer)
    for _ in range(3):
        make_inquiry(assigned_to=reviewer)
    client.get(INDEX)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX).status_code == 200
    for _ in range(20):
        make_inquiry(assigned_to=reviewer)
    with CaptureQueriesContext(connection) as many:
        assert client.get(INDEX).status_code == 200
    assert len(many) == len(few)


def test_the_listing_counts_no_further_than_its_cap(client, reviewer, monkeypatch):
    """Counting every inquiry reads every row, so the count stops past COUNT_CAP."""
    monkeypatch.setattr("contact.paginator.COUNT_CAP", 30)
    for n in range(12):
        make_inquiry(name=f"Person {n}")
    client.force_login(reviewer)
    assert "12 inquiries" in client.get(INDEX).content.decode()

    for n in range(12, 40):
        make_inquiry(name=f"Person {n}")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(INDEX).content.decode()
    count = next(
        q["sql"] for q in queries if "COUNT(" in q["sql"] and "contact_inquiry" in q["sql"]
    )
    assert "LIMIT 31" in count
    assert "More than 30 inquiries" in first
    assert "Page 1 of 2" in first
    second = client.get(INDEX, {"p": 2}).content.decode()
    assert "Page 2 of 2" in second
    # The newest 30 of 40: the second page holds the five oldest of them.
    assert re.findall(r"<td[^>]*>\s*Person (\d+)\s*</td>", second) == ["14", "13", "12", "11", "10"]
    filtered = client.get(INDEX, {"status": "new"}).content.decode()
    assert "More than 30 inquiries match" in filtered
    # The export is the whole listing, not the counted part.
    export = client.get(INDEX, {"export": "csv"})
    assert len(b"".join(export.streaming_content).decode().splitlines()) == 41


def test_export_csv_and_xlsx_of_the_current_listing(client, reviewer):
    make_inquiry(name='=HYPERLINK("http://evil.example")', email="a@example.com")
    make_inquiry(name="Closed Case", status=Inquiry.Status.CLOSED)
    make_inquiry(name="Spam Bot", status=Inquiry.Status.SPAM)
    client.force_login(reviewer)

    response = client.get(INDEX, {"export": "csv", "status": "new"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["Name"] for row in rows] == ['\'=HYPERLINK("http://evil.example")']
    assert "Message" not in rows[0]
    assert rows[0]["Status"] == "New"

    response = client.get(INDEX, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    names = {row[2] for row in values[1:]}
    assert names == {"Closed Case", '\'=HYPERLINK("http://evil.example")'}
    assert values[0][0] == "Inquiry"


def test_exports_guard_formulas_as_each_format_needs(client, reviewer):
    make_inquiry(name="=1+2", email="a@example.com", phone="+1 555 010 0000")
    make_inquiry(name="-Dash", email="b@example.com", phone="@home 555 010 0001")
    client.force_login(reviewer)

    response = client.get(INDEX, {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    # A spreadsheet program opening a CSV runs any cell starting with = + - @ as a formula.
    assert {(row["Name"], row["Phone"]) for row in rows} == {
        ("'=1+2", "'+1 555 010 0000"),
        ("'-Dash", "'@home 555 010 0001"),
    }

    response = client.get(INDEX, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings = [cell.value for cell in sheet[1]]
    name, phone = headings.index("Name"), headings.index("Phone")
    cells = {(row[name], row[phone]) for row in sheet.iter_rows(min_row=2)}
    # In XLSX only a string starting with "=" becomes a formula; the rest stay as typed.
    assert {(n.value, p.value) for n, p in cells} == {
        ("'=1+2", "+1 555 010 0000"),
        ("-Dash", "@home 555 010 0001"),
    }
    assert all(n.data_type == p.data_type == "s" for n, p in cells)


def test_inspect_shows_what_the_person_sent(client, reviewer):
    inquiry = make_inquiry(message="First line\nSecond line", phone="+1 555 010 0000")
    client.force_login(reviewer)
    html = client.get(f"{INDEX}inspect/{inquiry.pk}/").content.decode()
    assert "First line<br>Second line" in html
    assert "+1 555 010 0000" in html
    assert "0" * 64 not in html  # the client hash stays internal


def test_inspect_shows_times_in_the_practice_time_zone_as_the_list_does(client, reviewer):
    received = datetime(2026, 1, 15, 14, 5, tzinfo=UTC)  # 9:05 am in New York
    inquiry = make_inquiry(status=Inquiry.Status.CLOSED)
    Inquiry.objects.filter(pk=inquiry.pk).update(created=received, closed_at=received)
    client.force_login(reviewer)
    listing = client.get(INDEX, {"status": "closed"}).content.decode()
    html = client.get(f"{INDEX}inspect/{inquiry.pk}/").content.decode()
    assert "9:05 a.m." in listing
    assert html.count("Jan. 15, 2026, 9:05 a.m.") == 2  # received, and closed
    assert "2:05 p.m." not in html


def test_review_changes_are_logged_with_who_and_what(client, reviewer, django_user_model):
    colleague = make_user(
        django_user_model, "colleague", "Inquiry reviewers", first_name="Kim", last_name="Ash"
    )
    inquiry = make_inquiry()
    client.force_login(reviewer)
    edit_url = f"{INDEX}edit/{inquiry.pk}/"
    form = client.get(edit_url).content.decode()
    assert 'name="message"' not in form
    assert 'name="name"' not in form

    response = review(
        client,
        inquiry,
        {"status": "contacted", "assigned_to": colleague.pk, "staff_notes": "Called."},
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    assert inquiry.assigned_to == colleague
    assert inquiry.message == "Hello"

    # (Opening the edit form is logged too: tests/contact/test_access_log.py.)
    entry = ModelLogEntry.objects.get(object_id=str(inquiry.pk), action="contact.inquiry.review")
    assert entry.user == reviewer
    assert entry.action == "contact.inquiry.review"
    assert entry.data["changes"] == [
        "Status: New → Contacted",
        "Assigned to: nobody → Kim Ash",
        "Staff notes edited",
    ]
    history = client.get(f"{INDEX}history/{inquiry.pk}/").content.decode()
    assert "Status: New → Contacted" in history
    assert "Robin Vale" in history


def test_marking_spam_as_not_spam_puts_it_in_the_inbox(client, reviewer):
    inquiry = make_inquiry(name="Real Person", status=Inquiry.Status.SPAM)
    client.force_login(reviewer)
    review(client, inquiry, {"status": "new", "staff_notes": ""})
    assert "Real Person" in client.get(INDEX).content.decode()
    entry = ModelLogEntry.objects.get(object_id=str(inquiry.pk), action="contact.inquiry.review")
    assert entry.data["changes"] == ["Status: Spam → New"]


def test_closing_in_the_admin_records_when_and_reopening_clears_it(client, reviewer):
    inquiry = make_inquiry()
    client.force_login(reviewer)
    review(client, inquiry, {"status": "closed", "assigned_to": "", "staff_notes": ""})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED
    assert timezone.now() - inquiry.closed_at < timedelta(minutes=1)
    html = client.get(f"{INDEX}inspect/{inquiry.pk}/").content.decode()
    assert "Closed or marked spam" in html

    review(client, inquiry, {"status": "contacted", "assigned_to": "", "staff_notes": ""})
    inquiry.refresh_from_db()
    assert inquiry.closed_at is None


def test_only_reviewers_can_be_assigned(client, reviewer, editor):
    inquiry = make_inquiry()
    client.force_login(reviewer)
    data = {"status": "new", "assigned_to": editor.pk}
    response = review(client, inquiry, data)
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.assigned_to is None


def test_dashboard_panel_counts_new_inquiries_for_reviewers_only(client, reviewer, editor):
    make_inquiry()
    make_inquiry()
    make_inquiry(status=Inquiry.Status.CONTACTED)
    client.force_login(reviewer)
    html = client.get("/admin/").content.decode()
    assert "2 new inquiries" in html
    client.force_login(editor)
    assert "new inquiries" not in client.get("/admin/").content.decode()


def test_group_permissions_can_be_granted_in_the_admin(db):
    # The view permission is registered for the group editor, because the inspect view exists.
    from wagtail import hooks

    registered = set()
    for fn in hooks.get_hooks("register_permissions"):
        registered |= set(fn().values_list("codename", flat=True))
    assert {"view_inquiry", "change_inquiry"} <= registered
    assert Permission.objects.filter(codename="view_inquiry").exists()


def test_a_review_saved_while_the_worker_sends_keeps_the_sent_state(client, reviewer):
    """The worker may mark the notification sent between the edit view loading the row
    and saving it; the reviewer's save must not write the old state back."""
    from django.db.models.signals import pre_save

    inquiry = make_inquiry()
    client.force_login(reviewer)

    def worker_commits_meanwhile(sender, instance, **kwargs):
        Inquiry.objects.filter(pk=instance.pk).update(
            notification_state=Inquiry.Notification.SENT, notification_attempts=1
        )

    page = client.get(f"{INDEX}edit/{inquiry.pk}/").content.decode()
    token = re.search(r'name="loaded_state" value="([^"]*)"', page).group(1)
    pre_save.connect(worker_commits_meanwhile, sender=Inquiry)
    try:
        response = client.post(
            f"{INDEX}edit/{inquiry.pk}/",
            {"status": "contacted", "staff_notes": "Called back.", "loaded_state": token},
        )
    finally:
        pre_save.disconnect(worker_commits_meanwhile, sender=Inquiry)
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    assert inquiry.staff_notes == "Called back."
    assert inquiry.notification_state == Inquiry.Notification.SENT
    assert inquiry.notification_attempts == 1
