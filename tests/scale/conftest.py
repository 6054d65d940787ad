"""The scale-out tests run the site as production does, like the fault tests, and share
their seeded database template (tests/faults/conftest.py)."""

from tests.faults.conftest import site_database, site_template  # noqa: F401 - fixtures
