"""python -m benchmarks (`make bench`) end to end with tiny numbers, and the parsing it relies on.
Only that every figure is there and nothing is left behind is checked: timings belong to
the benchmark's own table, not to tests."""

import io
import json
import re

import psutil
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from benchmarks import pages, site, wrk
from benchmarks import report as bench_report
from benchmarks.commands import bench as bench_command
from tests.benchmarks.test_contact import processes_listening_on

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:8000/contact/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.13ms   10.01ms  90.50ms   70.00%
    Req/Sec    99.50     10.00   120.00     60.00%
  Latency Distribution
     50%  950.00us
     75%   45.00ms
     90%   60.00ms
     99%    1.20s
  200 requests in 1.00s, 80.00KB read
  Socket errors: connect 1, read 7, write 0, timeout 2
Requests/sec:    199.50
Transfer/sec:     80.00KB
status 303 120
status 303 79
status 500 1
"""


def test_wrk_output_is_read_with_its_units_and_every_threads_statuses():
    result = wrk.parse(WRK_OUTPUT)
    assert (result.requests, result.seconds, result.per_second) == (200, 1.0, 199.5)
    assert (result.p50_ms, result.p99_ms) == (pytest.approx(0.95), 1200.0)
    assert result.statuses == {303: 199, 500: 1}
    # Read errors are gunicorn closing each connection after its answer: not failures.
    assert result.socket_errors == 3
    assert result.failed(expected=303) == 4


def test_lua_strings_hold_any_text():
    assert wrk.lua_string("a=1&b=%5D%5D") == "[[a=1&b=%5D%5D]]"
    assert wrk.lua_string("x]]y") == "[=[x]]y]=]"


def parsed(html: str) -> pages.PageParser:
    parser = pages.PageParser()
    parser.feed(html)
    parser.close()
    return parser


def test_scripts_block_rendering_unless_deferred_or_at_the_end_of_the_body():
    page = parsed(
        "<html><head>"
        '<script src="/a.js" defer></script><script src="/b.js" async></script>'
        '<script type="module" src="/c.js"></script>'
        '<script type="application/ld+json">{}</script>'
        '<script src="/blocks-in-head.js"></script>'
        "</head><body><p>text</p>"
        '<script src="/blocks-mid-body.js"></script><p>more</p>'
        '<script src="/end.js"></script><script>end()</script>'
        "</body></html>"
    )
    assert page.blocking == ["/blocks-in-head.js", "/blocks-mid-body.js"]
    assert page.scripts == ["/a.js", "/b.js", "/c.js", "/blocks-in-head.js"] + [
        "/blocks-mid-body.js",
        "/end.js",
    ]


def test_images_need_a_width_and_a_height():
    page = parsed('<img src="a" width="1" height="2"><img src="b" width="1"><img src="c">')
    assert (page.images, page.images_without_size) == (3, 2)


@pytest.fixture
def migrated_database():
    """The test database, migrated, to copy instead of migrating again. PostgreSQL copies
    only a database nobody is connected to: this test holds no transaction, and the idle
    connections other threads of this run keep (a live server's) are ended; Django opens
    new ones when they are next used."""
    connections.close_all()
    name = connection.settings_dict["NAME"]
    with site.connect(connection.settings_dict, "postgres") as server:
        server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid() AND state = 'idle'",
            [name],
        )
    return name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_writes_every_figure_and_leaves_nothing_running(tmp_path, migrated_database):
    output = tmp_path / "latest.json"
    out = io.StringIO()
    call_command(
        bench_command.Command(),
        f"--template={migrated_database}",
        "--seconds=1",
        "--articles=20",
        "--references=3",
        "--inquiries=200",
        "--bulk-articles=5",
        "--repeat=1",
        f"--output={output}",
        stdout=out,
    )
    report = out.getvalue()
    document = json.loads(output.read_text())

    pages_measured = {"home", "article_index", "article", "contact", "thank_you"}
    scaled = {"home_varnish", "home_two_servers"}
    assert set(document["load"]) == {"static", "contact_post"} | pages_measured | scaled
    assert document["load"]["home_two_servers"]["servers"] == 2
    for run in document["load"].values():
        assert run["requests"] > 0
        assert run["per_second"] > 0
        assert 0 < run["p50_ms"] <= run["p99_ms"]
    assert set(document["queries"]) == {"contact_post"} | pages_measured
    for name in pages_measured:
        assert set(document["queries"][name]) == {"cold", "warm", "uncached"}
    for counts in document["queries"].values():
        assert min(counts.values()) >= 0
        assert counts["cold"] >= counts["warm"]
        assert counts["cold"] > 0
    assert set(document["growth"]) == {
        "index_10",
        "index_20",
        "article_1",
        "article_3",
        "inquiries_100",
        "inquiries_200",
    }
    assert all(milliseconds > 0 for milliseconds in document["growth"].values())
    assert set(document["sizes"]["pages"]) == pages_measured
    for page in document["sizes"]["pages"].values():
        assert 0 < page["html_gzip_bytes"] < page["html_bytes"]
        assert 0 < page["asset_gzip_bytes"] < page["asset_bytes"]
    assert document["sizes"]["public_pages"] > len(pages_measured)

    # The table is the JSON's figures; every behaviour check holds.
    for figure in document["figures"]:
        assert figure["name"] in report
    checks = [figure for figure in document["figures"] if figure["check"]]
    # "failed" of every run, and four checks of the contact POSTs' rows and emails.
    assert len(checks) == len(bench_report.LOADED) + len(bench_report.SCALED) + 4
    for label in ("home page through Varnish", "home page on two servers"):
        assert f"{label}: / static" in report
    assert [figure["name"] for figure in checks if not figure["ok"]] == []

    database = re.search(r"Preparing database (practice_bench_\w+) ", report).group(1)
    assert database not in site.bench_databases(settings.DATABASES["default"])
    for server in ("gunicorn", "a second gunicorn", "varnishd", "redis-server"):
        address = re.search(rf"{server} is serving \w+://(127\.0\.0\.1:\d+)", report).group(1)
        assert processes_listening_on(address) == [], server
        port = int(address.rsplit(":", 1)[1])
        listening = {c.laddr.port for c in psutil.net_connections("tcp") if c.status == "LISTEN"}
        assert port not in listening, server
