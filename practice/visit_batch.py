"""Visit counts on their way to the database: added up in the process, written by the worker.

A beacon (practice/visits.py) only adds one to a number in this process's memory, under
a lock: no database, no cache, no network. Every VISIT_FLUSH_SECONDS a thread of the
process takes the numbers collected so far (swapping in an empty table under the same
lock, so an increment lands either in the batch taken or in the next one, never in
neither) and queues them as one `record_visits` job, which the task worker
(`manage.py db_worker`) adds to the rows of VisitCount with one upsert. So the database
sees one small job per server process per minute at most, however busy the site.

Process memory rather than the cache: it works the same with the in-process cache (which
the worker could not see) and with Redis, and costs a beacon no round trip. What is at
risk is what a process holds when it dies without warning (SIGKILL, power loss): at most
VISIT_FLUSH_SECONDS of its counts. A process that stops normally (gunicorn's graceful
stop, Ctrl-C) queues what it holds on the way out. A batch the database refuses (it is
down) is kept and tried again with the next one.

A job can run twice if its worker is killed between writing and finishing
(practice/task_recovery.py); its counts are then added twice. Counts are approximate
by nature (blocked scripts, robots that run JavaScript), and this is rarer still.
"""

import atexit
import datetime
import logging
import os
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pending: Counter[tuple[str, int]] = Counter()
_flusher: threading.Thread | None = None


def add(page_id: int) -> None:
    """One view of the page today, in the practice's time zone (TIME_ZONE)."""
    key = (timezone.localdate().isoformat(), page_id)
    with _lock:
        _pending[key] += 1
    if _flusher is None and settings.VISIT_FLUSH_SECONDS > 0:
        _start_flusher()


def take() -> list[list]:
    """Everything counted so far, as [date, page id, count] rows; the table starts empty."""
    global _pending
    with _lock:
        taken, _pending = _pending, Counter()
    return [[date, page, count] for (date, page), count in sorted(taken.items())]


def put_back(rows: list[list]) -> None:
    with _lock:
        for date, page, count in rows:
            _pending[(date, page)] += count


def flush() -> int:
    """Queue what was counted as one job for the worker; the number of views queued."""
    rows = take()
    if not rows:
        return 0
    try:
        with transaction.atomic():
            record_visits.enqueue(rows)
    except DatabaseError:
        put_back(rows)
        logger.warning("Visit counts could not be queued; keeping them for the next try.")
        return 0
    return sum(count for _, _, count in rows)


@task()
def record_visits(rows: list[list]) -> None:
    """Runs in the worker: adds each row's count to its (date, page) row, in one statement.
    Rows of pages deleted since are dropped."""
    dates = [datetime.date.fromisoformat(date) for date, _, _ in rows]
    pages = [int(page) for _, page, _ in rows]
    counts = [int(count) for _, _, count in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO practice_visitcount (date, page_id, count)
            SELECT batch.date, batch.page_id, sum(batch.count)
            FROM unnest(%s::date[], %s::integer[], %s::integer[]) AS batch(date, page_id, count)
            JOIN wagtailcore_page ON wagtailcore_page.id = batch.page_id
            GROUP BY batch.date, batch.page_id
            ON CONFLICT (date, page_id)
            DO UPDATE SET count = practice_visitcount.count + EXCLUDED.count
            """,
            [dates, pages, counts],
        )


def _start_flusher() -> None:
    global _flusher
    with _lock:
        if _flusher is not None:
            return
        _flusher = threading.Thread(target=_flush_forever, name="visit-counts", daemon=True)
        _flusher.start()
    atexit.register(_flush_on_exit)


def _flush_forever() -> None:
    while True:
        time.sleep(settings.VISIT_FLUSH_SECONDS)
        try:
            flush()
        except Exception:  # the thread must live on: the next flush may succeed
            logger.exception("Visit counts could not be flushed.")
        finally:
            connection.close()  # this thread's own connection; a fresh one next time


def _flush_on_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 - the process is stopping anyway
        logger.warning("Visit counts could not be queued at exit.")


def _forget_after_fork() -> None:
    """A forked child does not own its parent's counts (the parent queues them) nor its
    thread (threads do not survive a fork)."""
    global _lock, _pending, _flusher
    _lock = threading.Lock()
    _pending = Counter()
    _flusher = None


os.register_at_fork(after_in_child=_forget_after_fork)
