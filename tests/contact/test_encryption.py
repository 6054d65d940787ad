"""What people send is encrypted at rest: the raw columns hold no plaintext, a wrong or
missing key raises instead of showing ciphertext, keys rotate, search uses the blind index."""

import csv
import hashlib
import io
from email import message_from_bytes

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from contact import encryption
from contact.models import Inquiry
from tests.contact.conftest import form_data, run_worker

KEY_A = "FxaBaqqiKtAV9Cwd7pKMFtV0BmQZwQUYXYqFuAsp1jI="  # the test settings' key
KEY_B = "kb_OPccVNACOGF4LNbdPxhv4D959H0RWqGuJU-f_b4U="
KEY_C = "19H34elOQXXOxEB7qUq_-a2sXX5Mbzw0xVgkqR_R72I="
ENCRYPTED_COLUMNS = ("name", "email", "phone", "message", "staff_notes")

SENT = {
    "name": "Jordan Quill",
    "email": "Jordan.Quill@Example.org",
    "phone": "+1 (555) 010-7788",
    "message": "My sister recommended you; I have panic attacks at work.",
}


def raw_row(pk) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, email, phone, message, staff_notes, email_index "
            "FROM contact_inquiry WHERE id = %s",
            [pk],
        )
        values = cursor.fetchone()
    return dict(zip([*ENCRYPTED_COLUMNS, "email_index"], values, strict=True))


def make_inquiry(**fields):
    values = {**SENT, "client_hash": "0" * 64}
    values.update(fields)
    return Inquiry.objects.create(**values)


def test_a_submitted_inquiry_is_stored_without_any_plaintext(client, contact_page):
    response = client.post(contact_page.url, form_data(**SENT))
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    inquiry.staff_notes = "Discussed sliding scale; call back Tuesday."
    inquiry.save()

    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(i)::text FROM contact_inquiry i")
        (whole_row,) = cursor.fetchone()
    for secret in [*SENT.values(), "jordan.quill", "Jordan", "Quill", "panic", "sliding scale"]:
        assert secret.lower() not in whole_row.lower()
    raw = raw_row(inquiry.pk)
    for column in ENCRYPTED_COLUMNS:
        assert encryption.looks_encrypted(raw[column]), column
    # ...and the application reads it back as sent.
    inquiry = Inquiry.objects.get()
    assert (inquiry.name, inquiry.email, inquiry.phone) == (
        SENT["name"],
        SENT["email"],
        SENT["phone"],
    )
    assert inquiry.message == SENT["message"]
    assert inquiry.staff_notes == "Discussed sliding scale; call back Tuesday."


def test_same_address_twice_gives_different_ciphertext_but_one_blind_index(db):
    first, second = make_inquiry(), make_inquiry(email="  jordan.quill@example.ORG")
    first_raw, second_raw = raw_row(first.pk), raw_row(second.pk)
    assert first_raw["email"] != second_raw["email"]
    assert first_raw["email_index"] == second_raw["email_index"]
    assert len(first_raw["email_index"]) == 64
    # The index is keyed: not a plain hash anyone could compute from a list of addresses.
    plain_hash = hashlib.sha256(b"jordan.quill@example.org").hexdigest()
    assert first_raw["email_index"] != plain_hash
    assert set(Inquiry.objects.with_email("JORDAN.QUILL@example.org")) == {first, second}
    assert not Inquiry.objects.with_email("jordan.quill@example.com").exists()
    assert not Inquiry.objects.with_email("").exists()


def test_empty_optional_values_stay_empty(db):
    inquiry = make_inquiry(phone="")
    assert raw_row(inquiry.pk)["phone"] == ""
    assert raw_row(inquiry.pk)["staff_notes"] == ""
    assert Inquiry.objects.get().phone == ""


def test_filtering_on_an_encrypted_column_fails_loudly_rather_than_finding_nothing(db):
    make_inquiry()
    for lookup in ("name", "email__iexact", "message__icontains", "phone__startswith"):
        with pytest.raises(FieldError):
            list(Inquiry.objects.filter(**{lookup: "x"}))
    assert Inquiry.objects.filter(phone__isnull=False).count() == 1


def test_a_wrong_key_raises_and_never_shows_ciphertext(db, settings, client, django_user_model):
    inquiry = make_inquiry()
    token = raw_row(inquiry.pk)["name"]
    settings.INQUIRY_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(encryption.UndecryptableValue):
        Inquiry.objects.get(pk=inquiry.pk)
    with pytest.raises(encryption.UndecryptableValue):
        list(Inquiry.objects.values_list("email", flat=True))

    # Nor through the admin: the page fails (500 for the staff member) instead of listing
    # tokens as if they were names.
    admin = django_user_model.objects.create_superuser("boss", password="a-long-test-password")
    client.force_login(admin)
    client.raise_request_exception = False
    for url in ("/admin/inquiries/", f"/admin/inquiries/inspect/{inquiry.pk}/"):
        response = client.get(url)
        assert response.status_code == 500
        assert token not in response.content.decode()


def test_a_missing_key_raises_before_reading_or_writing(db, settings):
    inquiry = make_inquiry()
    settings.INQUIRY_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        Inquiry.objects.get(pk=inquiry.pk)
    with pytest.raises(ImproperlyConfigured):
        make_inquiry()
    settings.INQUIRY_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="key 1 is not a Fernet key"):
        Inquiry.objects.get(pk=inquiry.pk)


