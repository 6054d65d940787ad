from django.core.management.base import BaseCommand

from articles import reformat


class Command(BaseCommand):
    help = (
        "Format every article's stored reference list again (its page and its latest and "
        "scheduled revisions), after a change of apa.FORMAT_VERSION. Writes only what changed; "
        "safe to stop and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=reformat.BATCH_SIZE, help="Pages per transaction."
        )

    def handle(self, *args, batch_size, **options):
        changed = reformat.reformat_all(batch_size=max(1, batch_size))
        self.stdout.write(f"Re-formatted the references of {changed} article pages and revisions.")
