"""The part of `python -m benchmarks` that runs against gunicorn: page sizes and checks, then
wrk on each page, then valid contact submissions, each of which must be stored."""

import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from benchmarks import pages, site, wrk
from benchmarks.loadtest import ContactClient, submission

# Generated articles (benchmarks.content) are many and alike: the checks read the one the load
# test reads and leave the rest out.
GENERATED_SLUG = "/bench-"
WARM_UP_REQUESTS = 4  # enough for both workers to have served the page once


def page_sizes(base_url: str, paths: dict[str, str], contact_path: str) -> dict:
    """Sizes of the measured pages, and the checks on every public page: those in the
    sitemap (less the generated articles), the measured ones and the thank-you page."""
    downloaded: dict[str, bytes] = {}
    measured = {
        name: pages.measure_page(base_url, path, downloaded) for name, path in paths.items()
    }
    public = dict.fromkeys(
        path for path in pages.sitemap_paths(base_url) if GENERATED_SLUG not in path
    )
    public.update(dict.fromkeys(paths.values()))
    public[contact_path + "thank-you/"] = None
    checked = [pages.measure_page(base_url, path, downloaded) for path in public]
    return {
        "pages": {name: asdict(sizes) for name, sizes in measured.items()},
        "public_pages": len(checked),
        "largest_assets_gzip": max(checked, key=lambda page: page.asset_gzip_bytes).path,
        "max_asset_gzip_bytes": max(page.asset_gzip_bytes for page in checked),
        "blocking_scripts": {p.path: p.blocking_scripts for p in checked if p.blocking_scripts},
        "images": sum(page.images for page in checked),
        "images_without_size": {
            page.path: page.images_without_size for page in checked if page.images_without_size
        },
        "stylesheet": next(
            (asset for asset in measured["home"].assets if "/css/site." in asset),
            measured["home"].assets[0],
        ),
    }


def warm_up(url: str) -> None:
    for _ in range(WARM_UP_REQUESTS):
        pages.fetch(url)


def load_pages(base_url: str, targets: dict[str, str], scratch: Path, *, seconds, connections):
    """wrk on each target path in turn; the figures by target name."""
    script = wrk.write_script(scratch / "count-statuses.lua")
    results = {}
    for name, path in targets.items():
        url = urllib.parse.urljoin(base_url, path)
        warm_up(url)
        result = wrk.run_wrk(url, script, seconds=seconds, connections=connections)
        results[name] = result.figures(expected=200)
    return results


def load_in_parallel(urls: list[str], scratch: Path, *, seconds, connections) -> dict:
    """wrk on every URL at once (the same page on several servers), the clients shared
    out among them; the figures of all of them together: requests and rates add up, the
    latencies are the slowest server's."""
    script = wrk.write_script(scratch / "count-statuses.lua")
    for url in urls:
        warm_up(url)
    each = max(1, connections // len(urls))
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        runs = list(
            pool.map(lambda url: wrk.run_wrk(url, script, seconds=seconds, connections=each), urls)
        )
    statuses: dict[int, int] = {}
    for run in runs:
        for status, count in run.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    combined = wrk.WrkResult(
        requests=sum(run.requests for run in runs),
        seconds=max(run.seconds for run in runs),
        per_second=sum(run.per_second for run in runs),
        p50_ms=max(run.p50_ms for run in runs),
        p99_ms=max(run.p99_ms for run in runs),
        socket_errors=sum(run.socket_errors for run in runs),
        statuses=statuses,
    )
    return {**combined.figures(expected=200), "servers": len(urls)}


def load_contact_posts(url: str, database: str, scratch: Path, *, seconds, connections) -> dict:
    """Valid submissions from wrk, one fixed body with a CSRF cookie and token from the
    form; then how many were stored. The server must not flag them as too fast or limit
    them (INQUIRY_MIN_SUBMIT_SECONDS=0, INQUIRY_RATE_LIMIT=0)."""
    client = ContactClient(url)
    client.load_form()
    cookies, hidden = client.cookies, client.hidden
    script = wrk.write_script(
        scratch / "contact-post.lua",
        body=urllib.parse.urlencode(submission(hidden, "wrk")),
        cookie="; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies),
    )
    before = site.count_rows(database)
    result = wrk.run_wrk(url, script, seconds=seconds, connections=connections)
    after = _settled_rows(database)
    return {
        **result.figures(expected=303),
        "stored": after["inquiries"] - before["inquiries"],
        "spam": after["spam"] - before["spam"],
        "jobs": after["jobs"] - before["jobs"],
    }


def _settled_rows(database: str, timeout: float = 10) -> dict[str, int]:
    """The row counts once the requests wrk left in flight when its time was up are done."""
    rows = site.count_rows(database)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        again = site.count_rows(database)
        if again == rows:
            return rows
        rows = again
    return rows
