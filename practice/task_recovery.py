"""Jobs a dead task worker left behind, found and queued again.

django-tasks-db marks a job RUNNING when a worker claims it and only the same worker
marks it finished. A worker killed in between (out of memory, SIGKILL, a lost host)
leaves the job RUNNING for ever: nothing would ever run it again. So each worker holds
a PostgreSQL advisory lock named after its worker id, on a connection of its own, for
as long as it lives. PostgreSQL releases the lock the moment that connection ends,
which a killed process cannot prevent. A RUNNING job whose worker's lock is free has
no worker: it is set back to READY, and the next worker runs it from the start.

A job can therefore run twice (at least once, never lost), so tasks must be safe to
repeat; contact.notifications.deliver is (see its docstring for the one narrow window).
"""

import hashlib
import logging
import threading

import psycopg
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def lock_key(worker_id: str) -> int:
    """The advisory lock of one worker id: 64 bits of its hash, as PostgreSQL's bigint."""
    digest = hashlib.blake2b(f"db_worker:{worker_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class WorkerIdInUse(RuntimeError):
    """Another session holds this worker id's lock."""


class LivenessLock:
    """The lock that says "worker <id> is alive", on a connection used for nothing else
    (the worker's own connection is closed and reopened as CONN_MAX_AGE says)."""

    def __init__(self, worker_id: str, using: str = DEFAULT_DB_ALIAS):
        self.worker_id = worker_id
        self.using = using
        self._connection: psycopg.Connection | None = None
        # hold() runs in the worker's thread at start, then in the keeper thread.
        self._mutex = threading.Lock()

    def hold(self) -> None:
        """Take the lock, or check that it is still held and take it again after the
        connection was lost (a database restart ends every session)."""
        with self._mutex:
            if self._connection is not None:
                try:
                    self._connection.execute("SELECT 1")
                    return
                except psycopg.Error:
                    self.release()
            wrapper = connections.create_connection(self.using)
            parameters = wrapper.get_connection_params()
            parameters["application_name"] = f"db_worker {self.worker_id}"[:63]
            connection = wrapper.get_new_connection(parameters)
            connection.autocommit = True
            taken = connection.execute(
                "SELECT pg_try_advisory_lock(%s)", [lock_key(self.worker_id)]
            ).fetchone()[0]
            if not taken:
                connection.close()
                raise WorkerIdInUse(
                    f"Another worker holds the id {self.worker_id!r}: worker ids must be unique."
                )
            self._connection = connection

    def release(self) -> None:
        """Close the connection, and with it the lock (as a worker's exit does)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def requeue_orphaned_jobs(using: str = DEFAULT_DB_ALIAS) -> int:
    """Set every RUNNING job whose worker holds no liveness lock back to READY; returns
    how many. Safe to run from several workers at once: each job row is locked while it
    is looked at, and a job another sweep has locked is skipped."""
    with transaction.atomic(using=using):
        running = (
            DBTaskResult.objects.using(using)
            .running()
            .select_for_update(skip_locked=True)
            .only("id", "worker_ids")
        )
        orphaned = [job.pk for job in running if not _worker_alive(job.worker_ids, using)]
        if orphaned:
            DBTaskResult.objects.using(using).filter(pk__in=orphaned).update(
                status=TaskResultStatus.READY
            )
    for job_id in orphaned:
        logger.warning("Task %s was left running by a worker that is gone; queued again", job_id)
    return len(orphaned)


def _worker_alive(worker_ids: list[str], using: str) -> bool:
    if not worker_ids:
        return False
    # Taken for this transaction only: if it can be taken, nobody holds it.
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(worker_ids[-1])])
        return not cursor.fetchone()[0]


class LivenessKeeper(threading.Thread):
    """Every `interval` seconds: make sure the lock is still held, then requeue what
    workers that died since left behind (so one surviving worker recovers the jobs of
    the others without waiting for a restart)."""

    def __init__(self, lock: LivenessLock, interval: float):
        super().__init__(name="db_worker liveness", daemon=True)
        self.lock = lock
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.lock.hold()
                requeue_orphaned_jobs(self.lock.using)
            except (DatabaseError, psycopg.Error, WorkerIdInUse) as error:
                # The database is away (the worker's own loop fails and says so), or the
                # server has not yet noticed that this worker's previous session ended.
                logger.warning("Liveness check failed with %s; retrying", type(error).__name__)
            finally:
                # This thread's connection: a fresh one each round, since the last may be dead.
                connections[self.lock.using].close()
