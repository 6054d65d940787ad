"""Lighthouse's mobile scores on the pages visitors land on: accessibility, best practices
and SEO 100, performance at least 95. The site is served as production serves it where
speed depends on it: DEBUG off, static files collected with hashed names and precompressed,
served by whitenoise, and the whole-page cache on. Each page's scores go to
benchmarks/results/lighthouse.json. A page below target is fixed, never the target."""

import io
import json
import os
import time
import urllib.request
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.test.testcases import LiveServerThread

from tests.browser import lighthouse
from tests.browser.checks import ARTICLE_WITH_REFERENCES

PAGES = {
    "home page": "/",
    "article with references": ARTICLE_WITH_REFERENCES,
    "article index": "/articles/",
    "contact page": "/contact/",
}
PRODUCTION_STATIC = {
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
    "WHITENOISE_AUTOREFRESH": False,
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files as the Docker image has them: collected, hashed, gzipped."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, **PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    return root


@pytest.fixture
def production_site(demo_site, settings, collected_static):
    """The demo site on a loopback port, served like production: whitenoise in the
    middleware answers static files (the test live_server's handler would serve them
    uncompressed from the app folders before the middleware sees them). Yields its origin."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    for name, value in PRODUCTION_STATIC.items():
        setattr(settings, name, value)
    settings.PAGE_CACHE_SECONDS = 300
    # LiveServerThread wraps Django's handler in one that serves MEDIA_URL itself; handing
    # back the handler inside leaves every request to the application and its middleware.
    server = LiveServerThread("127.0.0.1", static_handler=lambda media: media.application)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()


def visit(url: str) -> None:
    """One anonymous visit, as the visitor before Lighthouse: the page is then in the
    whole-page cache, as a page is on a site with visitors."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        assert response.status == 200, url


def measure(url: str, output, scheme: str) -> tuple[dict, dict]:
    """One Lighthouse run: its report, and the figures kept in the results file."""
    started = time.monotonic()
    report = lighthouse.run(url, output, dark=scheme == "dark")
    return report, {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 1),
        "scores": lighthouse.scores(report),
        "metrics": lighthouse.metrics(report),
        "lost": [str(item) for item in lighthouse.lost_points(report)],
        # How fast Chromium found this machine, and how busy it was: the performance
        # figures scale with both.
        "benchmark_index": report["environment"].get("benchmarkIndex"),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_lighthouse_scores_meet_the_targets(production_site, tmp_path, path, scheme):
    page = next(name for name, page_path in PAGES.items() if page_path == path)
    name = page if scheme == "light" else f"{page}, dark"
    url = production_site + path
    visit(url)
    report, entry = measure(url, tmp_path / "report.json", scheme)
    foreign = lighthouse.foreign_requests(report, production_site)
    misses = lighthouse.misses(report)
    if set(misses) == {"performance"}:
        # Measured once more on a performance miss, and only then: the simulated phone's
        # main-thread time is this machine's, four times over, and on 2 shared cores a
        # busy moment lengthens it; the other categories do not depend on speed.
        first = entry
        report, entry = measure(url, tmp_path / "retry.json", scheme)
        foreign += lighthouse.foreign_requests(report, production_site)
        misses = lighthouse.misses(report)
        entry["first_attempt"] = first
    entry.update(
        url_path=path,
        ok=not misses,
        lighthouse=report["lighthouseVersion"],
        browser=report["environment"]["hostUserAgent"],
        report=lighthouse.keep_report(name, report).name,
    )
    lighthouse.record(name, entry)

    assert foreign == [], f"the {name} asked another origin for something"
    if misses:
        retried = (
            f" (and {entry['first_attempt']['scores']['performance']} the first time)"
            if "first_attempt" in entry
            else ""
        )
        pytest.fail(
            f"Lighthouse on the {name} ({path}): "
            + ", ".join(
                f"{category} {got} < {target}" for category, (got, target) in misses.items()
            )
            + retried
            + "\n"
            + lighthouse.describe(report)
            + f"\nThe whole report: {lighthouse.RESULTS.parent / entry['report']}"
            # Performance scales with how busy the machine was: a quiet one here scores
            # a benchmarkIndex near 1,700.
            + f"\nbenchmarkIndex {entry['benchmark_index']}, load average {entry['load_average']}",
            pytrace=False,
        )


# --- Reading a report (no browser) --------------------------------------------------------


def small_report(seo_description: float = 1, tbt: float = 1) -> dict:
    """The parts of a Lighthouse report the test reads, with two weighted audits each in
    SEO and performance, one unweighted diagnostic, and the page's requests."""

    def audit(title, score, mode="binary", **extra):
        return {"title": title, "score": score, "scoreDisplayMode": mode, **extra}

    return {
        "categories": {
            "seo": {
                "score": (3 * seo_description + 1) / 4,
                "auditRefs": [
                    {"id": "meta-description", "weight": 3},
                    {"id": "document-title", "weight": 1},
                ],
            },
            "performance": {
                "score": (3 * tbt + 1) / 4,
                "auditRefs": [
                    {"id": "total-blocking-time", "weight": 3},
                    {"id": "first-contentful-paint", "weight": 1},
                    {"id": "unused-css-rules", "weight": 0},
                ],
            },
        },
        "audits": {
            "meta-description": audit("Document has a meta description", seo_description),
            "document-title": audit("Document has a title", 1),
            "total-blocking-time": audit(
                "Total Blocking Time", tbt, "numeric", displayValue="600 ms", numericValue=600
            ),
            "first-contentful-paint": audit(
                "First Contentful Paint", 1, "numeric", numericValue=900.12345
            ),
            "unused-css-rules": audit(
                "Reduce unused CSS", 0.5, "metricSavings", displayValue="Potential savings"
            ),
            "network-requests": {
                "details": {
                    "items": [
                        {"url": "http://127.0.0.1:8000/"},
                        {"url": "http://127.0.0.1:8000/static/site.css"},
                        {"url": "data:image/png;base64,AAAA"},
                        {"url": "https://fonts.example.com/font.woff2"},
                    ]
                }
            },
        },
    }


def test_scores_and_misses_against_the_targets():
    report = small_report(seo_description=0, tbt=0.5)
    assert lighthouse.scores(report) == {"seo": 25, "performance": 63}
    assert lighthouse.misses(report, {"seo": 100, "performance": 60}) == {"seo": (25, 100)}
    assert lighthouse.misses(small_report(), {"seo": 100, "performance": 95}) == {}


def test_each_audit_that_cost_points_is_named_with_its_cost():
    lost = lighthouse.lost_points(small_report(seo_description=0, tbt=0.5))
    assert [(item.category, item.audit, item.points) for item in lost] == [
        ("seo", "meta-description", 75.0),
        ("performance", "total-blocking-time", 37.5),
    ]
    assert str(lost[1]) == (
        "performance: total-blocking-time - Total Blocking Time (600 ms): -37.5"
    )
    description = lighthouse.describe(small_report(tbt=0.5))
    assert "unused-css-rules - Reduce unused CSS (Potential savings)" in description
    assert lighthouse.lost_points(small_report()) == []


def test_requests_to_another_origin_are_found():
    report = small_report()
    assert lighthouse.foreign_requests(report, "http://127.0.0.1:8000") == [
        "https://fonts.example.com/font.woff2"
    ]
    assert lighthouse.metrics(report) == {"FCP ms": 900.123, "TBT ms": 600}


def test_results_keep_other_pages_and_survive_a_damaged_file(tmp_path):
    path = tmp_path / "results" / "lighthouse.json"
    lighthouse.record("home", {"ok": True}, path)
    lighthouse.record("contact page", {"ok": False}, path)
    assert json.loads(path.read_text())["pages"] == {
        "home": {"ok": True},
        "contact page": {"ok": False},
    }
    path.write_text('{"pages": {"home": ')  # cut short, as by a stop mid-write elsewhere
    lighthouse.record("home", {"ok": True}, path)
    assert json.loads(path.read_text())["pages"] == {"home": {"ok": True}}
    assert [item.name for item in path.parent.iterdir()] == ["lighthouse.json"]
