"""`make run` stopped abruptly (a laptop shutting down, a terminal killed): every process
of it is signalled, the embedded PostgreSQL server too, in several orders, and then
`make run` and `make test` start again. The real `manage.py dev` runs as a child in its
own process group, on a data folder of this module's own (EMBEDDED_POSTGRES_DIR) and
without DATABASE_URL. The first start migrates a new database and takes a minute; each
later one takes seconds."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from practice.embedded_repair import read_handles

from .embedded_server import (
    BASE_DIR,
    environment,
    postmaster_pid,
    start_like_make_test,
    stop_everything,
    wait_until,
)

APPS = "apps"  # manage.py dev, runserver (both of its processes) and db_worker
SERVER = "postmaster"
THEN = "then"  # a moment passes between two signals; without it they are sent at once

ORDERS = {
    # The reported case: Ctrl-C reaches every process, and the server stops too.
    "sigint-everything-at-once": [(APPS, signal.SIGINT), (SERVER, signal.SIGINT)],
    "sigterm-server-then-kill-apps": [(SERVER, signal.SIGTERM), THEN, (APPS, signal.SIGKILL)],
    "kill-apps-and-sigterm-server-at-once": [(APPS, signal.SIGKILL), (SERVER, signal.SIGTERM)],
    "kill-apps-then-sigint-server": [(APPS, signal.SIGKILL), THEN, (SERVER, signal.SIGINT)],
    "kill-everything": [(SERVER, signal.SIGKILL), (APPS, signal.SIGKILL)],
}
# Each start of `manage.py dev` takes seconds (many on a busy machine), and the start
# that recovers from one order is the site the next order stops: the orders are shared
# out between the two start-ups rather than each tried with both.
# (A server left running by killed apps: test_embedded_repair.py.)
MAKE_RUN_ORDERS = [
    "sigint-everything-at-once",
    "kill-apps-and-sigterm-server-at-once",
    "kill-apps-then-sigint-server",
    "kill-everything",
]
MAKE_TEST_ORDERS = ["sigint-everything-at-once", "sigterm-server-then-kill-apps"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DevSite:
    """`manage.py dev` as `make run` starts it."""

    def __init__(self, folder: Path):
        self.pgdata = folder / "pg"
        self.log = folder / "dev.log"
        self.env = environment(
            self.pgdata,
            MEDIA_ROOT=str(folder / "media"),
            # An admin of the test's own: without one, ensure_admin writes a password
            # into the checkout's .data/.
            DJANGO_SUPERUSER_USERNAME="admin",
            DJANGO_SUPERUSER_PASSWORD="abrupt-stop-test-password",
            PYTHONUNBUFFERED="1",
        )
        self.process = None

    def start(self, timeout: float = 600) -> None:
        port = free_port()
        with self.log.open("a") as log:
            log.write(f"\n=== manage.py dev on port {port}\n")
            log.flush()
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "dev", "--addrport", f"127.0.0.1:{port}"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not self.serves(port):
            if self.process.poll() is not None:
                raise AssertionError(f"manage.py dev exited:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"manage.py dev did not serve in {timeout} s:\n{self.tail()}")
            time.sleep(0.5)

    @staticmethod
    def serves(port: int) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                return response.status == 200
        except OSError:
            return False

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, target: str, how: signal.Signals) -> None:
        if target == APPS:
            os.killpg(self.process.pid, how)
        else:
            os.kill(postmaster_pid(self.pgdata), how)

    def stop_abruptly(self, order: list) -> None:
        server = psutil.Process(postmaster_pid(self.pgdata))
        for step in order:
            if step == THEN:
                time.sleep(1)
            else:
                self.signal(*step)
        # Whatever the apps do on the way out (Ctrl-C lets them run their exit
        # handlers), they are all gone before `make run` is typed again.
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        wait_until(lambda: not self.group_alive(), "every app process is gone")
        if (SERVER, signal.SIGKILL) in order or (SERVER, signal.SIGINT) in order:
            wait_until(lambda: not server.is_running(), "the server is gone")

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self) -> None:
        if self.process is not None and self.group_alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        stop_everything(self.pgdata)

    def tail(self) -> str:
        return "\n".join(self.log.read_text().splitlines()[-40:])


@pytest.fixture(scope="module")
def dev_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("abrupt-stop")
    os.chmod(folder, 0o755)  # as root, the server runs as a user of its own
    site = DevSite(folder)
    yield site
    site.stop()


@pytest.fixture
def serving_site(dev_site):
    if not dev_site.running():
        dev_site.start()
    return dev_site


def assert_handle_list_readable(pgdata: Path) -> None:
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        assert isinstance(read_handles(handles), list)
        assert handles.read_text().startswith("[")


@pytest.mark.parametrize("order", MAKE_RUN_ORDERS)
def test_make_run_starts_again_after_an_abrupt_stop(serving_site, order):
    serving_site.stop_abruptly(ORDERS[order])
    serving_site.start(timeout=180)  # and it serves the home page
    assert_handle_list_readable(serving_site.pgdata)


@pytest.mark.parametrize("order", MAKE_TEST_ORDERS)
def test_make_test_starts_again_after_an_abrupt_stop(serving_site, order):
    serving_site.stop_abruptly(ORDERS[order])
    result = start_like_make_test(serving_site.pgdata)
    assert result.returncode == 0, result.stderr
    assert_handle_list_readable(serving_site.pgdata)
