from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from contact import notifications
from contact.inquiries import Inquiry


@task()
def send_inquiry_notification(inquiry_id: int) -> str:
    """Runs in the worker (`manage.py db_worker`); retries schedule themselves."""
    return notifications.deliver(inquiry_id, queue_retry=queue_notification)


def queue_notification(inquiry_id: int, delay_seconds: float = 0) -> None:
    """Queue the notification job, due now or after `delay_seconds`. Call it inside the
    transaction that must commit with it.

    Always with a due time: the worker runs ready jobs in order of their run_after, and a
    job queued without one gets a placeholder far in the future, so it would wait behind
    every retry that falls due. During a mail outage that starves new inquiries for as
    long as retries keep coming; with a due time each job takes its turn."""
    due = timezone.now() + timedelta(seconds=delay_seconds)
    send_inquiry_notification.using(run_after=due).enqueue(inquiry_id)


def resend_notification(inquiry: Inquiry) -> None:
    """Start delivery again with a fresh attempt count (the admin's resend action)."""
    with transaction.atomic():
        Inquiry.objects.filter(pk=inquiry.pk).update(
            notification_state=Inquiry.Notification.PENDING, notification_attempts=0
        )
        queue_notification(inquiry.pk)
