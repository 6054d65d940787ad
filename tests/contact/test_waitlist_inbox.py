"""The inbox's side of the waitlist: the kind filter, each waiting request's place, the
waitlist in order, and the same in the export and on the inquiry's own page."""

import csv
import io
import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contact.models import Inquiry
from tests.contact.test_inbox import INDEX, make_inquiry
from tests.contact.test_inbox import reviewer as reviewer  # a fixture


def arrived(days_ago: float, **fields) -> Inquiry:
    inquiry = make_inquiry(**fields)
    created = timezone.now() - timedelta(days=days_ago)
    Inquiry.objects.filter(pk=inquiry.pk).update(created=created)
    inquiry.created = created
    return inquiry


def waiting(days_ago: float, name: str, **fields) -> Inquiry:
    return arrived(days_ago, name=name, kind=Inquiry.Kind.WAITLIST, **fields)


def rows(html: str) -> list[tuple[str, str]]:
    """(name, waitlist place) of each listed inquiry, in the listing's order."""
    [table] = [t for t in re.findall(r"<table.*?</table>", html, re.S) if "Waitlist place" in t]
    headings = [
        re.sub(r"<[^>]+>", "", heading).strip()
        for heading in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)
    ]
    name, place = headings.index("Name"), headings.index("Waitlist place")
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody")[1], re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        found.append((cells[name], cells[place]))
    return found


def test_the_kind_filter_and_each_waiting_requests_place(client, reviewer):
    consultation = arrived(5, name="Casey Consult")
    other = arrived(4, name="Riley Returning", kind=Inquiry.Kind.OTHER, client_type="returning")
    waiting(3, "Wren First")
    waiting(2, "Wes Second")
    waiting(1, "Will Third")
    client.force_login(reviewer)

    def names(**params):
        return [name for name, _ in rows(client.get(INDEX, params).content.decode())]

    assert names(kind="waitlist") == ["Will Third", "Wes Second", "Wren First"]
    assert names(kind="consultation") == [consultation.name]
    assert names(kind="other") == [other.name]
    listing = dict(rows(client.get(INDEX).content.decode()))
    assert listing == {
        "Will Third": "3",
        "Wes Second": "2",
        "Wren First": "1",
        "Riley Returning": "",
        "Casey Consult": "",
    }
    html = client.get(INDEX).content.decode()
    assert re.search(r"<th[^>]*>\s*Waitlist place", html)
    assert "Waitlist request" in html


def test_the_waitlist_is_listed_first_come_first_served_without_those_who_left_it(client, reviewer):
    first = waiting(10, "Ada Waiting")
    waiting(9, "Ben Scheduled", status=Inquiry.Status.SCHEDULED)
    waiting(8, "Cy Contacted", status=Inquiry.Status.CONTACTED)
    waiting(7, "Di Referred", status=Inquiry.Status.REFERRED)
    waiting(6, "Ed Closed", status=Inquiry.Status.CLOSED)
    waiting(5, "Flo Spam", status=Inquiry.Status.SPAM, spam_reason="honeypot")
    waiting(4, "Gus Waiting")
    arrived(3, name="Hal Consult")
    # Two arriving in the same instant keep the order they were stored in.
    same = timezone.now() - timedelta(days=2)
    for name in ("Ivy Same", "Jo Same"):
        Inquiry.objects.filter(pk=waiting(2, name).pk).update(created=same)
    client.force_login(reviewer)

    html = client.get(INDEX, {"folder": "waitlist"}).content.decode()
    assert rows(html) == [
        ("Ada Waiting", "1"),
        ("Cy Contacted", "2"),
        ("Gus Waiting", "3"),
        ("Ivy Same", "4"),
        ("Jo Same", "5"),
    ]
    # Scheduling the first leaves the waitlist: everyone behind moves up.
    first.status = Inquiry.Status.SCHEDULED
    first.save()
    html = client.get(INDEX, {"folder": "waitlist"}).content.decode()
    assert rows(html)[:2] == [("Cy Contacted", "1"), ("Gus Waiting", "2")]
    # A column heading may still sort it another way.
    newest = client.get(INDEX, {"folder": "waitlist", "ordering": "-created"}).content.decode()
    names = [name for name, _ in rows(newest)]
    assert set(names[:2]) == {"Ivy Same", "Jo Same"}
    assert names[2:] == ["Gus Waiting", "Cy Contacted"]


