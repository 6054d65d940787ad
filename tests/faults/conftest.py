"""The site as production runs it, on loopback: gunicorn with production settings, the
task worker, PostgreSQL and an SMTP server, each a real process or server. Every test
gets its own copy of a seeded database and stops everything it started, however it ends."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections

from benchmarks import site
from practice import processes


@dataclass
class SiteTemplate:
    name: str  # a seeded database to copy
    config: dict  # the DATABASES entry of the server it is on
    scratch: Path  # static files collected for production settings, media


@pytest.fixture(scope="session")
def site_template(django_db_setup, django_db_blocker) -> SiteTemplate:
    """The migrated test database, copied once and seeded with the demo site (its search
    index jobs run, so a test's worker meets only notifications), plus collected static
    files. Copying costs far less than migrating a database of its own."""
    config = dict(connections["default"].settings_dict)
    if not config["NAME"].startswith("test_"):
        # pytest-django creates the test database only for a run with a test marked
        # django_db: without one this would copy the developer's own database.
        raise pytest.UsageError("Mark the fault tests django_db: no test database was set up.")
    # A database can only be copied while nobody is connected to it: close this thread's
    # connection, and end any that threads of earlier tests left open (nothing outside this
    # test run uses its test database).
    with django_db_blocker.unblock():
        connections.close_all()
    with site.connect(config, "postgres") as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [config["NAME"]],
        )
    with (
        site.scratch_directory() as scratch,
        site.throwaway_database(config, template=config["NAME"]) as (name, url),
    ):
        environment = site.server_environment(url, processes.free_port(), scratch)
        site.manage(environment, "seed_demo")
        site.manage(environment, "db_worker", "--batch")
        site.manage(environment, "collectstatic", "--noinput")
        yield SiteTemplate(name, config, scratch)


@pytest.fixture
def site_database(site_template) -> str:
    """A copy of the seeded database for one test; yields its DATABASE_URL."""
    with site.throwaway_database(site_template.config, template=site_template.name) as (_, url):
        yield url
