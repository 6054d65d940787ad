from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules() -> list[str]:
    """Each app that has a `demo` module seeds its own content, in INSTALLED_APPS order
    (the project's `practice` first, so later apps can link to its pages)."""
    names = (f"{config.name}.demo" for config in apps.get_app_configs())
    return [name for name in names if find_spec(name) is not None]


class Command(BaseCommand):
    help = "Build the demo site. Safe to run again: it only creates what is missing."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module in demo_modules():
                import_module(module).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
