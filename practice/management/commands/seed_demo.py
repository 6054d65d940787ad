from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its own content, in this order (later ones link to earlier ones).
SEEDERS = ["practice.demo", "hours.demo", "articles.demo", "contact.demo"]


class Command(BaseCommand):
    help = "Build the demo site. Safe to run again: it only creates what is missing."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module in SEEDERS:
                import_module(module).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
