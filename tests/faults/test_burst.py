"""A burst of contact submissions: every one stored with its job, none answered with an
error, and every notification delivered once."""

import pytest

from benchmarks import site
from benchmarks.loadtest import submit_many
from practice import processes
from tests.faults import harness

# The test works in a copy of the test database; the mark has pytest-django create it.
pytestmark = pytest.mark.django_db


def test_500_submissions_from_20_clients_are_stored_queued_and_each_delivered_once(
    site_template, site_database, tmp_path
):
    with processes.smtp_server() as smtp:
        environment = harness.environment(site_database, smtp.port, site_template.scratch)
        with processes.gunicorn(environment, tmp_path / "gunicorn.log") as url:
            result = submit_many(
                url + harness.CONTACT_PATH, total=500, concurrency=20, min_seconds=0
            )
        assert result.statuses == {303: 500}
        assert site.count_rows(site_database) == {"inquiries": 500, "spam": 0, "jobs": 500}

        site.manage(environment, "db_worker", "--batch")
        messages = list(smtp.messages)
    assert harness.received_subjects(messages) == harness.expected_subjects(site_database)
    assert len(messages) == 500
    assert harness.all_delivered(site_database)
