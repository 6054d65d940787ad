import io

import pytest
from django.core.management import call_command
from wagtail.models import Site


@pytest.fixture
def demo_site(db):
    """The whole demo site, as `manage.py seed_demo` builds it."""
    call_command("seed_demo", stdout=io.StringIO())
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(demo_site):
    return demo_site.root_page.specific
