"""manage.py bench_contact end to end, with a handful of submissions: gunicorn, the worker
and a real SMTP server, in a throwaway database that is gone afterwards."""

import io

import dj_database_url
import psutil
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from contact import bench


def gunicorn_children() -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if "gunicorn" in " ".join(child.cmdline())
    ]


def test_bench_contact_passes_its_checks_and_leaves_nothing_behind():
    out = io.StringIO()
    call_command("bench_contact", "--total", "6", "--concurrency", "3", stdout=out)
    report = out.getvalue()
    for label in ("inquiries stored", "notification jobs", "emails delivered"):
        assert f"{label:<28} {6:>10}  ok" in report
    for label in ("non-303 answers", "inquiries flagged spam", "emails with submitted text"):
        assert f"{label:<28} {0:>10}  ok" in report
    assert "FAIL" not in report
    assert bench.bench_databases(settings.DATABASES["default"]) == []
    assert gunicorn_children() == []


def test_bench_contact_refuses_more_clients_than_submissions():
    with pytest.raises(CommandError, match="concurrency"):
        call_command("bench_contact", "--total", "2", "--concurrency", "3")


def test_database_url_encodes_a_socket_directory_as_dj_database_url_reads_it():
    config = {"USER": "postgres", "PASSWORD": "", "HOST": "/run/pg sock", "PORT": "5433"}
    parsed = dj_database_url.parse(bench.database_url(config, "practice_bench_x"))
    assert (parsed["HOST"], parsed["PORT"], parsed["NAME"], parsed["USER"]) == (
        "/run/pg sock",
        5433,
        "practice_bench_x",
        "postgres",
    )
