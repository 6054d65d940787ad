"""The site the benchmarks run: a throwaway database on the same PostgreSQL server,
production settings with test values, and `manage.py` in a child.

Whatever it creates is dropped however the run ends; the processes come from
practice/processes.py.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import urllib.parse
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet
from django.conf import settings

BENCH_DATABASE_PREFIX = "practice_bench_"
NOTIFICATION_TASK = "contact.tasks.send_inquiry_notification"
NOTIFY_EMAIL = "therapist@practice.example"


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
        INQUIRY_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        LOG_LEVEL="WARNING",
    )
    return environment


def manage(environment: dict[str, str], *arguments: str) -> None:
    """Run `manage.py <arguments>` in a child with `environment`; raise if it fails."""
    run_python(environment, "manage.py", *arguments)


def run_python(environment: dict[str, str], *arguments: str) -> None:
    """Run `python <arguments>` in the project folder with `environment`; raise if it fails."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter, our own arguments
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{completed.stdout}{completed.stderr}")


@contextmanager
def scratch_directory():
    with tempfile.TemporaryDirectory(prefix="bench-") as path:
        yield Path(path)
