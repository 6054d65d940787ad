"""The staff side of an inquiry: who may review it and what they may change. Apart from
the visitor's form (forms.py), because a Wagtail admin form can only be built once every
model is loaded, and the contact page's views load the visitor's form with the models."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

from contact import review_conflicts
from contact.inquiries import Inquiry


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
