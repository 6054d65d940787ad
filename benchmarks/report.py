"""The benchmark's one table (figure, value, target, ok/FAIL) and its JSON."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

PAGES = {
    "home": "home page",
    "article_index": "article index",
    "article": "article with references",
    "contact": "contact page (GET)",
    "thank_you": "thank-you page",
}
LOADED = {"static": "static CSS (whitenoise)", **PAGES, "contact_post": "contact POST"}
# The home page beyond one server process: through Varnish, and on two gunicorn servers.
SCALED = {
    "home_varnish": "home page through Varnish",
    "home_two_servers": "home page on two servers",
}
CACHED_PAGES = ("home", "article_index", "article")  # identical for every visitor
# Private pages stored once and filled in per visitor (practice/per_visitor.py).
FILLED_PAGES = ("contact", "thank_you")
MIN_PAGE_TO_STATIC = 0.5
MAX_ARTICLE_QUERIES = 10
MAX_GROWTH = 1.5
# References are formatted when the article is saved: what is left grows very little.
MAX_REFERENCES_GROWTH = 1.15
MAX_FILLED_P99_MS = 20
MAX_POST_P99_MS = 100
MAX_ASSET_GZIP_BYTES = 60_000


@dataclass
class Figure:
    section: str
    name: str
    value: float | int | str
    unit: str = ""
    target: str = ""
    ok: bool | None = None  # None: a figure without a target
    # A check of behaviour (no failed requests, every submission stored), not a speed or
    # size target: it holds on any machine, so `python -m benchmarks` fails when it does not.
    check: bool = False

    def shown(self) -> str:
        if isinstance(self.value, float):
            text = f"{self.value:,.2f}" if abs(self.value) < 10 else f"{self.value:,.1f}"
        elif isinstance(self.value, int):
            text = f"{self.value:,}"
        else:
            text = self.value
        return f"{text} {self.unit}".strip()

    @property
    def mark(self) -> str:
        return "" if self.ok is None else "ok" if self.ok else "FAIL"


def figures(results: dict) -> list[Figure]:
    return [
        *_load(results["load"], results["connections"]),
        *_scale_out(results["load"], results["connections"]),
        *_queries(results["queries"]),
        *_growth(results["growth"], results["sizes_of_growth"]),
        *_sizes(results["sizes"]),
    ]


def _load(load: dict, connections: int) -> list[Figure]:
    section = f"load, {connections} clients"
    static_rps = load["static"]["per_second"]
    rows = []
    for name, label in LOADED.items():
        run = load[name]
        rows.append(Figure(section, f"{label}: requests/s", run["per_second"]))
        if name != "static":
            ratio = run["per_second"] / static_rps if static_rps else 0.0
            if name in CACHED_PAGES + FILLED_PAGES:
                ok = ratio >= MIN_PAGE_TO_STATIC
                rows.append(Figure(section, f"{label}: / static", ratio, "", ">= 0.50", ok))
            else:
                rows.append(Figure(section, f"{label}: / static", ratio))
        rows.append(Figure(section, f"{label}: p50", run["p50_ms"], "ms"))
        if name == "contact_post":
            ok = run["p99_ms"] < MAX_POST_P99_MS
            rows.append(Figure(section, f"{label}: p99", run["p99_ms"], "ms", "< 100 ms", ok))
        elif name in FILLED_PAGES:
            ok = run["p99_ms"] < MAX_FILLED_P99_MS
            rows.append(Figure(section, f"{label}: p99", run["p99_ms"], "ms", "< 20 ms", ok))
        else:
            rows.append(Figure(section, f"{label}: p99", run["p99_ms"], "ms"))
        failed = run["failed"]
        rows.append(Figure(section, f"{label}: failed", failed, "", "0", not failed, check=True))
    post = load["contact_post"]
    answered = post["statuses"].get(303, 0)
    in_flight = post["stored"] - answered
    rows += [
        Figure(section, "contact POST: 303 answers", answered),
        Figure(
            section,
            "contact POST: stored - 303s",
            in_flight,
            "",
            f"0..{connections} in flight",
            0 <= in_flight <= connections and answered > 0,
            check=True,
        ),
        Figure(
            section, "contact POST: flagged spam", post["spam"], "", "0", not post["spam"], True
        ),
        Figure(
            section,
            "contact POST: notification jobs",
            post["jobs"],
            "",
            "= stored",
            post["jobs"] == post["stored"],
            check=True,
        ),
        Figure(
            section,
            "emails sent during requests",
            post["emails"],
            "",
            "0",
            not post["emails"],
            True,
        ),
    ]
    return rows


def _scale_out(load: dict, connections: int) -> list[Figure]:
    """Ratios to the same static-file ceiling as the single-server rows. On a machine with
    few cores two servers share them, so only a cloud host's separate machines can show
    what the second one adds."""
    section = f"scale-out, {connections} clients"
    static_rps = load["static"]["per_second"]
    rows = []
    for name, label in SCALED.items():
        run = load.get(name)
        if run is None:
            continue  # no varnishd on this machine
        ratio = run["per_second"] / static_rps if static_rps else 0.0
        failed = run["failed"]
        rows += [
            Figure(section, f"{label}: requests/s", run["per_second"]),
            Figure(section, f"{label}: / static", ratio),
            Figure(section, f"{label}: p50", run["p50_ms"], "ms"),
            Figure(section, f"{label}: p99", run["p99_ms"], "ms"),
            Figure(section, f"{label}: failed", failed, "", "0", not failed, check=True),
        ]
    return rows


def _queries(queries: dict) -> list[Figure]:
    section = "SQL queries, anonymous"
    rows = []
    for name, label in {**PAGES, "contact_post": "contact POST"}.items():
        for state, count in queries[name].items():
            if name == "article" and state == "uncached":
                ok = count <= MAX_ARTICLE_QUERIES
                rows.append(Figure(section, f"{label}: {state}", count, "", "<= 10", ok))
            else:
                rows.append(Figure(section, f"{label}: {state}", count))
    return rows


def _growth(growth: dict, sizes: dict) -> list[Figure]:
    section = "growth, server time, nothing cached"
    rows = []
    for label, key, small, large, limit in (
        ("article index", "index", 10, sizes["articles"], MAX_GROWTH),
        ("article references", "article", 1, sizes["references"], MAX_REFERENCES_GROWTH),
        ("admin inquiry listing", "inquiries", 100, sizes["inquiries"], MAX_GROWTH),
    ):
        before, after = growth[f"{key}_{small}"], growth[f"{key}_{large}"]
        ratio = after / before if before else 0.0
        rows += [
            Figure(section, f"{label}: {small:,}", before, "ms"),
            Figure(section, f"{label}: {large:,}", after, "ms"),
            Figure(section, f"{label}: ratio", ratio, "", f"<= {limit}", ratio <= limit),
        ]
    return rows


def _sizes(sizes: dict) -> list[Figure]:
    section = "bytes per page (raw / gzip)"
    rows = []
    for name, label in PAGES.items():
        page = sizes["pages"][name]
        rows.append(
            Figure(
                section, f"{label}: HTML", f"{page['html_bytes']:,} / {page['html_gzip_bytes']:,}"
            )
        )
        ok = page["asset_gzip_bytes"] < MAX_ASSET_GZIP_BYTES
        rows.append(
            Figure(
                section,
                f"{label}: CSS+JS",
                f"{page['asset_bytes']:,} / {page['asset_gzip_bytes']:,}",
                "",
                "< 60,000 gzip",
                ok,
            )
        )
    checked = sizes["public_pages"]
    largest = sizes["max_asset_gzip_bytes"]
    blocking = sum(len(scripts) for scripts in sizes["blocking_scripts"].values())
    unsized = sum(sizes["images_without_size"].values())
    rows += [
        Figure(
            section,
            f"largest CSS+JS gzip, {checked} public pages",
            largest,
            "",
            "< 60,000",
            largest < MAX_ASSET_GZIP_BYTES,
        ),
        Figure(section, "render-blocking scripts", blocking, "", "0", blocking == 0),
        Figure(
            section,
            f"images without width/height (of {sizes['images']})",
            unsized,
            "",
            "0",
            unsized == 0,
        ),
    ]
    return rows


def table(rows: list[Figure]) -> str:
    lines = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(f"\n{section}")
        lines.append(f"  {row.name:<46} {row.shown():>20}  {row.target:<24} {row.mark}".rstrip())
    return "\n".join(lines)


def write_json(path: Path, results: dict, rows: list[Figure]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"figures": [asdict(row) for row in rows], **results}
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
