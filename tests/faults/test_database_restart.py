"""PostgreSQL restarts while visitors use the site: meanwhile every page that needs the
database is a 503 in the site's style (never a traceback or a 500), a page already in the
whole-page cache is still served from it, and so is a page whose every part is in the cache
(the contact form: its route, privacy check and the site's details), /healthz/ says 503,
nothing half-written is stored, and afterwards the site serves again without being
restarted itself."""

import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from benchmarks.loadtest import SUBMITTED_MARKERS, ContactClient
from practice import processes
from tests.faults import harness
from tests.faults.postgres import controlled_postgres

# The test works in copies of the test database; the mark has pytest-django create it.
pytestmark = pytest.mark.django_db

PAGES = ["/", harness.CONTACT_PATH, "/articles/", "/about/"]
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]+\.css)">')


def fetch(url: str) -> tuple[int, dict, str]:
    """Status, headers and body of a GET; an error status is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Visitors(threading.Thread):
    """Page views and contact submissions, one after another until stopped; every answer
    is counted as (method, status), and anything that is not an HTTP answer kept."""

    def __init__(self, base_url: str):
        super().__init__(daemon=True)
        self.base_url = base_url
        self.form = ContactClient(base_url + harness.CONTACT_PATH, number=1)
        self.form.load_form()
        self.answers: Counter = Counter()
        self.failures: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                for path in PAGES:
                    self.answers["GET", fetch(self.base_url + path)[0]] += 1
                self.answers["POST", self.form.submit()] += 1
            except OSError as error:  # reset, refused, timed out: no answer at all
                self.failures.append(repr(error))
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)


def assert_styled_503(base_url: str, path: str, answer: tuple | None = None) -> None:
    """`answer` is what fetch() gave for `path`: asked again, another worker may answer."""
    status, headers, body = answer or fetch(base_url + path)
    assert status == 503, path
    assert headers["Retry-After"] == "30", path
    assert "no-store" in headers["Cache-Control"], path
    assert "<h1>Temporarily unavailable</h1>" in body, path
    assert "Traceback" not in body, path
    # The site's own stylesheet, served without the database.
    stylesheet = STYLESHEET.search(body)
    assert stylesheet, path
    assert fetch(base_url + stylesheet[1])[0] == 200


def test_a_database_restart_is_a_styled_503_and_the_site_recovers_by_itself(
    site_template, site_database, tmp_path
):
    log = tmp_path / "gunicorn.log"
    with controlled_postgres() as postgres, processes.smtp_server() as smtp:
        postgres.restore(site_database, "practice")
        database = postgres.url("practice")
        environment = harness.environment(database, smtp.port, site_template.scratch)
        with processes.gunicorn(environment, log) as url:
            visitor = ContactClient(url + harness.CONTACT_PATH)
            visitor.load_form()
            assert visitor.submit() == 303
            visitors = Visitors(url)
            visitors.start()
            try:
                harness.wait_until(lambda: visitors.answers["POST", 303] > 0, "visitors post")
                postgres.stop()

                # The page cache neither serves nor stores a query string it does not know:
                # this is the page rendered afresh. The article index reads its articles.
                assert_styled_503(url, "/articles/?during-the-outage")
                for path in PAGES:
                    for address in (f"{path}?during-the-outage", path):
                        answer = fetch(url + address)
                        if answer[0] == 200:  # from the page cache, or rendered from caches
                            assert "<h1>Temporarily unavailable</h1>" not in answer[2], address
                        else:
                            assert_styled_503(url, address, answer)
                status, _, body = fetch(url + "/healthz/")
                assert (status, body) == (503, '{"status": "unavailable", "database": "down"}')
                assert visitor.submit() == 503
                harness.wait_until(lambda: visitors.answers["POST", 503] > 0, "visitors meet it")

                postgres.start()
                harness.wait_until(
                    lambda: fetch(url + "/healthz/")[0] == 200, "the site serves again"
                )
                posted = visitors.answers["POST", 303]
                harness.wait_until(
                    lambda: visitors.answers["POST", 303] > posted, "visitors post again"
                )
            finally:
                visitors.stop()

            # Whichever gunicorn worker answers, it is back.
            for _ in range(5):
                for path in [*PAGES, "/healthz/"]:
                    assert fetch(url + path)[0] == 200, path
            assert visitor.submit() == 303

        assert visitors.failures == []
        assert {status for _, status in visitors.answers} <= {200, 303, 503}
        stored = harness.inquiry_states(database).total()
        posts = sum(count for (method, _), count in visitors.answers.items() if method == "POST")
        # Each post stored with its job or not at all; a post cut off by the shutdown after its
        # commit may have stored an inquiry and still been answered 503.
        assert visitors.answers["POST", 303] + 2 <= stored <= posts + 2
        assert harness.inquiries_without_a_job(database) == 0
        assert harness.jobs_without_an_inquiry(database) == 0
        server_log = log.read_text()
        assert "Internal Server Error" not in server_log
        for marker in SUBMITTED_MARKERS:
            assert marker not in server_log
