"""A worker killed in the middle of its batch: no notification is lost, and what it
guarantees is "at least once". Killed before the mail server accepted an email, nothing
goes out twice; killed after the acceptance but before the database commit, that one
email goes out again (the window the README and contact.notifications describe)."""

import asyncio
import threading
from collections import Counter
from email import message_from_bytes

import pytest

from benchmarks.loadtest import submit_many
from practice import processes
from tests.faults import harness

# The test works in a copy of the test database; the mark has pytest-django create it.
pytestmark = pytest.mark.django_db

STALL_AT = 5  # the notification the first worker is killed on
TOTAL = 12


class StallingCollector(processes.MailCollector):
    """Keeps messages like MailCollector, except that the SMTP session of message number
    STALL_AT stops answering until `released` is set: at DATA (the message is never
    accepted) or at QUIT (after it was)."""

    def __init__(self, phase: str):
        super().__init__()
        self.phase = phase
        self.count = 0
        self.stalled = threading.Event()  # the worker is waiting for the server's answer
        self.released = threading.Event()
        self.stalled_session = None
        self.stalled_subject = None

    async def stall(self) -> None:
        self.stalled.set()
        while not self.released.is_set():
            await asyncio.sleep(0.05)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.count == STALL_AT:
            self.stalled_subject = message_from_bytes(envelope.content)["Subject"]
            if self.phase == "DATA":
                await self.stall()
                return "451 4.3.0 Not accepted"  # to a client that is gone by now
            self.stalled_session = session
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server, session, envelope):
        if session is self.stalled_session:
            await self.stall()
        return "221 Bye"


def kill_a_worker_mid_batch_then_start_another(phase: str, database: str, scratch, logs):
    """Submit TOTAL inquiries, let a worker stall on notification STALL_AT, SIGKILL it,
    then let a new worker finish; returns (the collector, what was received)."""
    handler = StallingCollector(phase)
    with processes.smtp_server(handler) as smtp:
        environment = harness.environment(database, smtp.port, scratch)
        with processes.gunicorn(environment, logs / "gunicorn.log") as url:
            result = submit_many(url + harness.CONTACT_PATH, TOTAL, concurrency=3, min_seconds=0)
        assert result.statuses == {303: TOTAL}

        with harness.worker(environment, logs / "worker.log") as first:
            harness.wait_until(handler.stalled.is_set, f"the worker sends notification {STALL_AT}")
            first.kill()
            first.wait()
        handler.released.set()
        # The killed worker's job stays RUNNING: django-tasks-db alone would never rerun it.
        assert harness.notification_job_states(database)["RUNNING"] == 1
        assert harness.inquiry_states(database)["sent"] == STALL_AT - 1

        with harness.worker(environment, logs / "worker.log"):
            harness.wait_until(
                lambda: harness.all_delivered(database), "the new worker sent the rest"
            )
        return handler, harness.received_subjects(smtp.messages)


def test_a_worker_killed_before_the_mail_server_accepted_loses_and_repeats_nothing(
    site_template, site_database, tmp_path
):
    _, received = kill_a_worker_mid_batch_then_start_another(
        "DATA", site_database, site_template.scratch, tmp_path
    )
    assert received == harness.expected_subjects(site_database)
    assert sum(received.values()) == TOTAL
    assert harness.notification_job_states(site_database) == Counter(SUCCESSFUL=TOTAL)


def test_a_worker_killed_between_acceptance_and_commit_sends_that_email_twice(
    site_template, site_database, tmp_path
):
    """At least once, not exactly once: the mail server has the email, the database does
    not know, so the job runs again and sends it again. Nothing is lost."""
    handler, received = kill_a_worker_mid_batch_then_start_another(
        "QUIT", site_database, site_template.scratch, tmp_path
    )
    expected = harness.expected_subjects(site_database)
    assert received - expected == Counter({handler.stalled_subject: 1})
    assert expected - received == Counter()
