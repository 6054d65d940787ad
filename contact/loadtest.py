"""Concurrent contact-form submissions over HTTP, for the benchmark script.

    from contact.loadtest import submit_many
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


def open_form(url: str):
    """Load the form at `url` as a browser would; returns (opener, cookies, hidden fields).
    The opener keeps the cookies and does not follow redirects."""
    cookies = http.cookiejar.CookieJar(
        http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), _NoRedirect)
    with opener.open(url, timeout=30) as response:
        hidden = dict(HIDDEN_INPUT.findall(response.read().decode()))
    return opener, cookies, hidden


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


def _client_run(
    url: str, count: int, min_seconds: float, number: int
) -> tuple[float, float, list[int], list[float]]:
    opener, _, hidden = open_form(url)
    time.sleep(min_seconds)
    statuses = []
    latencies = []
    started = time.perf_counter()
    for index in range(count):
        body = urllib.parse.urlencode(submission(hidden, f"{number}-{index}")).encode()
        # The scheme was checked in submit_many().
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        sent_at = time.perf_counter()
        try:
            with opener.open(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
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
