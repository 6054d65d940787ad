"""Load from wrk (Debian's `wrk` package), a separate process on loopback, and its figures.

A Lua script counts the answers by status (wrk itself only counts those outside 2xx and
3xx), and for a form it sends one fixed body with a CSRF cookie and token obtained first.
"""

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

WRK_MISSING = "wrk is not installed: `apt-get install wrk` (Debian's package) and try again."

# Per-thread status counts, collected from every thread when the run is done.
COUNT_STATUSES = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("status %d %d\\n", status, count))
    end
  end
end
"""

POST_FORM = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = {cookie}
"""

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class WrkResult:
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    statuses: dict[int, int] = field(default_factory=dict)

    def failed(self, expected: int) -> int:
        """Answers other than `expected`, and connections that failed."""
        return self.socket_errors + sum(
            count for status, count in self.statuses.items() if status != expected
        )

    def figures(self, expected: int) -> dict:
        return {**asdict(self), "failed": self.failed(expected)}


def wrk_binary() -> str:
    binary = shutil.which("wrk")
    if binary is None:
        raise FileNotFoundError(WRK_MISSING)
    return binary


def lua_string(text: str) -> str:
    """`text` as a Lua string literal: long brackets need no escaping of what is inside."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def write_script(path: Path, *, body: str | None = None, cookie: str = "") -> Path:
    script = COUNT_STATUSES
    if body is not None:
        script = POST_FORM.format(body=lua_string(body), cookie=lua_string(cookie)) + script
    path.write_text(script)
    return path


def run_wrk(url: str, script: Path, *, seconds: float, connections: int, threads: int = 2):
    """wrk with `connections` concurrent clients for `seconds` (at least one)."""
    completed = subprocess.run(  # noqa: S603 - wrk from the system, our own arguments
        [
            wrk_binary(),
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}:\n{completed.stdout}{completed.stderr}")
    return parse(completed.stdout)


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def parse(output: str) -> WrkResult:
    requests, duration = re.search(r"(\d+) requests in (\S+),", output).groups()
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests=int(requests),
        seconds=_milliseconds(duration) / 1000,
        per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        p99_ms=_milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        # wrk counts a read error when the server closes the connection after answering;
        # gunicorn's sync workers always do, so only the others mean failed requests.
        socket_errors=(
            sum(int(n) for i, n in enumerate(socket_errors.groups()) if i != 1)
            if socket_errors
            else 0
        ),
        statuses=_statuses(output),
    )


def _statuses(output: str) -> dict[int, int]:
    """The answers by status, summed over wrk's threads (each prints its own)."""
    totals: dict[int, int] = {}
    for status, count in re.findall(r"^status (\d+) (\d+)$", output, re.M):
        totals[int(status)] = totals.get(int(status), 0) + int(count)
    return totals
