"""Two reviewers editing one inquiry: the later save is refused, nothing typed is lost."""

import html
import re
import threading
import time

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client

from contact import review_conflicts
from contact.models import Inquiry

INDEX = "/admin/inquiries/"


def make_reviewer(django_user_model, username, first_name):
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", first_name=first_name
    )
    user.groups.add(Group.objects.get(name="Inquiry reviewers"))
    return user


@pytest.fixture
def reviewers(django_user_model):
    return make_reviewer(django_user_model, "robin", "Robin"), make_reviewer(
        django_user_model, "kim", "Kim"
    )


@pytest.fixture
def inquiry(db):
    return Inquiry.objects.create(
        name="Sam Example", email="sam@example.com", message="Hello", client_hash="0" * 64
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_form(client, inquiry) -> dict:
    """The edit form as the browser would send it back unchanged."""
    return form_data(client.get(f"{INDEX}edit/{inquiry.pk}/").content.decode())


def form_data(page: str) -> dict:
    """The values an edit form page would send back as shown."""
    token = re.search(r'name="loaded_state" value="([^"]*)"', page).group(1)
    status = re.search(r'name="status".*?<option value="(\w+)" selected>', page, re.S).group(1)
    assigned = re.search(r'<select name="assigned_to".*?</select>', page, re.S).group(0)
    assigned_to = re.search(r'<option value="(\d*)" selected>', assigned)
    notes = re.search(r'<textarea name="staff_notes"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return {
        "loaded_state": html.unescape(token),
        "status": status,
        "assigned_to": assigned_to.group(1) if assigned_to else "",
        "staff_notes": html.unescape(notes.group(1)),
    }


def save(client, inquiry, data):
    return client.post(f"{INDEX}edit/{inquiry.pk}/", data)


def test_unchanged_state_is_no_conflict_and_any_stored_change_is():
    seen = review_conflicts.review_state(7, "new", None, "Line one\r\nline two")
    assert (
        review_conflicts.changed_since(
            seen, review_conflicts.review_state(7, "new", None, "Line one\nline two")
        )
        == []
    )
    current = review_conflicts.review_state(7, "contacted", 3, "Other")
    assert review_conflicts.changed_since(seen, current) == ["status", "assigned_to", "staff_notes"]
    assert review_conflicts.changed_since(None, seen) == list(review_conflicts.REVIEWED_FIELDS)


def test_a_token_for_another_inquiry_or_altered_is_unknown(settings):
    token = review_conflicts.sign_state(review_conflicts.review_state(7, "new", None, ""))
    assert review_conflicts.unsign_state(token, 7)["status"] == "new"
    assert review_conflicts.unsign_state(token, 8) is None
    assert review_conflicts.unsign_state(token[:-2] + "xx", 7) is None
    assert review_conflicts.unsign_state("", 7) is None
    forged = review_conflicts.signing.dumps({"pk": 7}, salt="another purpose")
    assert review_conflicts.unsign_state(forged, 7) is None


def test_the_second_save_is_refused_and_shows_the_first_with_its_own_input(inquiry, reviewers):
    robin, kim = signed_in(reviewers[0]), signed_in(reviewers[1])
    robins_form, kims_form = open_form(robin, inquiry), open_form(kim, inquiry)

    assert save(robin, inquiry, {**robins_form, "status": "contacted"}).status_code == 302
    response = save(kim, inquiry, {**kims_form, "staff_notes": "Left a voicemail."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Another reviewer saved this inquiry after you opened it" in page
    assert "The form now shows their changes to: Status." in page
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED  # Robin's save stands
    assert inquiry.staff_notes == ""  # Kim's is not saved yet...
    shown = form_data(page)
    assert shown["staff_notes"] == "Left a voicemail."  # ...but not lost
    assert shown["status"] == "contacted"  # and Robin's change is in the form

    # Saving the form as shown now keeps both.
    assert save(kim, inquiry, shown).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    assert inquiry.staff_notes == "Left a voicemail."


def test_a_field_both_changed_keeps_the_second_reviewers_value_and_names_the_first(
    inquiry, reviewers
):
    robin, kim = signed_in(reviewers[0]), signed_in(reviewers[1])
    robins_form, kims_form = open_form(robin, inquiry), open_form(kim, inquiry)
    save(robin, inquiry, {**robins_form, "status": "scheduled", "staff_notes": "Robin's note"})

    response = save(kim, inquiry, {**kims_form, "status": "referred", "staff_notes": "Kim's"})

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Another reviewer set this to “Scheduled”. Saving keeps your choice." in page
    assert "Another reviewer edited these notes too." in page
    assert "Robin's note" not in page  # notes are not repeated in the message banner
    shown = form_data(response.content.decode())
    assert shown["status"] == "referred"
    assert shown["staff_notes"] == "Kim's"
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.staff_notes) == ("scheduled", "Robin's note")


def test_a_save_without_or_with_a_foreign_token_is_refused(inquiry, reviewers, django_user_model):
    other = Inquiry.objects.create(
        name="B", email="b@example.com", message="Hi", client_hash="1" * 64
    )
    robin = signed_in(reviewers[0])
    other_form = open_form(robin, other)
    data = {"status": "closed", "assigned_to": "", "staff_notes": ""}

    for token in ({}, {"loaded_state": "forged"}, {"loaded_state": other_form["loaded_state"]}):
        response = save(robin, inquiry, {**data, **token})
        assert response.status_code == 200
        assert "could not be matched with the inquiry" in response.content.decode()
        inquiry.refresh_from_db()
        assert inquiry.status == Inquiry.Status.NEW


def test_the_workers_notification_update_is_no_conflict(inquiry, reviewers):
    robin = signed_in(reviewers[0])
    form = open_form(robin, inquiry)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        notification_state=Inquiry.Notification.SENT, notification_attempts=1
    )
    assert save(robin, inquiry, {**form, "status": "contacted"}).status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.notification_state) == ("contacted", "sent")


