"""A private Redis for the benchmark, as production shares one between its workers.

Its own server on a free loopback port, rather than the machine's: emptying the cache for
the "cold" figures then touches nobody else's keys, and nothing is left behind.
"""

import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import redis

from contact.bench import free_port


@contextmanager
def redis_server(scratch: Path, *, timeout: float = 10):
    """Yields a REDIS_URL, or None when redis-server is not installed (the site then uses
    its in-process cache, one per worker)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - the system's redis-server, our own arguments
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=scratch,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for(server, url, timeout)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(server: subprocess.Popen, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"redis-server exited with {server.returncode}")
        try:
            redis.Redis.from_url(url, socket_timeout=1).ping()
            return
        except redis.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer on {url} within {timeout} s")
