"""A private Redis on a free loopback port, for the benchmark and the cache-loss tests.

Its own server rather than the machine's: emptying the cache for the benchmark's "cold"
figures then touches nobody else's keys, a test may stop and start it, and nothing is
left behind.
"""

import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import redis

from contact.bench import free_port, stop_process


class RedisServer:
    """redis-server on one port, which stop() and start() may take down and bring back."""

    def __init__(self, cwd: Path | None = None):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
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