def test_an_inquiry_purged_while_its_form_was_open_is_a_message(inquiry, reviewers):
    robin = signed_in(reviewers[0])
    form = open_form(robin, inquiry)
    Inquiry.objects.filter(pk=inquiry.pk).delete()
    response = save(robin, inquiry, {**form, "status": "contacted"})
    assert response.status_code in (302, 404)
    assert not Inquiry.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_racing_an_uncommitted_one_waits_for_it_and_is_refused(reviewers):
    """Robin's save holds the row (as the edit view does between its check and its
    update); Kim's, sent meanwhile, must wait and then see it, not overwrite it."""
    inquiry = Inquiry.objects.create(
        name="Sam Example", email="sam@example.com", message="Hello", client_hash="0" * 64
    )
    kim = signed_in(reviewers[1])
    kims_form = open_form(kim, inquiry)
    settings_dict = connection.settings_dict
    robins_save = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )
    responses = []

    def kim_saves():
        try:
            responses.append(save(kim, inquiry, {**kims_form, "status": "referred"}))
        finally:
            connections.close_all()

    try:
        robins_save.execute("SELECT 1 FROM contact_inquiry WHERE id = %s FOR UPDATE", [inquiry.pk])
        robins_save.execute(
            "UPDATE contact_inquiry SET status = 'scheduled' WHERE id = %s", [inquiry.pk]
        )
        thread = threading.Thread(target=kim_saves)
        thread.start()
        wait_for_a_lock_wait(settings_dict["NAME"])
        robins_save.commit()
        thread.join(timeout=30)
    finally:
        robins_save.close()

    assert responses[0].status_code == 200
    assert "Another reviewer saved this inquiry" in responses[0].content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.SCHEDULED


def wait_for_a_lock_wait(database: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = %s AND wait_event_type = 'Lock'",
                [database],
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("The second save never waited for the first one's lock.")
