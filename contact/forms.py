from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

from contact import review_conflicts, spam
from contact.models import MESSAGE_MAX_LENGTH, Inquiry
from contact.validators import validate_phone, validate_plain_text, validate_single_line


class MessageField(forms.CharField):
    """Line breaks count as one character, as the browser's maxlength and the counter in
    static/js/contact-form.js count them: forms send them as CRLF, which would count as two."""

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value


class InquiryForm(forms.ModelForm):
    """The public contact form. Two extra fields catch simple bots: a honeypot that
    people never see, and the signed time the form was shown."""

    acknowledge = forms.BooleanField(
        label=(
            "I understand that email is not a secure channel and that this form is not "
            "monitored for emergencies."
        ),
        error_messages={"required": "Please confirm that you have read this."},
    )
    # Hidden by CSS (display: none hides it from screen readers too); bots fill it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered_at = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    class Meta:
        model = Inquiry
        fields = ["name", "email", "phone", "preferred_contact", "client_type", "message"]
        labels = {
            "name": "Your name",
            "email": "Email address",
            "phone": "Phone number (optional)",
            "preferred_contact": "How should we contact you?",
            "client_type": "Have you been a client here before?",
            "message": "Your message",
        }
        help_texts = {
            "phone": "Any format, including a country code if you are outside the US.",
            "message": (
                f"Up to {MESSAGE_MAX_LENGTH:,} characters. A few lines about what brings you "
                "here are enough; please leave out details you would rather say in person."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "preferred_contact": forms.RadioSelect,
            "client_type": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": MESSAGE_MAX_LENGTH}),
        }
        field_classes = {"message": MessageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line)
        self.fields["email"].validators.append(validate_single_line)
        self.fields["phone"].validators += [validate_single_line, validate_phone]
        self.fields["message"].max_length = MESSAGE_MAX_LENGTH
        self.fields["message"].validators.append(validate_plain_text)
        if not self.is_bound:
            self.initial["rendered_at"] = spam.sign_render_time()
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "contact-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "name",
            "email",
            "phone",
            "preferred_contact",
            "client_type",
            Field("message", css_class="contact-message"),
            "acknowledge",
            Div("website", css_class="contact-extra"),
            "rendered_at",
            Submit("send", "Send message"),
        )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("preferred_contact") == Inquiry.ContactMethod.PHONE and not (
            cleaned_data.get("phone") or self.has_error("phone")
        ):
            self.add_error("phone", "Add a phone number, or choose email as the contact method.")
        return cleaned_data

    def spam_reason(self, min_seconds: float) -> str:
        return spam.spam_reason(
            honeypot=self.cleaned_data.get("website", ""),
            rendered_at_token=self.cleaned_data.get("rendered_at", ""),
            min_seconds=min_seconds,
        )


def inquiry_reviewers():
    """Users who may be assigned an inquiry: superusers and those allowed to change one."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="change_inquiry")
            | Q(user_permissions__codename="change_inquiry")
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ReviewStateField(forms.CharField):
    """What the form showed, signed: a marker that is never a change of its own."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class InquiryReviewForm(WagtailAdminModelForm):
    """What staff may change: never what the person wrote."""

    # Compared with the row when saving, so that a colleague's save made meanwhile is
    # refused instead of overwritten (contact/review_conflicts.py).
    loaded_state = ReviewStateField(required=False)

    class Meta:
        model = Inquiry
        fields = ["status", "assigned_to", "staff_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = inquiry_reviewers()
        self.fields["assigned_to"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        if not self.is_bound:
            self.initial["loaded_state"] = review_conflicts.sign_state(
                review_conflicts.state_of(self.instance)
            )

    @property
    def seen_state(self) -> dict | None:
        """The reviewed fields as this form showed them; None if that is unknown."""
        return review_conflicts.unsign_state(self.data.get("loaded_state", ""), self.instance.pk)

    def submitted_state(self) -> dict:
        """The reviewed fields as submitted, once the form is valid."""
        assigned_to = self.cleaned_data["assigned_to"]
        return review_conflicts.review_state(
            self.instance.pk,
            self.cleaned_data["status"],
            assigned_to.pk if assigned_to else None,
            self.cleaned_data["staff_notes"],
        )
