"""Stored first, notified reliably: the job commits with the inquiry, the worker sends
over real SMTP, failures retry with backoff, and nothing personal leaves the database."""

import socket
import time
from email import message_from_bytes

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks.signals import task_enqueued

from benchmarks import site
from contact import notifications
from contact.models import Inquiry
from practice.processes import MailCollector, SmtpServer, free_port
from tests.contact.conftest import (
    captured_logs,
    form_data,
    notification_jobs,
    run_worker,
)

SUBMITTED = form_data(
    name="Jordan Quill",
    email="jordan.quill@example.net",
    phone="+1 555 010 9999",
    message="Unmistakable words about my panic attacks.",
)
# Values that must never appear in an email or a log line.
SECRETS = ["Jordan", "Quill", "jordan.quill", "555 010 9999", "panic attacks"]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture(autouse=True)
def drained_queue(contact_page):
    """Run the jobs that building the demo site queued, so each test sees only its own."""
    run_worker()


def submit(client, page, data=SUBMITTED):
    response = client.post(page.url, data)
    assert response.status_code == 303
    return Inquiry.objects.order_by("-pk").first()


def test_inquiry_and_job_are_written_in_the_same_transaction(client, contact_page):
    seen = {}

    def check(sender, task_result, **kwargs):
        if task_result.task.name == "send_inquiry_notification":
            seen["in_transaction"] = connection.in_atomic_block
            seen["inquiry_visible"] = Inquiry.objects.filter(pk=task_result.args[0]).exists()

    task_enqueued.connect(check)
    try:
        inquiry = submit(client, contact_page)
    finally:
        task_enqueued.disconnect(check)
    assert seen == {"in_transaction": True, "inquiry_visible": True}
    assert notification_jobs().get().args_kwargs["args"] == [inquiry.pk]


def test_a_failure_after_the_insert_leaves_neither_row(client, contact_page):
    def fail(sender, task_result, **kwargs):
        raise RuntimeError("the database went away after the inserts")

    task_enqueued.connect(fail)
    client.raise_request_exception = False
    try:
        response = client.post(contact_page.url, SUBMITTED)
    finally:
        task_enqueued.disconnect(fail)
    assert response.status_code == 500
    assert Inquiry.objects.count() == 0
    assert notification_jobs().count() == 0


def test_worker_delivers_a_notification_without_anything_the_person_wrote(
    client, contact_page, smtp_server
):
    inquiry = submit(client, contact_page)
    assert smtp_server.messages == []  # the request did not wait for the mail server
    run_worker()

    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.SENT
    assert inquiry.notification_sent_at is not None
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert sorted(envelope.rcpt_tos) == ["office@practice.example", "therapist@practice.example"]
    email = message_from_bytes(envelope.content)
    assert email["Subject"] == f"New inquiry #{inquiry.pk}"
    body = email.get_payload(decode=True).decode()
    assert f"http://testserver/admin/inquiries/inspect/{inquiry.pk}/" in body
    raw = envelope.content.decode(errors="replace")
    for secret in SECRETS:
        assert secret not in raw
    assert notification_jobs().get().status == "SUCCESSFUL"


def test_the_db_worker_command_runs_the_job(client, contact_page, smtp_server):
    from django.core.management import call_command

    inquiry = submit(client, contact_page)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.SENT
    assert len(smtp_server.messages) == 1


def test_spam_is_never_notified(client, contact_page, smtp_server):
    submit(client, contact_page, {**SUBMITTED, "website": "filled by a bot"})
    run_worker()
    assert smtp_server.messages == []


