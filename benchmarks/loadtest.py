"""Concurrent contact-form submissions over HTTP, for the benchmark script.

    from benchmarks.loadtest import submit_many
    result = submit_many("http://127.0.0.1:8000/contact/", total=500, concurrency=20)

Each client loads the form once (CSRF cookie, token and signed render time), waits
`min_seconds` so it does not count as too fast, then posts its share of submissions.
The server must allow them: run it with INQUIRY_RATE_LIMIT=0, because every client
comes from the same loopback address. Cookies marked Secure (production sets that on the
CSRF cookie) are sent over plain HTTP too, as a TLS proxy in front of the server would.
Only the standard library is used.
"""

import http.cookiejar
import re
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

HIDDEN_INPUT = re.compile(
    r'<input type="hidden" name="(csrfmiddlewaretoken|rendered_at)" value="([^"]*)"'
)
# Every submission's name, email and message contain one of these: what must never
# show up in a notification email.
SUBMITTED_MARKERS = ("Load test", "load-test submission", "@example.com")


@dataclass
class LoadResult:
    sent: int = 0
    failed: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, one per POST

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def percentile(self, percent: int) -> float:
        """The latency in seconds that `percent` per cent of the POSTs did not exceed."""
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 to the thank-you page is the success we count


def submission(hidden: dict[str, str], label: str) -> dict[str, str]:
    """A valid contact form with the form's hidden fields; `label` tells submissions apart."""
    return {
        **hidden,
        "name": f"Load test {label}",
        "email": f"load{label}@example.com",
        "phone": "",
        "preferred_contact": "email",
        "client_type": "new",
        "message": "A load-test submission.",
        "acknowledge": "on",
        "website": "",
    }


class ContactClient:
    """One visitor with its own cookies: load_form() once, then submit() any number of
    times; each submission has a name, email and message of its own."""

    def __init__(self, url: str, number: int = 0, timeout: float = 30):
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"Not an HTTP URL: {url}")
        self.url = url
        self.number = number
        self.timeout = timeout
        self.sent = 0
        self.hidden: dict[str, str] = {}
        self.cookies = http.cookiejar.CookieJar(
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def load_form(self) -> None:
        """The CSRF cookie and token and the signed render time."""
        with self.opener.open(self.url, timeout=self.timeout) as response:
            self.hidden = dict(HIDDEN_INPUT.findall(response.read().decode()))

    def submit(self) -> int:
        """Post the form once; returns the HTTP status (303 when it was taken)."""
        mark = f"{self.number}-{self.sent}"
        self.sent += 1
        body = urllib.parse.urlencode(submission(self.hidden, mark)).encode()
        # The scheme was checked in __init__().
        request = urllib.request.Request(self.url, data=body, headers={"Referer": self.url})  # noqa: S310
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _client_run(
    url: str, count: int, min_seconds: float, number: int
) -> tuple[float, float, list[int], list[float]]:
    client = ContactClient(url, number)
    client.load_form()
    time.sleep(min_seconds)
    statuses = []
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        sent_at = time.perf_counter()
        statuses.append(client.submit())
        latencies.append(time.perf_counter() - sent_at)
    return started, time.perf_counter(), statuses, latencies


def submit_many(
    url: str, total: int = 500, concurrency: int = 20, min_seconds: float = 3.0
) -> LoadResult:
    shares = [
        total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)
    ]
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"Not an HTTP URL: {url}")
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        runs = pool.map(
            _client_run,
            [url] * concurrency,
            shares,
            [min_seconds] * concurrency,
            range(concurrency),
        )
        runs = list(runs)
    # Posting time only: from the first client's first POST to the last one's answer.
    result = LoadResult(seconds=max(run[1] for run in runs) - min(run[0] for run in runs))
    result.latencies = [latency for run in runs for latency in run[3]]
    statuses = [status for run in runs for status in run[2]]
    for status in statuses:
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status == 303:
            result.sent += 1
        else:
            result.failed += 1
    return result
