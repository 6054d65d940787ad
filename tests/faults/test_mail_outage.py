"""The mail server is down while visitors write: nobody notices, nothing is lost, and once
it is back every notification goes out exactly once."""

import pytest

from benchmarks.loadtest import submit_many
from practice import processes
from tests.faults import harness

# The test works in a copy of the test database; the mark has pytest-django create it.
pytestmark = pytest.mark.django_db


def attempted_during_outage(database: str, total: int) -> bool:
    """Every inquiry's notification was tried at least once and none went out."""
    (tried,) = harness.query(
        database,
        "SELECT count(*) FROM {inquiries} "
        "WHERE notification_attempts > 0 AND notification_sent_at IS NULL",
    )[0]
    return tried == total


def test_submissions_while_the_mail_server_is_down_are_stored_and_later_delivered_once(
    site_template, site_database, tmp_path
):
    with processes.smtp_server() as smtp:
        environment = harness.environment(site_database, smtp.port, site_template.scratch)
        with (
            processes.gunicorn(environment, tmp_path / "gunicorn.log") as url,
            harness.worker(environment, tmp_path / "worker.log"),
        ):
            smtp.stop()
            result = submit_many(
                url + harness.CONTACT_PATH, total=100, concurrency=10, min_seconds=0
            )
            assert result.statuses == {303: 100}
            # The worker is running, and each retry is a job of its own: count inquiries.
            assert harness.inquiry_states(site_database) == {"pending": 100}
            assert harness.inquiries_without_a_job(site_database) == 0
            # The worker meets the outage for every one of them before the server returns.
            harness.wait_until(
                lambda: attempted_during_outage(site_database, 100),
                "the worker tried every notification while the mail server was down",
            )
            assert smtp.messages == []

            smtp.start()
            harness.wait_until(
                lambda: harness.all_delivered(site_database), "every notification went out"
            )
        messages = list(smtp.messages)
    assert harness.received_subjects(messages) == harness.expected_subjects(site_database)
    assert len(messages) == 100
