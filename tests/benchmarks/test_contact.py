"""python -m benchmarks contact end to end, with a handful of submissions: gunicorn, the worker
and a real SMTP server, in a throwaway database that is gone afterwards."""

import io
import re

import dj_database_url
import psutil
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from benchmarks import site
from benchmarks.commands import contact as contact_command


def processes_listening_on(address: str) -> list[psutil.Process]:
    """gunicorn's master and its workers all carry `--bind <address>` on their command line."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if address in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def test_bench_contact_passes_its_checks_and_leaves_nothing_behind():
    out = io.StringIO()
    call_command(contact_command.Command(), "--total", "6", "--concurrency", "3", stdout=out)
    report = out.getvalue()
    for label in ("inquiries stored", "notification jobs", "emails delivered"):
        assert f"{label:<28} {6:>10}  ok" in report
    for label in ("non-303 answers", "inquiries flagged spam", "emails with submitted text"):
        assert f"{label:<28} {0:>10}  ok" in report
    assert "FAIL" not in report
    database = re.search(r"Preparing database (practice_bench_\w+) ", report).group(1)
    assert database not in site.bench_databases(settings.DATABASES["default"])
    address = re.search(r"gunicorn is serving http://(127\.0\.0\.1:\d+)", report).group(1)
    assert processes_listening_on(address) == []


def test_bench_contact_refuses_more_clients_than_submissions():
    with pytest.raises(CommandError, match="concurrency"):
        call_command(contact_command.Command(), "--total", "2", "--concurrency", "3")


def test_database_url_encodes_a_socket_directory_as_dj_database_url_reads_it():
    config = {"USER": "postgres", "PASSWORD": "", "HOST": "/run/pg sock", "PORT": "5433"}
    parsed = dj_database_url.parse(site.database_url(config, "practice_bench_x"))
    assert (parsed["HOST"], parsed["PORT"], parsed["NAME"], parsed["USER"]) == (
        "/run/pg sock",
        5433,
        "practice_bench_x",
        "postgres",
    )
