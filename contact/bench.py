"""The parts of `manage.py bench_contact`: a throwaway database, gunicorn, a mail catcher.

The benchmark posts the contact form through gunicorn (production settings, 2 workers) on
loopback, then runs the email worker against an SMTP server in this process. Everything
it starts is stopped, and the database it creates is dropped, however it ends.
"""

import logging
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller
from django.conf import settings

BENCH_DATABASE_PREFIX = "practice_bench_"
NOTIFICATION_TASK = "contact.tasks.send_inquiry_notification"
NOTIFY_EMAIL = "therapist@practice.example"


class MailCollector:
    """An aiosmtpd handler that keeps every message, or answers every DATA with `reply`."""

    def __init__(self):
        self.messages: list = []
        self.reply: str | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        self.messages.append(envelope)
        return "250 Message accepted"


class SmtpServer:
    """An SMTP server on one loopback port that can be stopped and started again there
    (a mail outage), keeping what `handler` (a MailCollector by default) collected."""

    def __init__(self, handler=None, port: int | None = None):
        self.handler = handler or MailCollector()
        self.port = port or free_port()
        self.controller = None

    @property
    def messages(self) -> list:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def smtp_server(handler=None):
    """A running SmtpServer on a free loopback port, stopped however the block ends."""
    server = SmtpServer(handler)
    # aiosmtpd logs every SMTP command at INFO: hundreds of lines per run.
    smtp_log = logging.getLogger("mail.log")
    previous_level = smtp_log.level
    smtp_log.setLevel(logging.WARNING)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        smtp_log.setLevel(previous_level)


def connect(config: dict, name: str) -> psycopg.Connection:
    """An autocommit connection to database `name` on the server of `config`."""
    return psycopg.connect(
        dbname=name,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )


def database_url(config: dict, name: str) -> str:
    """A DATABASE_URL for database `name` on the server of `config` (a DATABASES entry).
    A unix-socket directory goes in the host part, percent-encoded, as dj_database_url
    reads it."""
    quote = urllib.parse.quote
    user = quote(config.get("USER") or "", safe="")
    password = config.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = quote(config.get("HOST") or "127.0.0.1", safe="")
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgresql://{credentials}@{host}{port}/{name}"


def bench_databases(config: dict) -> list[str]:
    """Databases this module created and has not dropped yet (none, after a clean run)."""
    with connect(config, "postgres") as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
            [BENCH_DATABASE_PREFIX],
        ).fetchall()
    return [row[0] for row in rows]


@contextmanager
def throwaway_database(config: dict, template: str | None = None):
    """A new database on the server of `config`, empty or a copy of database `template`
    (which nobody may be connected to); yields (its name, its DATABASE_URL)."""
    name = f"{BENCH_DATABASE_PREFIX}{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with connect(config, "postgres") as connection:
        connection.execute(f'CREATE DATABASE "{name}"{copy_of}')
    try:
        yield name, database_url(config, name)
    finally:
        with connect(config, "postgres") as connection:
            # FORCE ends connections a killed child may have left open.
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count_rows(url: str) -> dict[str, int]:
    """Inquiries, spam among them, and notification jobs in the database at `url`."""
    from django_tasks_db.models import DBTaskResult

    from contact.models import Inquiry

    inquiries = Inquiry._meta.db_table
    jobs = DBTaskResult._meta.db_table
    with psycopg.connect(url, autocommit=True) as connection:
        total, spam = connection.execute(
            f"SELECT count(*), count(*) FILTER (WHERE status = %s) FROM {inquiries}",  # noqa: S608
            [Inquiry.Status.SPAM],
        ).fetchone()
        (notifications,) = connection.execute(
            f"SELECT count(*) FROM {jobs} WHERE task_path = %s",  # noqa: S608
            [NOTIFICATION_TASK],
        ).fetchone()
    return {"inquiries": total, "spam": spam, "jobs": notifications}


def server_environment(database: str, smtp_port: int, scratch: Path) -> dict[str, str]:
    """Production settings with test values, for gunicorn and every manage.py child."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "WEB_CONCURRENCY", "PORT", "EMAIL_HOST_USER"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="practice.settings.production",
        SECRET_KEY=f"bench-{secrets.token_hex(32)}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database,
        SECURE_SSL_REDIRECT="false",
        INQUIRY_RATE_LIMIT="0",  # every client comes from 127.0.0.1
        INQUIRY_MIN_SUBMIT_SECONDS="0",  # the clients post as soon as the form loads
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS="false",
        INQUIRY_NOTIFY_EMAILS=NOTIFY_EMAIL,
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        LOG_LEVEL="WARNING",
    )
    return environment


def manage(environment: dict[str, str], *arguments: str) -> None:
    """Run `manage.py <arguments>` in a child with `environment`; raise if it fails."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(arguments)} failed:\n{completed.stdout}{completed.stderr}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_python(arguments: list[str], environment: dict[str, str], log: Path):
    """`python <arguments>` in the project folder as a child, its output added to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603 - our own interpreter, our own arguments
            [sys.executable, *arguments],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask a child to stop, and kill it if it has not within `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def gunicorn(environment: dict[str, str], log: Path, *, workers: int = 2, timeout: float = 60):
    """gunicorn with the production config on a free loopback port; yields its base URL
    once /healthz/ answers 200."""
    port = free_port()
    server = start_python(
        [
            "-m",
            "gunicorn",
            "--config",
            "python:practice.gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            os.devnull,
            "practice.wsgi",
        ],
        environment,
        log,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(server, f"{base_url}/healthz/", log, timeout)
        yield base_url
    finally:
        stop_process(server)


def _wait_until_healthy(server: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s:\n{log.read_text()}")


@contextmanager
def scratch_directory():
    with tempfile.TemporaryDirectory(prefix="bench-contact-") as path:
        yield Path(path)
