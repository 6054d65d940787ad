"""The consultation questions of the contact form: whether email and voicemail are safe,
preferred days and times, payment, and the state the person lives in.

Which questions are asked is the contact page's choice (ContactPage.ask_*); their
choices come from the practice details and the weekly office hours, so the empty form
is the same for every visitor and can be kept in the page cache. InquiryForm calls
`add_fields` and `clean`; the answers are stored, encrypted, on the inquiry, as the
person read them. An unasked question has no field and stores nothing.
"""

from dataclasses import dataclass

from crispy_forms.layout import HTML, Div, Field
from django import forms
from django.utils.html import format_html

from contact import availability, payment
from contact.inquiries import Inquiry
from contact.validators import validate_plain_text, validate_single_line
from practice import licensure

NOT_ANSWERED_STATE = ""


@dataclass(frozen=True)
class Questions:
    """What to ask. Empty choices mean the question is not asked."""

    contact_safety: bool = False
    days: tuple[tuple[str, str], ...] = ()
    times: tuple[tuple[str, str], ...] = ()
    payment: tuple[tuple[str, str], ...] = ()
    ask_state: bool = False
    # Where the therapist may see clients; empty = not set up, so nobody is told otherwise.
    authorities: tuple[licensure.Authority, ...] = ()
    has_office: bool = False
    served_text: str = ""

    @classmethod
    def for_page(cls, request, page) -> "Questions":
        """From the cached practice details and hours: no query once the cache is warm.
        Previews (a request Wagtail made up) fall back to the page's site."""
        from hours.cached import site_hours
        from practice.sites import practice_settings_for_context, site_for_context

        context = {"request": request, "page": page}
        practice = practice_settings_for_context(context)
        site = site_for_context(context)
        if practice is None or site is None:
            return cls()
        days, times = (), ()
        if page.ask_availability:
            weekly = site_hours(site).schedule.weekly
            days = tuple(availability.day_choices(weekly))
            times = tuple(availability.time_choices(weekly))
        authorities = tuple(practice.licensure)
        return cls(
            contact_safety=page.ask_contact_safety,
            days=days,
            times=times,
            payment=tuple(payment.choices(practice.insurers)) if page.ask_payment else (),
            ask_state=page.ask_state and practice.offers_telehealth,
            authorities=authorities,
            has_office=not practice.telehealth_only,
            served_text=licensure.summary_text(list(authorities)),
        )

    def is_out_of_state(self, state: str) -> bool:
        """A state (or outside the US) the therapist may not see clients in by telehealth."""
        valid = state in licensure.US_STATES or state == licensure.OUTSIDE_US
        return (
            valid
            and bool(self.authorities)
            and not licensure.is_served(state, list(self.authorities))
        )


