"""Shared pieces for the contact tests: a real SMTP server on loopback, the worker,
and valid form data."""

import logging
import time
from contextlib import contextmanager

import pytest
from django.core import signing
from django_tasks_db.management.commands.db_worker import Worker

from contact import spam
from contact.models import ContactPage
from practice.processes import SmtpServer


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server that the smtp EmailBackend talks to."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.INQUIRY_NOTIFY_EMAILS = ["therapist@practice.example", "office@practice.example"]
    settings.INQUIRY_NOTIFY_RETRY_DELAYS = [0]
    yield server
    server.stop()


def run_worker(max_tasks: int | None = None) -> None:
    """What `manage.py db_worker --batch` does, without installing signal handlers."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def contact_page(demo_site) -> ContactPage:
    return ContactPage.objects.get()


def form_data(**overrides) -> dict:
    """A submission that passes every check: rendered a minute ago, honeypot empty."""
    data = {
        "name": "Alex Rivera",
        "email": "alex.rivera@example.com",
        "phone": "+1 (555) 010-2000",
        "preferred_contact": "email",
        "client_type": "new",
        "message": "I would like to ask whether you have openings for weekly sessions.",
        "acknowledge": "on",
        "website": "",
        "rendered_at": spam.sign_render_time(time.time() - 60),
    }
    data.update(overrides)
    return data


def render_token_signed_ago(seconds: float) -> str:
    """A render-time token as sign_render_time() made it `seconds` ago."""

    class SignedThen(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - seconds))

    return SignedThen(salt=spam.RENDERED_AT_SALT).sign_object(round(time.time() - seconds, 3))


def notification_jobs():
    """Wagtail enqueues its own tasks (search and reference index); count only ours."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="contact.tasks.send_inquiry_notification")


@contextmanager
def captured_logs():
    """Every log record, formatted, that any logger emits at DEBUG and above: every logger
    is opened to DEBUG, and the records are collected at the root and at the loggers that
    do not pass them up to it, such as django.request (the suite runs with -p no:logging,
    so pytest's caplog is not available)."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Collect(level=logging.DEBUG)
    root = logging.getLogger()
    loggers = [root] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    previous_levels = [logger.level for logger in loggers]
    collecting = [logger for logger in loggers if logger is root or not logger.propagate]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger in collecting:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in collecting:
            logger.removeHandler(handler)
        for logger, level in zip(loggers, previous_levels, strict=True):
            logger.setLevel(level)
