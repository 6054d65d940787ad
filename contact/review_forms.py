"""The staff side of an inquiry: who may review it and what they may change. Apart from
the visitor's form (forms.py), because a Wagtail admin form can only be built once every
model is loaded, and the contact page's views load the visitor's form with the models."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

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


class InquiryReviewForm(WagtailAdminModelForm):
    """What staff may change: never what the person wrote."""

    class Meta:
        model = Inquiry
        fields = ["status", "assigned_to", "staff_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = inquiry_reviewers()
        self.fields["assigned_to"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
