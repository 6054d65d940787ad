"""Visit counts held by a production server process (gunicorn, practice/visit_batch.py):
a process that stops normally queues what it counted, so nothing waits for the next
flush in a process that is gone."""

import re

import pytest

from benchmarks import site
from practice import processes
from tests.faults import harness
from tests.scale.http import request

pytestmark = pytest.mark.django_db

PAGE = "/fees-and-insurance/"
COUNTS = "SELECT coalesce(sum(count), 0) FROM practice_visitcount WHERE page_id = %s"
JOBS = "SELECT count(*) FROM {jobs} WHERE task_path = 'practice.visit_batch.record_visits'"
BEACON_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36",
    "Sec-Fetch-Site": "same-origin",
    "Content-Type": "text/plain;charset=UTF-8",
}


def test_a_server_that_stops_queues_the_counts_it_holds(site_template, site_database, tmp_path):
    with processes.smtp_server() as smtp:
        environment = {
            **harness.environment(site_database, smtp.port, site_template.scratch),
            "VISIT_FLUSH_SECONDS": "3600",  # no flush but the one on the way out
        }
        with processes.gunicorn(environment, tmp_path / "gunicorn.log", workers=1) as url:
            page = request(url + PAGE)
            page_id = int(re.search(r'data-visit-page="(\d+)"', page.body)[1])
            before = harness.query(site_database, COUNTS, [page_id])[0][0]  # the demo's
            for _ in range(2):
                answer = request(
                    url + "/_visits/", "POST", headers=BEACON_HEADERS, body=b"%d" % page_id
                )
                assert answer.status == 204
            assert harness.query(site_database, JOBS)[0][0] == 0  # held in the process
        # gunicorn stopped with SIGTERM, its graceful stop.
        assert harness.query(site_database, JOBS)[0][0] == 1
        site.manage(environment, "db_worker", "--batch")
        assert harness.query(site_database, COUNTS, [page_id])[0][0] == before + 2