def radio(label, choices, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def checkboxes(label, choices, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def add_fields(form, questions: Questions) -> tuple[list, list]:
    """Adds the asked questions' fields to `form`; returns the layout pieces to show after
    the contact method and after the new/returning question."""
    form.questions = questions
    contact_pieces, consultation_pieces = [], []
    fields = form.fields
    if questions.contact_safety:
        fields["email_ok"] = radio(
            "Is it OK to send email to this address?",
            [("yes", "Yes"), ("no", "No, please do not email me")],
            "Answer no if someone else may read this inbox; we will then reply only by phone.",
        )
        fields["voicemail_ok"] = radio(
            "May we leave a voicemail at this number?",
            [("yes", "Yes"), ("no", "No, please do not leave a message")],
            "If not, we will call back until we reach you and never leave a message or "
            "say why we are calling.",
        )
        contact_pieces += ["email_ok", "voicemail_ok"]
    if questions.days:
        fields["preferred_days"] = checkboxes(
            "Which days suit you? (optional)", questions.days, "Days the office is open."
        )
        consultation_pieces.append("preferred_days")
    if questions.times:
        fields["preferred_times"] = checkboxes(
            "Which times of day suit you? (optional)", questions.times
        )
        consultation_pieces.append("preferred_times")
    if questions.payment:
        fields["payment"] = radio("How do you expect to pay? (optional)", questions.payment)
        consultation_pieces.append("payment")
        if any(value == payment.OTHER_INSURER for value, _ in questions.payment):
            fields["payment_other"] = forms.CharField(
                label="Your insurer’s name",
                required=False,
                max_length=100,
                validators=[validate_single_line, validate_plain_text],
                help_text="Only if you chose “Another insurer”.",
            )
            consultation_pieces.append("payment_other")
    if questions.ask_state:
        fields["state"] = forms.ChoiceField(
            label="Which state do you live in? (optional)",
            choices=[(NOT_ANSWERED_STATE, "Choose a state"), *licensure.state_choices()],
            required=False,
            help_text="Telehealth is possible only where you are during sessions.",
        )
        state_field = Field(
            "state",
            data_served_states=" ".join(
                sorted(licensure.served_codes(list(questions.authorities)))
            ),
        )
        consultation_pieces.append(state_field)
        if questions.authorities:
            fields["out_of_state_ok"] = forms.BooleanField(
                label="I have read this note and would still like to send my message.",
                required=False,
            )
            consultation_pieces.append(_out_of_state_notice(form, questions))
    return contact_pieces, consultation_pieces


def _out_of_state_notice(form, questions: Questions):
    """Shown before sending when the chosen state is outside those served: by the
    server after a first try (so it works without JavaScript), and at once by
    static/js/contact-form.js. Always in the markup, hidden by a class until needed."""
    state = form.data.get(form.add_prefix("state"), "") if form.is_bound else ""
    hidden = "" if questions.is_out_of_state(state) else " d-none"
    in_person = (
        " In-person sessions at the office are open to you wherever you live."
        if questions.has_office
        else ""
    )
    notice = format_html(
        '<h2 class="h6" id="out-of-state-heading">Before you send: about where we can '
        "meet by telehealth</h2><p>Telehealth sessions are possible only while you are in a "
        "state where the therapist may practice ({}).{} You are still welcome to write: we "
        "will reply, and if we cannot work together we will gladly help you find someone "
        "who can.</p>",
        questions.served_text,
        in_person,
    )
    return Div(
        HTML(notice),
        "out_of_state_ok",
        css_id="out-of-state",
        css_class="alert out-of-state" + hidden,
    )


def clean(form, cleaned_data) -> None:
    """Checks the answers together and puts them on the inquiry, as the person read them."""
    questions: Questions = form.questions
    inquiry = form.instance
    if questions.contact_safety:
        email_ok = cleaned_data.get("email_ok", "")
        method = cleaned_data.get("preferred_contact")
        if email_ok == "no" and method == Inquiry.ContactMethod.EMAIL:
            form.add_error(
                "email_ok",
                "You chose email as the way to reach you. Choose phone instead, or answer "
                "yes if email is OK.",
            )
        inquiry.email_ok = email_ok
        # Only a number we have can take a voicemail.
        inquiry.voicemail_ok = (
            cleaned_data.get("voicemail_ok", "") if cleaned_data.get("phone") else ""
        )
    if questions.days:
        inquiry.preferred_days = availability.labels(
            questions.days, cleaned_data.get("preferred_days", [])
        )
    if questions.times:
        inquiry.preferred_times = availability.labels(
            questions.times, cleaned_data.get("preferred_times", [])
        )
    if questions.payment:
        chosen = cleaned_data.get("payment", "")
        other = cleaned_data.get("payment_other", "")
        if chosen == payment.OTHER_INSURER and not other and not form.has_error("payment_other"):
            form.add_error("payment_other", "Name your insurer, or choose “Not sure yet”.")
        inquiry.payment = payment.answer_text(chosen, other)
    if questions.ask_state:
        state = cleaned_data.get("state", "")
        if questions.is_out_of_state(state) and not cleaned_data.get("out_of_state_ok"):
            form.add_error(
                "out_of_state_ok",
                "Please read the note about telehealth above this box, and tick it to send "
                "your message.",
            )
        inquiry.state = licensure.state_label(state)
