"""Lighthouse (npm, package.json) run on Debian's Chromium, and what its report says.

The reading of a report is plain functions on its JSON, tested on small reports in
test_lighthouse.py; running it needs node, node_modules and Chromium, and fails the test
with what to install when one is missing, never skipping.
"""

import json
import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.browser.conftest import BASE_CHROMIUM_ARGS, CHROMIUM, HOST_RESOLVER_RULES

LIGHTHOUSE = settings.BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# Debian's chromium wrapper turns on remote extensions (/etc/chromium.d/extensions), and
# even with background networking off Chromium then looks up an extension update host
# through the machine's DNS server. Every name but loopback's now fails inside Chromium,
# before any lookup leaves the machine; the pages are addressed by IP anyway.
# Quoted: Lighthouse splits --chrome-flags at spaces.
NO_NAME_LOOKUPS = f"--host-resolver-rules='{HOST_RESOLVER_RULES}'"
# What Lighthouse says when it lost the trace of a page load, and how often it may try.
RUN_AGAIN = "Please run Lighthouse again"
TRACE_ATTEMPTS = 3
# Chromium's own switch for prefers-color-scheme (0 is dark): Lighthouse has none.
DARK_SCHEME = "--blink-settings=preferredColorScheme=0"
# Schemes a page may use without asking any server.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-extension"}


@dataclass(frozen=True)
class Lost:
    """An audit that cost its category points."""

    category: str
    audit: str
    title: str
    points: float  # out of the category's 100
    detail: str  # Lighthouse's display value or explanation, if any

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.category}: {self.audit} - {self.title}{detail}: -{self.points:.1f}"


def scores(report: dict) -> dict[str, int]:
    """Each category's score out of 100, as Lighthouse shows it (JavaScript's rounding:
    halves up, where Python's round() goes to the even number)."""
    return {
        name: math.floor(category["score"] * 100 + 0.5) if category["score"] is not None else 0
        for name, category in report["categories"].items()
    }


def misses(report: dict, targets: dict[str, int] = TARGETS) -> dict[str, tuple[int, int]]:
    """The categories below their targets: {name: (score, target)}."""
    got = scores(report)
    return {
        name: (got.get(name, 0), target)
        for name, target in targets.items()
        if got.get(name, 0) < target
    }


def lost_points(report: dict) -> list[Lost]:
    """Every weighted audit scored below 1, with the points it cost its category, most
    first. A category's score is its audits' weighted mean, so an audit of weight w and
    score s costs 100 * w * (1 - s) / (sum of weights)."""
    lost = []
    for name, category in report["categories"].items():
        total = sum(ref["weight"] for ref in category["auditRefs"])
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if not ref["weight"] or audit["score"] is None or audit["score"] >= 1:
                continue
            lost.append(
                Lost(
                    name,
                    ref["id"],
                    audit["title"],
                    100 * ref["weight"] * (1 - audit["score"]) / total,
                    audit.get("displayValue") or audit.get("explanation") or "",
                )
            )
    return sorted(lost, key=lambda item: -item.points)


def performance_hints(report: dict) -> list[str]:
    """Unweighted performance audits that failed (render-blocking resources, unused CSS...):
    they cost no points themselves but say where the metrics' time went."""
    category = report["categories"].get("performance")
    if category is None:
        return []
    hints = []
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] or audit["score"] is None or audit["score"] >= 0.9:
            continue
        if audit["scoreDisplayMode"] in {"informative", "notApplicable", "manual"}:
            continue
        detail = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
        hints.append(f"{ref['id']} - {audit['title']}{detail}")
    return hints


METRICS = {
    "first-contentful-paint": "FCP ms",
    "largest-contentful-paint": "LCP ms",
    "speed-index": "SI ms",
    "total-blocking-time": "TBT ms",
    "cumulative-layout-shift": "CLS",
}


