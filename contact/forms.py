from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms

from contact import consultation_questions, intake_modes, spam
from contact.inquiries import MESSAGE_MAX_LENGTH, Inquiry
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
    # The intake mode the form was shown in: a form filled in before the practice changed
    # it is sent back to be checked, not stored as something the person did not ask for.
    intake_mode = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    class Meta:
        model = Inquiry
        fields = ["name", "email", "phone", "preferred_contact", "client_type", "message"]
        labels = {
            "name": "Your name",
            "email": "Email address",
            "phone": "Phone number (optional)",
            "preferred_contact": "How should we contact you?",
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
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": MESSAGE_MAX_LENGTH}),
        }
        field_classes = {"message": MessageField}

    def __init__(self, *args, mode: str = intake_modes.OPEN, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake = intake_modes.intake_form(mode)
        self._apply_intake_mode()
        contact_pieces, consultation_pieces = consultation_questions.add_fields(
            self, questions or consultation_questions.Questions()
        )
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
            *contact_pieces,
            "client_type",
            *consultation_pieces,
            Field("message", css_class="contact-message"),
            "acknowledge",
            Div("website", css_class="contact-extra"),
            "rendered_at",
            "intake_mode",
            Submit("send", self.intake.submit_label),
        )

    def _apply_intake_mode(self):
        """The "about" question (the client_type field) as the mode asks it. Its answer
        decides the inquiry's kind in clean(); an answer the mode does not offer is an
        error on the field, as any other invalid choice."""
        intake = self.intake
        offered = [value for value, _ in intake.choices]
        # "New client" is chosen to start with, as the model field's default made it before;
        # where a mode does not offer it (closed), no answer is chosen for the person.
        self.fields["client_type"] = forms.ChoiceField(
            label=intake.question_label,
            choices=intake.choices,
            widget=forms.RadioSelect,
            initial=intake_modes.NEW_CLIENT if intake_modes.NEW_CLIENT in offered else None,
            error_messages={"invalid_choice": intake.refused_choice},
        )
        self.submitted_mode = self.data.get("intake_mode", "") if self.is_bound else ""
        if self.is_bound:  # shown again, the form carries the mode it is shown in now
            self.data = self.data.copy()
            self.data["intake_mode"] = intake.mode
        else:
            self.initial["intake_mode"] = intake.mode

    def clean(self):
        cleaned_data = super().clean()
        if self.submitted_mode and self.submitted_mode != self.intake.mode:
            self.add_error(None, self.intake.mode_changed)
        kind = intake_modes.kind_for(self.intake.mode, cleaned_data.get("client_type", ""))
        if kind is not None:
            self.instance.kind, cleaned_data["client_type"] = kind
        if cleaned_data.get("preferred_contact") == Inquiry.ContactMethod.PHONE and not (
            cleaned_data.get("phone") or self.has_error("phone")
        ):
            self.add_error("phone", "Add a phone number, or choose email as the contact method.")
        consultation_questions.clean(self, cleaned_data)
        return cleaned_data

    def spam_reason(self, min_seconds: float) -> str:
        return spam.spam_reason(
            honeypot=self.cleaned_data.get("website", ""),
            rendered_at_token=self.cleaned_data.get("rendered_at", ""),
            min_seconds=min_seconds,
        )
