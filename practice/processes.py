"""Starting and stopping the site's processes: gunicorn, the task worker, a private
redis-server and an SMTP catcher on loopback.

One place for "start it, wait until it answers, stop it however things end", used by
`manage.py dev`, the benchmark (benchmarks/) and the fault tests (tests/faults/).
"""

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_python(arguments: list[str], environment: dict[str, str] | None, log: Path | None):
    """`python <arguments>` in the project folder as a child, its output added to `log`
    (or to this process's own output when `log` is None)."""
    if log is None:
        return subprocess.Popen(  # noqa: S603 - our own interpreter, our own arguments
            [sys.executable, *arguments], cwd=settings.BASE_DIR, env=environment
        )
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603 - our own interpreter, our own arguments
            [sys.executable, *arguments],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop_processes(
    processes: Iterable[subprocess.Popen], timeout: float = 15, *, signalled: bool = False
) -> None:
    """Stop children: ask (SIGTERM), then kill those still running after `timeout` seconds.

    `signalled`: Ctrl-C already reached them (they share the terminal's process group), so
    first give them `timeout` seconds to run their own exit handlers, which release their
    hold on the embedded database, before asking again."""
    processes = list(processes)
    if signalled:
        _wait_all(processes, timeout)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    _wait_all(processes, timeout)
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    stop_processes([process], timeout)


def _wait_all(processes: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            pass
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting, push harder
            return


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
        wait_until_healthy(server, f"{base_url}/healthz/", log, timeout)
        yield base_url
    finally:
        stop_process(server)


def wait_until_healthy(server: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{url} exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s:\n{log.read_text()}")


WORKER_ARGUMENTS = ["manage.py", "db_worker"]


@contextmanager
def worker(environment: dict[str, str] | None, log: Path | None, *options: str):
    """`manage.py db_worker <options>` as a child; yields the process, stopped at the end."""
    process = start_python([*WORKER_ARGUMENTS, *options], environment, log)
    try:
        yield process
    finally:
        stop_process(process)


class RedisServer:
    """A private redis-server on a free loopback port, which stop() and start() may take
    down and bring back. Its own server rather than the machine's: emptying it touches
    nobody else's keys, and nothing is left behind."""

    def __init__(self, cwd: Path | None = None):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        import redis

        if self.binary is None:
            raise RuntimeError("redis-server is not installed: `apt-get install redis-server`")
        self.process = subprocess.Popen(  # noqa: S603 - the system's redis-server, our arguments
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            try:
                redis.Redis.from_url(self.url, socket_timeout=1).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on {self.url} within {timeout} s")

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process, timeout=10)
        self.process = None


@contextmanager
def redis_server(scratch: Path):
    """Yields a REDIS_URL, or None when redis-server is not installed (the site then uses
    its in-process cache, one per worker)."""
    server = RedisServer(cwd=scratch)
    if server.binary is None:
        yield None
        return
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


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
    """An SMTP server (aiosmtpd, a development dependency) on one loopback port that can be
    stopped and started again there (a mail outage), keeping what `handler` (a
    MailCollector by default) collected."""

    def __init__(self, handler=None, port: int | None = None):
        self.handler = handler or MailCollector()
        self.port = port or free_port()
        self.controller = None

    @property
    def messages(self) -> list:
        return self.handler.messages

    def start(self) -> None:
        from aiosmtpd.controller import Controller

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


VARNISH_VCL = "varnish/default.vcl"


def varnish_site_vcl(backends: list[str], purgers: list[str]) -> str:
    """A site.vcl for varnish/default.vcl: round robin over `backends` ("host:port"), with
    PURGE and BAN allowed from the addresses in `purgers` only."""
    lines = ["vcl 4.1;", "import directors;"]
    for number, backend in enumerate(backends):
        host, port = backend.rsplit(":", 1)
        lines.append(f'backend web_{number} {{ .host = "{host}"; .port = "{port}"; }}')
    lines.append("acl purgers { " + " ".join(f'"{address}";' for address in purgers) + " }")
    lines.append("sub vcl_init { new web = directors.round_robin();")
    lines += [f"    web.add_backend(web_{number});" for number in range(len(backends))]
    lines.append("}")
    return "\n".join(lines) + "\n"


def varnish_binary() -> str | None:
    """varnishd, which Debian puts in /usr/sbin (not on every user's PATH)."""
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )


@contextmanager
def varnish(
    backends: list[str],
    scratch: Path,
    *,
    port: int | None = None,
    purgers: Iterable[str] = ("127.0.0.1",),
    timeout: float = 30,
):
    """varnishd with the repository's VCL in front of `backends` ("host:port") on a free
    loopback port, in the foreground as a child; yields its base URL once it answers.
    The VCL is the repository's own; only its site.vcl (backends, purgers) is written here."""
    binary = varnish_binary()
    if binary is None:
        raise RuntimeError("varnishd is not installed: `apt-get install varnish`")
    directory = scratch / f"varnish-{free_port()}"
    directory.mkdir()
    (directory / "site.vcl").write_text(varnish_site_vcl(backends, list(purgers)))
    port = port or free_port()
    log = directory / "varnishd.log"
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 - the system's varnishd, our arguments
            [binary, "-F", "-j", "none", "-n", str(directory / "work")]
            + ["-a", f"127.0.0.1:{port}", "-T", "none"]
            + ["-f", str(Path(settings.BASE_DIR) / VARNISH_VCL)]
            + ["-p", f"vcl_path={directory}", "-s", "malloc,32m"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"varnishd exited with {process.returncode}:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"varnishd did not listen within {timeout} s") from None
                time.sleep(0.1)
        yield base_url
    finally:
        stop_process(process)
