from django.core.management.base import BaseCommand
from django.db import transaction

from contact import encryption
from contact.models import Inquiry

ENCRYPTED_FIELDS = ["name", "email", "phone", "message", "staff_notes"]


class Command(BaseCommand):
    help = (
        "Re-encrypt every inquiry under the first key of INQUIRY_ENCRYPTION_KEYS (and re-index "
        "its email address), in batches. Put the new key first, keep the old ones after it, "
        "run this, then drop the old keys. --new-key prints a fresh key and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument("--new-key", action="store_true", help="Print a new key and stop.")

    def handle(self, *args, batch_size, new_key, **options):
        if new_key:
            self.stdout.write(encryption.generate_key())
            return
        encryption.configured_keys()  # no keys: stop before reading anything
        done = 0
        last_pk = 0
        while True:
            # One short transaction per batch: the rows are locked only while rewritten, and
            # an interruption leaves every row readable (old or new key), so a rerun resumes.
            with transaction.atomic():
                batch = list(
                    Inquiry.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", *ENCRYPTED_FIELDS)[:batch_size]
                )
                if not batch:
                    break
                for inquiry in batch:
                    inquiry.email_index = encryption.email_index(inquiry.email)
                Inquiry.objects.bulk_update(batch, [*ENCRYPTED_FIELDS, "email_index"])
            done += len(batch)
            last_pk = batch[-1].pk
        self.stdout.write(f"Re-encrypted {done} inquiries under the first key.")
