"""Inquiries: what a prospective client sent, and what staff keep track of."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from contact import encryption, intake_modes
from contact.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField

MESSAGE_MAX_LENGTH = 2000
YES_NO = [("yes", "Yes"), ("no", "No")]


class InquiryQuerySet(models.QuerySet):
    def with_email(self, address: str):
        """Inquiries sent from this address, case aside: through the blind index, since
        the address itself is stored encrypted."""
        return self.filter(email_index__in=encryption.email_index_candidates(address))

    def waiting_list(self):
        """The waitlist as it stands: waitlist requests nobody has closed, scheduled,
        referred or marked as spam, first come first served."""
        return self.filter(
            kind=Inquiry.Kind.WAITLIST, status__in=Inquiry.WAITING_STATUSES
        ).order_by("created", "pk")

    def with_waitlist_position(self):
        """Each inquiry's place on the waitlist as `waitlist_position` (1 is next), None
        for one that is not waiting. Counted among all waiting requests, whatever else
        the queryset filters, in one query: a subquery per listed row, on the partial
        index of waiting requests."""
        ahead = (
            Inquiry.objects.waiting_list()
            .filter(
                Q(created__lt=OuterRef("created"))
                | Q(created=OuterRef("created"), pk__lte=OuterRef("pk"))
            )
            .order_by()
            .values("kind")
            .annotate(count=Count("pk"))
            .values("count")
        )
        waiting = Q(kind=Inquiry.Kind.WAITLIST, status__in=Inquiry.WAITING_STATUSES)
        return self.annotate(
            waitlist_position=models.Case(
                models.When(waiting, then=Subquery(ahead)),
                output_field=models.IntegerField(),
            )
        )


class Inquiry(models.Model):
    """A first message from a prospective client. Staff fields sit beside what the person sent."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        SCHEDULED = "scheduled", "Scheduled"
        REFERRED = "referred", "Referred"
        CLOSED = "closed", "Closed"
        SPAM = "spam", "Spam"

    # Statuses that end an inquiry's life: retention counts from entering one.
    CLOSING_STATUSES = (Status.CLOSED, Status.SPAM)
    # A waitlist request in one of these still waits for a place; scheduled, referred,
    # closed and spam ones have left the waitlist.
    WAITING_STATUSES = (Status.NEW, Status.CONTACTED)

    class Kind(models.TextChoices):
        """What the inquiry asks for, set by the server from the intake mode and the
        person's answer (contact/intake_modes.py), never taken from the request."""

        CONSULTATION = intake_modes.CONSULTATION, "Consultation request"
        WAITLIST = intake_modes.WAITLIST_REQUEST, "Waitlist request"
        OTHER = intake_modes.OTHER, "Other (returning client or question)"

    class ContactMethod(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"

    class ClientType(models.TextChoices):
        NEW = "new", "New client"
        RETURNING = "returning", "Returning client"

    class Notification(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Notification failed"
        SKIPPED = "skipped", "Not sent (spam)"

    # What the person sent, encrypted at rest (contact/fields.py), with a blind index of
    # the address so that staff can still look an inquiry up by it.
    name = EncryptedCharField(max_length=200)
    email = EncryptedEmailField()
    email_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone = EncryptedCharField(max_length=40, blank=True)
    preferred_contact = models.CharField(
        "preferred contact method",
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    client_type = models.CharField(
        "new or returning", max_length=10, choices=ClientType.choices, default=ClientType.NEW
    )
    # Not encrypted: which queue the inquiry is in, chosen by the server, no more personal
    # than the status; staff filter and order by it.
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CONSULTATION)
    message = EncryptedTextField(validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    # Answers to the consultation questions (contact/consultation_questions.py), as the
    # person saw them; empty when not asked or not answered. Encrypted: whether a person
    # can safely get email or a voicemail, how they pay and where they live are about them.
    email_ok = EncryptedCharField(
        "OK to send email", max_length=3, blank=True, choices=YES_NO, default=""
    )
    voicemail_ok = EncryptedCharField(
        "OK to leave a voicemail", max_length=3, blank=True, choices=YES_NO, default=""
    )
    preferred_days = EncryptedCharField(max_length=200, blank=True, default="")
    preferred_times = EncryptedCharField(
        "preferred times of day", max_length=200, blank=True, default=""
    )
    payment = EncryptedCharField(max_length=200, blank=True, default="")
    state = EncryptedCharField("state of residence", max_length=100, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    # HMAC of the client address (contact.spam.client_hash), never the address.
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    spam_reason = models.CharField(max_length=20, blank=True, editable=False)

    # What staff keep track of.
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="assigned to",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_inquiries",
    )
    staff_notes = EncryptedTextField(
        "private staff notes",
        blank=True,
        help_text="Only staff with access to inquiries see these.",
    )

    # Delivery of the notification email: no personal data, only the error's class name.
    notification_state = models.CharField(
        max_length=10, choices=Notification.choices, default=Notification.PENDING
    )
    notification_attempts = models.PositiveSmallIntegerField(default=0)
    notification_last_error = models.CharField(max_length=100, blank=True)
    notification_sent_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_sent_at = models.DateTimeField(null=True, blank=True)

    # Retention (purge_inquiries) counts from here, not from arrival.
    closed_at = models.DateTimeField(
        "closed or marked spam", null=True, blank=True, editable=False, db_index=True
    )

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            # The waitlist's order and each request's place in it (with_waitlist_position).
            models.Index(
                fields=["created", "id"],
                condition=Q(kind="waitlist", status__in=["new", "contacted"]),
                name="contact_inquiry_waiting",
            )
        ]
        verbose_name = "inquiry"
        verbose_name_plural = "inquiries"

    def __str__(self):
        # Shown in the admin's history and breadcrumbs: deliberately no personal data.
        return f"Inquiry #{self.pk}"

    def save(self, *args, **kwargs):
        """Keep closed_at in step with the status: set when the inquiry becomes closed or
        spam (again when it moves from one to the other), cleared when it is reopened."""
        if self.status not in self.CLOSING_STATUSES:
            self.closed_at = None
        elif self.closed_at is None or self.status != self._status_before():
            self.closed_at = timezone.now()
        self.email_index = encryption.email_index(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "closed_at"}
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_index"}
        super().save(*args, **kwargs)
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "status" in instance.__dict__:  # not deferred
            instance._stored_status = instance.status
        return instance

    def _status_before(self):
        """The status as last loaded or saved; for a row loaded without its status, the
        current one (so saving it keeps closed_at)."""
        if self._state.adding:
            return None
        return getattr(self, "_stored_status", self.status)

    def waitlist_place(self) -> int | None:
        """This request's place on the waitlist (1 is next), None if it is not waiting."""
        found = Inquiry.objects.with_waitlist_position().filter(pk=self.pk).first()
        return found.waitlist_position if found else None

    waitlist_place.short_description = "Place on the waitlist"

    @property
    def is_spam(self) -> bool:
        return self.status == self.Status.SPAM
