"""Jobs of dead workers are queued again; jobs of live workers are left alone.
(tests/faults/test_worker_crash.py kills a real worker process.)"""

import pytest
from django_tasks_db.models import DBTaskResult

from contact.tasks import send_inquiry_notification
from practice.task_recovery import LivenessLock, WorkerIdInUse, requeue_orphaned_jobs

pytestmark = pytest.mark.django_db


def running_job(worker_id: str) -> DBTaskResult:
    result = send_inquiry_notification.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", worker_ids=[worker_id])
    return DBTaskResult.objects.get(pk=result.id)


def test_only_the_jobs_of_workers_without_their_lock_are_queued_again():
    alive = LivenessLock("worker-alive")
    alive.hold()  # its own connection, as a worker process holds it
    try:
        kept = running_job("worker-alive")
        orphaned = running_job("worker-gone")
        assert requeue_orphaned_jobs() == 1
    finally:
        alive.release()
    kept.refresh_from_db()
    orphaned.refresh_from_db()
    assert (kept.status, orphaned.status) == ("RUNNING", "READY")
    assert orphaned.worker_ids == ["worker-gone"]  # its history stays


def test_a_worker_id_in_use_is_refused():
    first = LivenessLock("worker-twice")
    first.hold()
    try:
        with pytest.raises(WorkerIdInUse):
            LivenessLock("worker-twice").hold()
        first.hold()  # checking a lock it holds keeps it
    finally:
        first.release()
