"""purge_inquiries: closed and spam inquiries go once older than their retention period."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from contact.models import Inquiry

MINUTE = timedelta(minutes=1)


def inquiry_aged(age: timedelta, status: str) -> Inquiry:
    inquiry = Inquiry.objects.create(
        name="Aged", email="aged@example.com", message="x", status=status
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created=timezone.now() - age)
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

    assert "Deleted 1 closed inquiry older than 365 days." in report
    assert "Deleted 1 spam inquiry older than 30 days." in report
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
    assert "Deleted 2 spam inquiries older than 2 days." in purge()
    assert Inquiry.objects.count() == 0

    inquiry_aged(timedelta(days=6), Inquiry.Status.CLOSED)
    assert "Deleted 0 closed inquiries older than 7 days." in purge("--closed-days", "7")
    assert "Deleted 1 closed inquiry older than 5 days." in purge("--closed-days", "5")


@pytest.mark.django_db
def test_dry_run_deletes_nothing():
    inquiry_aged(timedelta(days=400), Inquiry.Status.CLOSED)
    assert "Would delete 1 closed inquiry older than 365 days." in purge("--dry-run")
    assert Inquiry.objects.count() == 1
