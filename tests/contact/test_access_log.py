"""Who looked, not only who changed: opening an inquiry and exporting write its history."""

import json

import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from contact.models import Inquiry
from contact.wagtail_hooks import EXPORT_ACTION, VIEW_ACTION

INDEX = "/admin/inquiries/"
PRIVATE = ("Quinn Harbor", "quinn.harbor@example.org", "+1 555 010 9988", "grief since March")


@pytest.fixture
def reviewers(db, django_user_model):
    group = Group.objects.get(name="Inquiry reviewers")
    users = []
    for username, first, last in (("robin", "Robin", "Vale"), ("sasha", "Sasha", "Moreau")):
        user = django_user_model.objects.create_user(
            username, password="a-long-test-password", first_name=first, last_name=last
        )
        user.groups.add(group)
        users.append(user)
    return users


def make_inquiry(**fields):
    values = {
        "name": PRIVATE[0],
        "email": PRIVATE[1],
        "phone": PRIVATE[2],
        "message": f"I have had {PRIVATE[3]}.",
        "client_hash": "0" * 64,
    }
    values.update(fields)
    return Inquiry.objects.create(**values)


def entries(inquiry, action):
    return ModelLogEntry.objects.filter(object_id=str(inquiry.pk), action=action)


def assert_no_content(entry):
    text = json.dumps(entry.data) + entry.label
    for secret in PRIVATE:
        assert secret not in text


def test_opening_an_inquiry_is_logged_with_who_and_when(client, reviewers):
    robin, sasha = reviewers
    inquiry, other = make_inquiry(), make_inquiry()
    client.force_login(robin)
    assert client.get(f"{INDEX}inspect/{inquiry.pk}/").status_code == 200
    assert client.get(f"{INDEX}edit/{inquiry.pk}/").status_code == 200
    opened = list(entries(inquiry, VIEW_ACTION).order_by("timestamp"))
    assert [(e.user, e.data["via"]) for e in opened] == [(robin, "inspect"), (robin, "edit")]
    assert all(e.timestamp for e in opened)
    for entry in opened:
        assert_no_content(entry)
    assert not entries(other, VIEW_ACTION).exists()
    # The list alone opens nothing.
    client.get(INDEX)
    assert entries(other, VIEW_ACTION).count() == 0

    # Another reviewer sees who read it, in the inquiry's history.
    client.force_login(sasha)
    history = client.get(f"{INDEX}history/{inquiry.pk}/").content.decode()
    assert "Opened for editing" in history
    assert "Opened" in history
    assert "Robin Vale" in history
    for secret in PRIVATE:
        assert secret not in history


def test_every_export_logs_each_inquiry_it_contained(client, reviewers):
    robin, _ = reviewers
    exported = [make_inquiry(), make_inquiry()]
    spam = make_inquiry(status=Inquiry.Status.SPAM)
    client.force_login(robin)
    response = client.get(INDEX, {"export": "csv"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    first = [entries(inquiry, EXPORT_ACTION).get() for inquiry in exported]
    assert {e.user for e in first} == {robin}
    export_id = first[0].data["export"]
    assert {e.data["export"] for e in first} == {export_id}  # one export, told apart
    assert first[0].data == {"format": "csv", "count": 2, "export": export_id}
    assert not entries(spam, EXPORT_ACTION).exists()  # not in the listing, not exported
    for entry in first:
        assert_no_content(entry)

    response = client.get(INDEX, {"export": "xlsx", "folder": "all"})
    assert response.status_code == 200
    second = entries(spam, EXPORT_ACTION).get()
    assert second.data["export"] != export_id
    assert (second.data["format"], second.data["count"]) == ("xlsx", 3)
    history = client.get(f"{INDEX}history/{exported[0].pk}/").content.decode()
    assert "Exported as CSV, with 2 inquiries" in history
    assert "Exported as XLSX, with 3 inquiries" in history


def test_an_editor_refused_the_inquiry_leaves_no_view_entry(client, db, django_user_model):
    editor = django_user_model.objects.create_user("casey", password="a-long-test-password")
    editor.groups.add(Group.objects.get(name="Editors"))
    inquiry = make_inquiry()
    client.force_login(editor)
    assert client.get(f"{INDEX}inspect/{inquiry.pk}/").status_code == 302
    assert not entries(inquiry, VIEW_ACTION).exists()
