"""Emails about an inquiry. None of them carries anything the person wrote.

Delivery is at-least-once: the inquiry row is locked (select_for_update) while its
emails go out and each email's sent time is saved in the same transaction, so two
workers never send the same email, and a retry only sends what has not gone out.
An email can still go out twice if the worker dies, or loses its database connection,
between the SMTP server accepting it and the commit.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from contact.backoff import retry_delay
from contact.inquiries import Inquiry

logger = logging.getLogger(__name__)


class NoRecipientsConfigured(Exception):
    """INQUIRY_NOTIFY_EMAILS is empty: retried like an outage, so that setting it and
    restarting the worker delivers what waited, and shown as failed if it never is."""


# What delivery writes; the reviewer's fields (status, assignee, notes) are left alone.
# queue_retry(inquiry_id, delay_seconds): queues the next attempt (contact.tasks).
QueueRetry = Callable[[int, float], None]

DELIVERY_FIELDS = [
    "notification_state",
    "notification_attempts",
    "notification_last_error",
    "notification_sent_at",
    "acknowledgement_sent_at",
]

# Connection refused, timeouts, DNS failures and every smtplib error are OSErrors.
DELIVERY_ERRORS = (OSError, NoRecipientsConfigured)
# The database connection lost or refused (a restart, a failover): as passing as a mail
# outage. Other database errors (a constraint, a bug in a query) would recur on retry.
LOST_DATABASE_ERRORS = (OperationalError, InterfaceError)


def admin_url(inquiry: Inquiry) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("inquiries:inspect", args=[inquiry.pk])


def notification_email(inquiry: Inquiry) -> EmailMessage:
    # The kind is the server's, not the person's words: which queue to look in. A waitlist
    # request needs no answer today, so it says so in the subject.
    what = "waitlist request" if inquiry.kind == Inquiry.Kind.WAITLIST else "inquiry"
    return EmailMessage(
        subject=f"New {what} #{inquiry.pk}",
        body=(
            f"A new {what} arrived through the website's contact form.\n\n"
            f"Read it in the admin (sign-in required):\n{admin_url(inquiry)}\n\n"
            "This email deliberately contains nothing the person wrote.\n"
        ),
        to=settings.INQUIRY_NOTIFY_EMAILS,
    )


def acknowledgement_email(inquiry: Inquiry) -> EmailMessage:
    from practice.models import PracticeSettings

    site = Site.objects.filter(is_default_site=True).first()
    practice = PracticeSettings.for_site(site) if site else None
    practice_name = practice.practice_name if practice else settings.WAGTAIL_SITE_NAME
    crisis_notice = practice.crisis_notice if practice else ""
    return EmailMessage(
        subject=f"Your message to {practice_name} arrived",
        body=(
            f"Thank you for getting in touch. Your message to {practice_name} arrived "
            "safely and we will reply as soon as we can.\n\n"
            f"{crisis_notice}\n\n"
            "You received this email because this address was entered in the contact "
            "form on our website. Please do not reply with private details: email is "
            "not a secure channel.\n"
        ),
        to=[inquiry.email],
    )


def deliver(inquiry_id: int, *, queue_retry: QueueRetry) -> str:
    """Send what is still unsent for the inquiry; on failure record it and have
    `queue_retry(inquiry_id, delay_seconds)` queue a retry inside the row's transaction
    (contact.tasks passes its queue, which this module does not import).

    Any other error is a bug or a misconfiguration that a retry would meet again: the
    inquiry is marked failed (so the admin offers "Resend notification" instead of showing
    "Pending" for ever) and the error is raised again, so the job shows as failed too."""
    try:
        return _deliver(inquiry_id, queue_retry)
    except LOST_DATABASE_ERRORS as error:
        return _retry_after_losing_the_database(inquiry_id, error, queue_retry)
    except Exception as error:
        _record_unexpected_failure(inquiry_id, error)
        raise


def _retry_after_losing_the_database(
    inquiry_id: int, error: Exception, queue_retry: QueueRetry
) -> str:
    """The delivery's transaction went with the connection, so an email that had gone out
    is not recorded and goes again with the retry (at least once). The broken connection
    is dropped and the retry queued on a new one. With the database still away that fails
    too, and the error is raised to the worker, as any outage of its database is."""
    connection.close_if_unusable_or_obsolete()
    try:
        with transaction.atomic():
            inquiry = Inquiry.objects.select_for_update().filter(pk=inquiry_id).first()
            if inquiry is None or inquiry.notification_state != Inquiry.Notification.PENDING:
                return "database error; nothing left to retry"
            return _schedule_retry(inquiry, error, queue_retry)
    except DatabaseError:
        logger.error(
            "Notification for inquiry #%s lost the database (%s), which is still "
            "unavailable; not retried",
            inquiry_id,
            type(error).__name__,
        )
        raise error from None


def _record_unexpected_failure(inquiry_id: int, error: Exception) -> None:
    error_class = type(error).__name__[:100]
    try:
        # Its own transaction: the one that failed has been rolled back, or is broken.
        with transaction.atomic():
            Inquiry.objects.filter(pk=inquiry_id).exclude(
                notification_state__in=[Inquiry.Notification.SENT, Inquiry.Notification.SKIPPED]
            ).update(
                notification_state=Inquiry.Notification.FAILED,
                notification_last_error=error_class,
                notification_attempts=F("notification_attempts") + 1,
            )
    except DatabaseError:
        logger.error("Could not mark the notification for inquiry #%s as failed", inquiry_id)
    # Id and class only: the message of an unexpected error may quote anything.
    logger.error(
        "Notification for inquiry #%s failed with unexpected %s; not retried",
        inquiry_id,
        error_class,
    )


def _deliver(inquiry_id: int, queue_retry: QueueRetry) -> str:
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().filter(pk=inquiry_id).first()
        if inquiry is None:
            return "deleted"
        if inquiry.is_spam or inquiry.notification_state == Inquiry.Notification.SKIPPED:
            return "spam"
        if inquiry.notification_state == Inquiry.Notification.SENT:
            return "already sent"
        try:
            if not settings.INQUIRY_NOTIFY_EMAILS:
                raise NoRecipientsConfigured
            if inquiry.notification_sent_at is None:
                notification_email(inquiry).send()
                inquiry.notification_sent_at = timezone.now()
            # Someone who said email to their address is not safe gets none from us.
            if (
                settings.INQUIRY_SEND_ACKNOWLEDGEMENT
                and inquiry.acknowledgement_sent_at is None
                and inquiry.email_ok != "no"
            ):
                acknowledgement_email(inquiry).send()
                inquiry.acknowledgement_sent_at = timezone.now()
        except DELIVERY_ERRORS as error:
            return _schedule_retry(inquiry, error, queue_retry)
        inquiry.notification_state = Inquiry.Notification.SENT
        inquiry.notification_last_error = ""
        inquiry.notification_attempts += 1
        inquiry.save(update_fields=DELIVERY_FIELDS)
    return "sent"


def _schedule_retry(inquiry: Inquiry, error: Exception, queue_retry: QueueRetry) -> str:
    """Count the failed attempt and queue the next one after the backoff delay, or mark
    the notification failed when the attempts are used up. Inside the row's transaction."""

    inquiry.notification_attempts += 1
    # The class name only: SMTP error texts can quote recipient addresses.
    inquiry.notification_last_error = type(error).__name__[:100]
    delay = retry_delay(
        inquiry.notification_attempts,
        settings.INQUIRY_NOTIFY_RETRY_DELAYS,
        settings.INQUIRY_NOTIFY_MAX_ATTEMPTS,
    )
    if delay is None:
        inquiry.notification_state = Inquiry.Notification.FAILED
    else:
        queue_retry(inquiry.pk, delay)
    inquiry.save(update_fields=DELIVERY_FIELDS)
    logger.warning(
        "Notification for inquiry #%s failed with %s (attempt %s of %s); %s",
        inquiry.pk,
        inquiry.notification_last_error,
        inquiry.notification_attempts,
        settings.INQUIRY_NOTIFY_MAX_ATTEMPTS,
        "giving up" if delay is None else f"retrying in {delay:g} seconds",
    )
    return "failed" if delay is None else "retry scheduled"
