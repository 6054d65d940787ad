"""purge_inquiries: closed and spam inquiries go once their retention period has passed
since they were closed (or marked spam)."""

import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from contact.models import Inquiry

MINUTE = timedelta(minutes=1)


def inquiry_aged(age: timedelta, status: str, arrived: timedelta | None = None) -> Inquiry:
    """An inquiry in `status` since `age` ago, which arrived `arrived` ago (default: then)."""
    inquiry = Inquiry.objects.create(
        name="Aged", email="aged@example.com", message="x", status=status
    )
    now = timezone.now()
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created=now - (arrived or age),
        closed_at=now - age if status in (Inquiry.Status.CLOSED, Inquiry.Status.SPAM) else None,
    )
    return inquiry


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_inquiries", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_boundaries_with_the_default_periods():
    closed_expired = inquiry_aged(timedelta(days=365) + MINUTE, Inquiry.Status.CLOSED)
    closed_kept = inquiry_aged(timedelta(days=365) - MINUTE, Inquiry.Status.CLOSED)
    spam_expired = inquiry_aged(timedelta(days=30) + MINUTE, Inquiry.Status.SPAM)
    spam_kept = inquiry_aged(timedelta(days=30) - MINUTE, Inquiry.Status.SPAM)
    # Open inquiries are never purged, however old.
    open_old = [
        inquiry_aged(timedelta(days=3000), status)
        for status in ("new", "contacted", "scheduled", "referred")
    ]

    report = purge()

    assert "Deleted 1 inquiry closed more than 365 days ago." in report
    assert "Deleted 1 inquiry marked spam more than 30 days ago." in report
    remaining = set(Inquiry.objects.values_list("pk", flat=True))
    assert closed_expired.pk not in remaining
    assert spam_expired.pk not in remaining
    assert {closed_kept.pk, spam_kept.pk, *(i.pk for i in open_old)} <= remaining


@pytest.mark.django_db
def test_periods_come_from_settings_and_options(settings):
    settings.INQUIRY_RETENTION_DAYS_CLOSED = 10
    settings.INQUIRY_RETENTION_DAYS_SPAM = 2
    inquiry_aged(timedelta(days=11), Inquiry.Status.CLOSED)
    inquiry_aged(timedelta(days=3), Inquiry.Status.SPAM)
    inquiry_aged(timedelta(days=3), Inquiry.Status.SPAM)
    assert "Deleted 2 inquiries marked spam more than 2 days ago." in purge()
    assert Inquiry.objects.count() == 0

    inquiry_aged(timedelta(days=6), Inquiry.Status.CLOSED)
    assert "Deleted 0 inquiries closed more than 7 days ago." in purge("--closed-days", "7")
    assert "Deleted 1 inquiry closed more than 5 days ago." in purge("--closed-days", "5")


@pytest.mark.django_db
def test_dry_run_deletes_nothing():
    inquiry_aged(timedelta(days=400), Inquiry.Status.CLOSED)
    assert "Would delete 1 inquiry closed more than 365 days ago." in purge("--dry-run")
    assert Inquiry.objects.count() == 1


@pytest.mark.django_db
def test_retention_counts_from_closing_not_arrival():
    closed_yesterday = inquiry_aged(timedelta(days=1), Inquiry.Status.CLOSED, timedelta(days=400))
    spam_today = inquiry_aged(timedelta(hours=1), Inquiry.Status.SPAM, timedelta(days=100))
    long_closed = inquiry_aged(timedelta(days=366), Inquiry.Status.CLOSED, timedelta(days=367))
    report = purge()
    assert "Deleted 1 inquiry closed more than 365 days ago." in report
    assert "Deleted 0 inquiries marked spam more than 30 days ago." in report
    remaining = set(Inquiry.objects.values_list("pk", flat=True))
    assert remaining == {closed_yesterday.pk, spam_today.pk}
    assert long_closed.pk not in remaining


@pytest.mark.django_db
def test_closed_at_is_set_on_closing_and_cleared_on_reopening():
    inquiry = Inquiry.objects.create(name="A", email="a@example.com", message="x")
    assert inquiry.closed_at is None

    inquiry.status = Inquiry.Status.CLOSED
    inquiry.save()
    closed_at = inquiry.closed_at
    assert closed_at is not None
    inquiry.staff_notes = "Sent a referral list."
    inquiry.save()  # still closed: the closing time stays
    inquiry.refresh_from_db()
    assert inquiry.closed_at == closed_at

    inquiry.status = Inquiry.Status.SPAM
    inquiry.save(update_fields=["status"])
    inquiry.refresh_from_db()
    assert inquiry.closed_at > closed_at  # marked spam later: its retention starts now

    inquiry.status = Inquiry.Status.CONTACTED
    inquiry.save()
    inquiry.refresh_from_db()
    assert inquiry.closed_at is None


@pytest.mark.django_db
def test_spam_from_the_form_is_closed_on_arrival():
    spam = Inquiry.objects.create(
        name="Bot", email="b@example.com", message="x", status=Inquiry.Status.SPAM
    )
    assert spam.closed_at is not None


@pytest.mark.django_db
def test_the_migration_backfills_closing_times_from_arrival():
    migration = importlib.import_module("contact.migrations.0003_inquiry_closed_at")
    arrived = timezone.now() - timedelta(days=50)
    for status in (Inquiry.Status.CLOSED, Inquiry.Status.SPAM, Inquiry.Status.NEW):
        Inquiry.objects.create(name="Old", email="o@example.com", message="x", status=status)
    Inquiry.objects.update(created=arrived, closed_at=None)
    migration.backfill_closed_at(apps, None)
    closed_at = dict(Inquiry.objects.values_list("status", "closed_at"))
    assert closed_at == {"closed": arrived, "spam": arrived, "new": None}
