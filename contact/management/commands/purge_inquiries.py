from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contact.models import Inquiry


class Command(BaseCommand):
    help = (
        "Delete inquiries closed or marked spam longer ago than the retention periods "
        "(INQUIRY_RETENTION_DAYS_CLOSED, INQUIRY_RETENTION_DAYS_SPAM). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--closed-days",
            type=int,
            default=settings.INQUIRY_RETENTION_DAYS_CLOSED,
            help="Keep closed inquiries this many days (default: %(default)s).",
        )
        parser.add_argument(
            "--spam-days",
            type=int,
            default=settings.INQUIRY_RETENTION_DAYS_SPAM,
            help="Keep spam this many days (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would go, delete nothing."
        )

    def handle(self, *args, closed_days, spam_days, dry_run, **options):
        now = timezone.now()
        rules = [
            (Inquiry.Status.CLOSED, "closed", closed_days),
            (Inquiry.Status.SPAM, "marked spam", spam_days),
        ]
        verb = "Would delete" if dry_run else "Deleted"
        with transaction.atomic():
            for status, label, days in rules:
                # Age counts from when the inquiry was closed (or marked spam), not from
                # its arrival; exactly `days` is kept. A row without a closing time (only
                # a bulk update that bypassed Inquiry.save can leave one) falls back to
                # its arrival.
                cutoff = now - timedelta(days=days)
                expired = Inquiry.objects.filter(status=status).filter(
                    Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, created__lt=cutoff)
                )
                count = expired.count() if dry_run else expired.delete()[0]
                self.stdout.write(
                    f"{verb} {count} inquir{'y' if count == 1 else 'ies'} "
                    f"{label} more than {days} days ago."
                )