def test_mail_server_down_then_up_loses_nothing(client, contact_page, smtp_server, settings):
    settings.INQUIRY_NOTIFY_RETRY_DELAYS = [60]
    smtp_server.stop()
    inquiries = [submit(client, contact_page) for _ in range(3)]
    assert Inquiry.objects.count() == 3  # submissions succeed while mail is down

    with captured_logs() as logs:
        run_worker()  # one attempt each (connection refused); retries are due in a minute
    for inquiry in inquiries:
        inquiry.refresh_from_db()
        assert inquiry.notification_state == Inquiry.Notification.PENDING
        assert inquiry.notification_attempts == 1
        assert inquiry.notification_last_error == "ConnectionRefusedError"
    assert notification_jobs().filter(status="READY").count() == 3
    log_text = "\n".join(logs)
    for secret in SECRETS:
        assert secret not in log_text
    assert "failed with ConnectionRefusedError" in log_text

    smtp_server.start()
    notification_jobs().filter(status="READY").update(run_after=timezone.now())  # a minute on
    run_worker()
    subjects = sorted(message_from_bytes(m.content)["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"New inquiry #{inquiry.pk}" for inquiry in inquiries)
    for inquiry in inquiries:
        inquiry.refresh_from_db()
        assert inquiry.notification_state == Inquiry.Notification.SENT
        assert inquiry.notification_attempts == 2


def test_due_retries_do_not_starve_a_newer_inquiry(client, contact_page, smtp_server, settings):
    """Jobs run in the order they fell due: a retry that came due after a new inquiry
    arrived waits its turn, so an outage cannot keep new inquiries from being tried."""
    settings.INQUIRY_NOTIFY_RETRY_DELAYS = [0]
    smtp_server.stop()
    first = submit(client, contact_page)
    second = submit(client, contact_page)
    run_worker(max_tasks=1)  # the first fails; its retry is due at once, after the second
    run_worker(max_tasks=1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.notification_attempts, second.notification_attempts) == (1, 1)


def test_retries_wait_for_the_backoff_delay(client, contact_page, smtp_server, settings):
    settings.INQUIRY_NOTIFY_RETRY_DELAYS = [3600]
    smtp_server.stop()
    inquiry = submit(client, contact_page)
    run_worker()  # the retry is an hour away, so the batch ends after one attempt
    retry = notification_jobs().get(status="READY")
    inquiry.refresh_from_db()
    assert inquiry.notification_attempts == 1
    delay = (retry.run_after - retry.enqueued_at).total_seconds()
    assert 3590 < delay < 3610


def test_smtp_errors_and_timeouts_are_retried(client, contact_page, smtp_server, settings):
    smtp_server.handler.reply = "451 4.3.0 Try again later"
    inquiry = submit(client, contact_page)
    run_worker(max_tasks=1)
    inquiry.refresh_from_db()
    assert inquiry.notification_last_error == "SMTPDataError"

    # A server that accepts the connection and never answers: smtplib reports the
    # read timeout as SMTPServerDisconnected.
    silent = socket.socket()
    silent.bind(("127.0.0.1", free_port()))
    silent.listen(1)
    settings.EMAIL_PORT = silent.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    try:
        run_worker(max_tasks=1)
    finally:
        silent.close()
    inquiry.refresh_from_db()
    assert inquiry.notification_last_error == "SMTPServerDisconnected"
    assert inquiry.notification_state == Inquiry.Notification.PENDING
    assert inquiry.notification_attempts == 2


def test_no_log_line_anywhere_quotes_the_person(client, contact_page, smtp_server, settings):
    """From the first POST to the last failed attempt: a form sent back with errors, the
    rate limit, the stored inquiry, a mail server that refuses the message, and a worker
    run that fails outright, with every logger (django.request included) at DEBUG."""
    settings.INQUIRY_RATE_LIMIT = 1
    smtp_server.handler.reply = "550 5.7.1 Message refused"
    client.defaults["REMOTE_ADDR"] = "203.0.113.77"
    with captured_logs() as logs:
        invalid = client.post(contact_page.url, {**SUBMITTED, "email": "jordan.quill at home"})
        assert invalid.status_code == 400
        inquiry = submit(client, contact_page)
        assert client.post(contact_page.url, SUBMITTED).status_code == 429
        run_worker(max_tasks=1)  # the mail server refuses: retried
        inquiry.refresh_from_db()
        assert inquiry.notification_last_error == "SMTPDataError"
        settings.EMAIL_USE_SSL = True  # a misconfiguration: the job fails for good
        run_worker()
        inquiry.refresh_from_db()
        assert inquiry.notification_state == Inquiry.Notification.FAILED
    log_text = "\n".join(logs)
    # The logs did record all of it...
    assert "Bad Request: /contact/" in log_text
    assert "Too Many Requests: /contact/" in log_text
    assert "SMTPDataError" in log_text
    assert "ValueError" in log_text
    # ...and nothing the person typed, nor their address.
    for secret in [*SECRETS, "jordan.quill at home", "203.0.113.77"]:
        assert secret not in log_text, secret


def test_exhausted_retries_mark_failed_and_resend_delivers(
    client, contact_page, smtp_server, settings, admin_user
):
    settings.INQUIRY_NOTIFY_MAX_ATTEMPTS = 3
    smtp_server.stop()
    inquiry = submit(client, contact_page)
    with captured_logs() as logs:
        run_worker()
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.FAILED
    assert inquiry.notification_attempts == 3
    assert notification_jobs().filter(status="READY").count() == 0
    log_text = "\n".join(logs)
    assert "giving up" in log_text
    for secret in SECRETS:
        assert secret not in log_text

    client.force_login(admin_user)
    inspect = client.get(f"/admin/inquiries/inspect/{inquiry.pk}/").content.decode()
    assert "Notification failed" in inspect
    assert f"/admin/inquiries/resend/{inquiry.pk}/" in inspect
    assert client.get(f"/admin/inquiries/resend/{inquiry.pk}/").status_code == 200
    response = client.post(f"/admin/inquiries/resend/{inquiry.pk}/")
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.PENDING

    smtp_server.start()
    run_worker()
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.SENT
    assert len(smtp_server.messages) == 1
    history = client.get(f"/admin/inquiries/history/{inquiry.pk}/").content.decode()
    assert "Notification queued again" in history


def test_a_duplicate_job_does_not_send_twice(client, contact_page, smtp_server):
    from contact.tasks import queue_notification, send_inquiry_notification

    inquiry = submit(client, contact_page)
    send_inquiry_notification.enqueue(inquiry.pk)
    run_worker()
    assert len(smtp_server.messages) == 1
    assert notifications.deliver(inquiry.pk, queue_retry=queue_notification) == "already sent"


def test_acknowledgement_repeats_the_crisis_notice_and_not_the_message(
    client, contact_page, smtp_server, settings
):
    settings.INQUIRY_SEND_ACKNOWLEDGEMENT = True
    submit(client, contact_page)
    run_worker()
    acknowledgement = next(
        m for m in smtp_server.messages if m.rcpt_tos == ["jordan.quill@example.net"]
    )
    email = message_from_bytes(acknowledgement.content)
    body = email.get_payload(decode=True).decode()
    assert "arrived" in email["Subject"]
    assert "988" in body
    for secret in ["Quill", "panic attacks", "555 010 9999"]:
        assert secret not in acknowledgement.content.decode(errors="replace")
    assert len(smtp_server.messages) == 2


def test_acknowledgement_is_off_by_default(client, contact_page, smtp_server):
    submit(client, contact_page)
    run_worker()
    assert [m.rcpt_tos for m in smtp_server.messages] == [
        ["therapist@practice.example", "office@practice.example"]
    ]


def test_without_recipients_the_inquiry_waits_and_then_shows_failed(
    client, contact_page, smtp_server, settings
):
    settings.INQUIRY_NOTIFY_EMAILS = []
    settings.INQUIRY_NOTIFY_MAX_ATTEMPTS = 2
    inquiry = submit(client, contact_page)
    run_worker()
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.FAILED
    assert inquiry.notification_last_error == "NoRecipientsConfigured"
    assert smtp_server.messages == []


def test_an_unexpected_error_marks_failed_so_staff_can_resend(
    client, contact_page, smtp_server, settings, admin_user
):
    # A misconfiguration the mail backend refuses with ValueError, not an OSError.
    settings.EMAIL_USE_SSL = True
    settings.EMAIL_USE_TLS = True
    inquiry = submit(client, contact_page)
    with captured_logs() as logs:
        run_worker()
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.FAILED
    assert inquiry.notification_last_error == "ValueError"
    assert inquiry.notification_attempts == 1
    assert notification_jobs().filter(status="FAILED").count() == 1
    ours = [line for line in logs if f"inquiry #{inquiry.pk}" in line]
    assert ours
    assert "ValueError" in ours[0]
    for secret in SECRETS:
        assert secret not in "\n".join(ours)

    settings.EMAIL_USE_SSL = False
    settings.EMAIL_USE_TLS = False
    client.force_login(admin_user)
    inspect = client.get(f"/admin/inquiries/inspect/{inquiry.pk}/").content.decode()
    assert f"/admin/inquiries/resend/{inquiry.pk}/" in inspect
    client.post(f"/admin/inquiries/resend/{inquiry.pk}/")
    run_worker()
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.SENT
    assert len(smtp_server.messages) == 1


class ConnectionCuttingCollector(MailCollector):
    """Accepts every message; on the first, first ends every other session on the test
    database, as a PostgreSQL restart would, and waits until they are gone."""

    def __init__(self, settings_dict: dict):
        super().__init__()
        self.settings_dict = settings_dict
        self.cut = False

    async def handle_DATA(self, server, session, envelope):
        if not self.cut:
            self.cut = True
            with site.connect(self.settings_dict, self.settings_dict["NAME"]) as admin:
                others = (
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
                admin.execute(f"SELECT pg_terminate_backend(pid) {others}")  # noqa: S608
                while admin.execute(f"SELECT count(*) {others}").fetchone()[0]:  # noqa: S608
                    time.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def test_a_lost_database_connection_is_retried_not_failed(client, contact_page, smtp_server):
    """The worker's connection dies between the email going out and its commit: the
    delivery is retried on a new connection, and that email goes again (at least once)."""
    inquiry = submit(client, contact_page)
    cutter = SmtpServer(ConnectionCuttingCollector(connection.settings_dict))
    cutter.start()
    try:
        with override_settings(EMAIL_PORT=cutter.port), captured_logs() as logs:
            run_worker(max_tasks=1)
    finally:
        cutter.stop()
    inquiry.refresh_from_db()
    assert len(cutter.messages) == 1
    assert inquiry.notification_state == Inquiry.Notification.PENDING
    assert inquiry.notification_last_error in ("OperationalError", "InterfaceError")
    assert inquiry.notification_attempts == 1
    assert inquiry.notification_sent_at is None  # went out, but its record went with the connection
    first = notification_jobs().order_by("enqueued_at").first()
    assert first.status == "SUCCESSFUL"
    assert first.return_value == "retry scheduled"
    assert any("retrying in" in line for line in logs)

    run_worker()
    inquiry.refresh_from_db()
    assert inquiry.notification_state == Inquiry.Notification.SENT
    assert len(smtp_server.messages) == 1