def test_a_place_counts_the_whole_waitlist_whatever_the_listing_shows(client, reviewer):
    waiting(3, "Kim First")
    second = waiting(2, "Lou Second", email="lou@example.org")
    client.force_login(reviewer)
    assert rows(client.get(INDEX, {"q": "lou@example.org"}).content.decode()) == [
        ("Lou Second", "2")
    ]
    assert rows(client.get(INDEX, {"q": f"#{second.pk}"}).content.decode()) == [("Lou Second", "2")]
    assert second.waitlist_place() == 2


def test_the_waitlist_listing_costs_the_same_with_more_requests(client, reviewer):
    client.force_login(reviewer)
    for days in range(3):
        waiting(days, "Waiting", assigned_to=reviewer)
    client.get(INDEX, {"folder": "waitlist"})  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX, {"folder": "waitlist"}).status_code == 200
    with CaptureQueriesContext(connection) as plain_few:
        assert client.get(INDEX).status_code == 200
    for days in range(3, 23):
        waiting(days, "Waiting", assigned_to=reviewer)
    with CaptureQueriesContext(connection) as many:
        assert client.get(INDEX, {"folder": "waitlist"}).status_code == 200
    with CaptureQueriesContext(connection) as plain_many:
        assert client.get(INDEX).status_code == 200
    assert len(many) == len(few)
    assert len(plain_many) == len(plain_few)
    # The count stops at the paginator's cap and does not work out anyone's place.
    count = next(q["sql"] for q in many if "COUNT(" in q["sql"] and "contact_inquiry" in q["sql"])
    assert count.count("SELECT") == 2, count  # the count and the capped rows, nothing per row
    assert "waitlist_position" not in count


def test_the_export_carries_the_kind_and_the_place(client, reviewer):
    waiting(2, "Mo Waiting")
    arrived(1, name="Nat Consult")
    client.force_login(reviewer)
    response = client.get(INDEX, {"export": "csv"})
    exported = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {(row["Name"], row["Kind"], row["Waitlist place"]) for row in exported} == {
        ("Mo Waiting", "Waitlist request", "1"),
        ("Nat Consult", "Consultation request", ""),
    }


def test_the_inquiry_page_shows_its_kind_and_place(client, reviewer):
    waiting(2, "Oz Waiting")
    second = waiting(1, "Pia Waiting")
    consultation = arrived(1, name="Quinn Consult")
    client.force_login(reviewer)
    html = client.get(f"{INDEX}inspect/{second.pk}/").content.decode()
    assert re.search(r"Kind\s*</dt>\s*<dd>\s*Waitlist request", html)
    assert re.search(r"Place on the waitlist\s*</dt>\s*<dd>\s*2\s*</dd>", html)
    html = client.get(f"{INDEX}inspect/{consultation.pk}/").content.decode()
    assert re.search(r"Place on the waitlist\s*</dt>\s*<dd>\s*Not waiting\s*</dd>", html)


def test_the_dashboard_says_how_many_wait(client, reviewer):
    client.force_login(reviewer)
    assert "on the waitlist" not in client.get("/admin/").content.decode()
    waiting(2, "Rae Waiting")
    waiting(1, "Sol Waiting")
    waiting(1, "Tam Scheduled", status=Inquiry.Status.SCHEDULED)
    html = client.get("/admin/").content.decode()
    assert f'<a href="{INDEX}?folder=waitlist">2 requests</a> on the waitlist.' in html
