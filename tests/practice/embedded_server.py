"""The embedded PostgreSQL server as `make run` and `make test` start it, in a data
folder of a test's own (EMBEDDED_POSTGRES_DIR), from child processes: the server stops
when the last process using it exits, which the test process must not be."""

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
from django.conf import settings

from practice.embedded_repair import server_processes

BASE_DIR = Path(settings.BASE_DIR)

# What `make test` does first: pytest loads the test settings, which start (or join) the
# embedded server; then a query.
CONNECT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    print("connected", flush=True)
    """
)


def environment(pgdata: Path, **extra: str) -> dict[str, str]:
    """This process's environment without DATABASE_URL (CI sets it) or pytest's
    settings module, with the embedded server's data in `pgdata`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["EMBEDDED_POSTGRES_DIR"] = str(pgdata)
    env.update(extra)
    return env


def start_like_make_test(pgdata: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """A process that starts the server with the test settings, queries it and exits
    (stopping the server if it was the last user)."""
    return subprocess.run(
        [sys.executable, "-c", CONNECT],
        cwd=BASE_DIR,
        env=environment(pgdata, DJANGO_SETTINGS_MODULE="practice.settings.test"),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def hold_server(pgdata: Path) -> subprocess.Popen:
    """A process using the server until it is killed; returns once it is connected."""
    holder = subprocess.Popen(
        [sys.executable, "-c", CONNECT + "import time\ntime.sleep(3600)\n"],
        cwd=BASE_DIR,
        env=environment(pgdata, DJANGO_SETTINGS_MODULE="practice.settings.test"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = holder.stdout.readline()
    if line.strip() != "connected":
        holder.kill()
        raise AssertionError(f"the server did not start: {holder.stderr.read()}")
    return holder


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout} s waiting until {what}")
        time.sleep(0.1)


def stop_everything(pgdata: Path) -> None:
    """However a test ended, no server of its folder is left running."""
    processes = server_processes(pgdata)
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.send_signal(signal.SIGKILL)
    psutil.wait_procs(processes, timeout=10)
