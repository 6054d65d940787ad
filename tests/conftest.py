import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Site


def pytest_collection_modifyitems(items):
    """Every test that commits must restore the database it found. A transactional test
    flushes the tables when it ends; without serialized rollback that also wipes what
    migrations put there (Wagtail's root page, groups) and makes a later serialized test
    collide with re-created content types."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = marker.kwargs if marker else {}
        commits = kwargs.get("transaction") or {"transactional_db", "live_server"} & set(
            item.fixturenames
        )
        if commits and not kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: mark it "
                "@pytest.mark.django_db(transaction=True, serialized_rollback=True)"
            )


@pytest.fixture(autouse=True)
def empty_cache():
    """The database is rolled back after each test; cached pages and site data built from
    it must go too, or the next test could be served another test's rows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_site(db):
    """The whole demo site, as `manage.py seed_demo` builds it."""
    call_command("seed_demo", stdout=io.StringIO())
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(demo_site):
    return demo_site.root_page.specific
