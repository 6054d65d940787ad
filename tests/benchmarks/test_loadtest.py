"""benchmarks.loadtest (used by the benchmark) against a real threaded HTTP server."""

import pytest

from benchmarks.loadtest import LoadResult, submit_many
from contact.models import Inquiry
from tests.contact.conftest import notification_jobs


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_submit_many_stores_every_submission_with_one_job_each(live_server, demo_site, settings):
    settings.INQUIRY_RATE_LIMIT = 0  # every client comes from 127.0.0.1
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 1
    result = submit_many(f"{live_server.url}/contact/", total=12, concurrency=4, min_seconds=1)
    assert result.statuses == {303: 12}
    assert result.sent == 12
    assert result.per_second > 0
    assert len(result.latencies) == 12
    assert 0 < result.percentile(50) <= result.percentile(99) <= max(result.latencies)
    assert Inquiry.objects.filter(status=Inquiry.Status.NEW).count() == 12
    assert notification_jobs().count() == 12


def test_submit_many_refuses_other_schemes():
    with pytest.raises(ValueError, match="Not an HTTP URL"):
        submit_many("file:///etc/passwd", total=1, concurrency=1)


def test_percentiles_of_the_latencies():
    result = LoadResult(latencies=[n / 100 for n in range(1, 101)])  # 0.01 s ... 1.00 s
    assert result.percentile(50) == pytest.approx(0.505)
    assert result.percentile(99) == pytest.approx(0.9901)
    assert LoadResult(latencies=[0.2]).percentile(99) == 0.2
    assert LoadResult().percentile(50) == 0.0