def metrics(report: dict) -> dict[str, float]:
    """The performance metrics' simulated values (ms; CLS is unitless)."""
    return {
        label: round(report["audits"][audit]["numericValue"], 3)
        for audit, label in METRICS.items()
        if report["audits"].get(audit, {}).get("numericValue") is not None
    }


def foreign_requests(report: dict, origin: str) -> list[str]:
    """Every URL the page loaded from anywhere but `origin`."""
    own = urlsplit(origin).netloc
    items = report["audits"]["network-requests"]["details"]["items"]
    return [
        item["url"]
        for item in items
        if urlsplit(item["url"]).scheme not in LOCAL_SCHEMES and urlsplit(item["url"]).netloc != own
    ]


def describe(report: dict) -> str:
    lines = [str(item) for item in lost_points(report)]
    hints = performance_hints(report)
    if hints:
        lines.append("performance opportunities and diagnostics:")
        lines += [f"    {hint}" for hint in hints]
    return "\n".join(lines)


# --- Running it -------------------------------------------------------------------------


def run(url: str, output: Path, *, dark: bool = False) -> dict:
    """One Lighthouse run on `url` with its defaults: mobile form factor and simulated
    throttling (Lantern: a slow 4G network and a 4x slower CPU, computed from one
    unthrottled load, so a loaded machine moves the figures less than real throttling
    would), in the dark colour scheme if `dark`. Returns the JSON report."""
    node = shutil.which("node")
    if node is None or not LIGHTHOUSE.exists():
        pytest.fail(
            f"Lighthouse needs Node.js and {LIGHTHOUSE}: install Node.js, then `make install` "
            "(npm ci installs lighthouse from package.json). Lighthouse is never skipped.",
            pytrace=False,
        )
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: `sudo apt-get install chromium`.",
            pytrace=False,
        )
    command = [
        str(LIGHTHOUSE),
        url,
        "--chrome-flags="
        + " ".join(
            [
                "--headless=new",
                *BASE_CHROMIUM_ARGS,
                NO_NAME_LOOKUPS,
                *([DARK_SCHEME] if dark else []),
            ]
        ),
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json",
        f"--output-path={output}",
        "--no-enable-error-reporting",
        "--quiet",
    ]
    environment = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    for _ in range(TRACE_ATTEMPTS):
        completed = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=300, check=False
        )
        # Lighthouse sometimes loses the trace of a load (NO_NAVSTART) and says to run it
        # again: a fault of the recording, which says nothing about the page.
        if RUN_AGAIN not in completed.stderr:
            break
    if completed.returncode != 0 or not output.exists():
        pytest.fail(
            f"Lighthouse failed on {url} (exit {completed.returncode}):\n"
            + completed.stderr[-3000:],
            pytrace=False,
        )
    report = json.loads(output.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        pytest.fail(f"Lighthouse could not load {url}: {report['runtimeError']}", pytrace=False)
    return report


# --- The results file -------------------------------------------------------------------

RESULTS = settings.BASE_DIR / "benchmarks" / "results" / "lighthouse.json"


def write_atomically(path: Path, text: str) -> None:
    """A stopped run leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def keep_report(page: str, report: dict, folder: Path = RESULTS.parent) -> Path:
    """The whole report beside the results, for looking into a miss (Lighthouse's viewer
    opens it too)."""
    path = folder / f"lighthouse-{re.sub(r'[^a-z0-9]+', '-', page.lower()).strip('-')}.report.json"
    write_atomically(path, json.dumps(report))
    return path


def record(page: str, entry: dict, path: Path = RESULTS) -> None:
    """Put one page's figures into the results file, keeping the other pages' entries; a
    file that is not a results object (from an older format, or damaged) starts afresh."""
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(results.get("pages"), dict):
            raise ValueError("no pages")
    except (OSError, ValueError, AttributeError):
        results = {"pages": {}}
    results["tool"] = "lighthouse"
    results["targets"] = TARGETS
    results["pages"][page] = entry
    write_atomically(path, json.dumps(results, indent=2, sort_keys=True) + "\n")
