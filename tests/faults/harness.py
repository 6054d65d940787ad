"""What the fault tests share: their environment, the task worker as a child process,
polling, and questions to a test's database."""

import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import psycopg
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from benchmarks import site
from contact.models import Inquiry
from practice import processes

CONTACT_PATH = "/contact/"  # where seed_demo puts the contact page

# Retries after a second instead of minutes, enough attempts to outlast any outage a test
# makes, and an SMTP timeout longer than a test waits, so that only the faults a test
# makes can end an attempt.
FAULT_SETTINGS = {
    "INQUIRY_NOTIFY_RETRY_DELAYS": "1",
    "INQUIRY_NOTIFY_MAX_ATTEMPTS": "1000",
    "EMAIL_TIMEOUT": "300",
}


def environment(database_url: str, smtp_port: int, scratch: Path) -> dict[str, str]:
    """Production settings for gunicorn and the worker of one test."""
    return {**site.server_environment(database_url, smtp_port, scratch), **FAULT_SETTINGS}


def worker(environment: dict[str, str], log: Path):
    """`manage.py db_worker` in a child process, polling often and looking for jobs of
    dead workers every second; yields the process, stopped (or killed) at the end."""
    return processes.worker(
        environment,
        log,
        *("--no-reload", "--no-startup-delay", "--interval", "0.2", "--recovery-interval", "1"),
    )


def wait_until(condition, what: str, timeout: float = 120) -> None:
    """Poll `condition` until it is true; fail with `what` after `timeout` seconds (far
    more than any of it takes, so that a busy machine does not fail the test)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout} s waiting until {what}")
        time.sleep(0.2)


def query(url: str, statement: str, parameters=()) -> list[tuple]:
    """Run `statement`, where {inquiries} and {jobs} stand for those tables."""
    composed = sql.SQL(statement).format(
        inquiries=sql.Identifier(Inquiry._meta.db_table),
        jobs=sql.Identifier(DBTaskResult._meta.db_table),
    )
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(composed, parameters).fetchall()


def inquiry_states(url: str) -> Counter:
    """How many inquiries are in each notification state."""
    rows = query(url, "SELECT notification_state, count(*) FROM {inquiries} GROUP BY 1")
    return Counter(dict(rows))


def notification_job_states(url: str) -> Counter:
    statement = "SELECT status, count(*) FROM {jobs} WHERE task_path = %s GROUP BY 1"
    return Counter(dict(query(url, statement, [site.NOTIFICATION_TASK])))


def inquiries_without_a_job(url: str) -> int:
    """Inquiries stored without their notification job: none, if both commit together."""
    statement = (
        "SELECT count(*) FROM {inquiries} AS inquiry WHERE NOT EXISTS ("
        " SELECT 1 FROM {jobs} WHERE task_path = %s"
        " AND args_kwargs -> 'args' -> 0 = to_jsonb(inquiry.id))"
    )
    return query(url, statement, [site.NOTIFICATION_TASK])[0][0]


def jobs_without_an_inquiry(url: str) -> int:
    statement = (
        "SELECT count(*) FROM {jobs} AS job WHERE task_path = %s AND NOT EXISTS ("
        " SELECT 1 FROM {inquiries} WHERE to_jsonb(id) = job.args_kwargs -> 'args' -> 0)"
    )
    return query(url, statement, [site.NOTIFICATION_TASK])[0][0]


def expected_subjects(url: str) -> Counter:
    """One "New inquiry #<id>" for every inquiry stored."""
    ids = query(url, "SELECT id FROM {inquiries}")
    return Counter(f"New inquiry #{inquiry_id}" for (inquiry_id,) in ids)


def received_subjects(messages) -> Counter:
    return Counter(message_from_bytes(envelope.content)["Subject"] for envelope in messages)


def all_delivered(url: str) -> bool:
    """Every inquiry notified and no notification job waiting or running: nothing more
    can be sent."""
    jobs = notification_job_states(url)
    states = inquiry_states(url)
    return set(states) == {"sent"} and not jobs["READY"] and not jobs["RUNNING"]