def test_a_tampered_value_raises(db):
    inquiry = make_inquiry()
    token = raw_row(inquiry.pk)["message"]
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE contact_inquiry SET message = %s WHERE id = %s", [flipped, inquiry.pk]
        )
    with pytest.raises(encryption.UndecryptableValue):
        Inquiry.objects.get(pk=inquiry.pk)


def export_rows(client):
    response = client.get("/admin/inquiries/", {"export": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_rotation_a_then_b_a_then_reencrypt_then_drop_a(db, settings, client, django_user_model):
    rows = [make_inquiry(name=f"Person {n}", email=f"person{n}@example.org") for n in range(7)]
    index_under_a = raw_row(rows[0].pk)["email_index"]

    settings.INQUIRY_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    # Mid-rotation: old rows still read and are still found by address; new rows use B.
    assert Inquiry.objects.get(pk=rows[0].pk).name == "Person 0"
    assert list(Inquiry.objects.with_email("PERSON3@example.org")) == [rows[3]]
    newer = make_inquiry(name="Person new", email="new@example.org")
    Fernet(KEY_B).decrypt(raw_row(newer.pk)["name"].encode())

    out = io.StringIO()
    call_command("rotate_inquiry_key", batch_size=3, stdout=out)
    assert "Re-encrypted 8 inquiries" in out.getvalue()

    for inquiry in [*rows, newer]:
        raw = raw_row(inquiry.pk)
        for column in ("name", "email", "message"):
            Fernet(KEY_B).decrypt(raw[column].encode())  # raises unless under B
    assert raw_row(rows[0].pk)["email_index"] != index_under_a

    settings.INQUIRY_ENCRYPTION_KEYS = [KEY_B]
    assert sorted(i.name for i in Inquiry.objects.all()) == sorted(
        [f"Person {n}" for n in range(7)] + ["Person new"]
    )
    assert list(Inquiry.objects.with_email("person5@EXAMPLE.org")) == [rows[5]]

    admin = django_user_model.objects.create_superuser("boss", password="a-long-test-password")
    client.force_login(admin)
    exported = {row["Name"]: row["Email"] for row in export_rows(client)}
    assert exported["Person 4"] == "person4@example.org"
    listing = client.get("/admin/inquiries/", {"q": "person2@example.org"}).content.decode()
    assert "Person 2" in listing
    assert "Person 1" not in listing

    # The old key alone no longer opens anything.
    settings.INQUIRY_ENCRYPTION_KEYS = [KEY_A]
    with pytest.raises(encryption.UndecryptableValue):
        Inquiry.objects.get(pk=rows[0].pk)


def test_rotation_refuses_to_run_without_keys(db, settings):
    make_inquiry()
    settings.INQUIRY_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        call_command("rotate_inquiry_key", stdout=io.StringIO())


def test_new_key_prints_a_usable_key(db):
    out = io.StringIO()
    call_command("rotate_inquiry_key", new_key=True, stdout=out)
    Fernet(out.getvalue().strip())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notification_and_acknowledgement_still_go_out_after_rotation(
    client, contact_page, smtp_server, settings
):
    settings.INQUIRY_SEND_ACKNOWLEDGEMENT = True
    run_worker()  # what building the demo site queued
    response = client.post(contact_page.url, form_data(**SENT))
    assert response.status_code == 303
    settings.INQUIRY_ENCRYPTION_KEYS = [KEY_C, KEY_A]
    call_command("rotate_inquiry_key", stdout=io.StringIO())
    settings.INQUIRY_ENCRYPTION_KEYS = [KEY_C]
    run_worker()
    recipients = sorted(tuple(m.rcpt_tos) for m in smtp_server.messages)
    assert (SENT["email"],) in recipients
    notification = next(m for m in smtp_server.messages if SENT["email"] not in m.rcpt_tos)
    body = message_from_bytes(notification.content).get_payload(decode=True).decode()
    assert SENT["name"] not in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_encrypts_existing_rows_and_reverses():
    executor = MigrationExecutor(connection)
    executor.migrate([("contact", "0003_inquiry_closed_at")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO contact_inquiry (name, email, phone, preferred_contact, "
                "client_type, message, created, client_hash, spam_reason, status, staff_notes, "
                "notification_state, notification_attempts, notification_last_error) VALUES "
                "(%s, %s, %s, 'email', 'new', %s, now(), '', '', 'new', 'Old note', 'sent', 1, '')"
                " RETURNING id",
                [SENT["name"], SENT["email"], "", SENT["message"]],
            )
            (pk,) = cursor.fetchone()
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("contact"))

        raw = raw_row(pk)
        assert raw["phone"] == ""
        for column in ("name", "email", "message", "staff_notes"):
            assert encryption.looks_encrypted(raw[column]), column
        assert raw["email_index"] == encryption.email_index(SENT["email"])
        inquiry = Inquiry.objects.get(pk=pk)
        assert (inquiry.name, inquiry.message, inquiry.staff_notes) == (
            SENT["name"],
            SENT["message"],
            "Old note",
        )

        executor = MigrationExecutor(connection)
        executor.migrate([("contact", "0003_inquiry_closed_at")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, message FROM contact_inquiry WHERE id = %s", [pk])
            assert cursor.fetchone() == (SENT["name"], SENT["message"])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
