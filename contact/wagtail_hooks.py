"""The staff inbox: an "Inquiries" admin section for reviewers, with history and exports."""

import datetime
import uuid

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaks_filter
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter, log
from wagtail.models import ModelLogEntry
from wagtail.permissions import ModelPermissionPolicy

from contact import review_conflicts
from contact.export import neutralize_formula, neutralize_xlsx_formula
from contact.models import Inquiry
from contact.paginator import CappedCountPaginator
from contact.review_forms import InquiryReviewForm, inquiry_reviewers
from contact.tasks import resend_notification
from practice.visit_report import SERIES_HOOK, WeeklySeries, fill_weeks

REVIEW_ACTION = "contact.inquiry.review"
RESEND_ACTION = "contact.inquiry.resend"
# Reads, not only changes: who opened an inquiry, who exported it. Never its content.
VIEW_ACTION = "contact.inquiry.view"
EXPORT_ACTION = "contact.inquiry.export"


def record_export(user, inquiries, spreadsheet_format: str) -> None:
    """One entry per exported inquiry, in each one's history. The entries of one export
    share an export id in their data; not a uuid, since the history shows only the latest
    entry of each uuid."""
    pks = list(inquiries.order_by().values_list("pk", flat=True))
    content_type = ContentType.objects.get_for_model(Inquiry)
    export_id = uuid.uuid4()
    now = timezone.now()
    data = {"format": spreadsheet_format, "count": len(pks), "export": str(export_id)}
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(pk),
            label=f"Inquiry #{pk}",
            action=EXPORT_ACTION,
            data=data,
            timestamp=now,
            uuid=uuid.uuid4(),
            user=user,
        )
        for pk in pks
    )


class InquiryPermissionPolicy(ModelPermissionPolicy):
    """Inquiries come only from the public form: nobody adds one in the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class InquiryFilterSet(WagtailFilterSet):
    folder = django_filters.ChoiceFilter(
        label="Show",
        choices=[
            ("waitlist", "The waitlist, first come first served"),
            ("spam", "Suspected spam"),
            ("all", "Everything, spam included"),
        ],
        empty_label="Inbox (without spam)",
        method="filter_folder",
        widget=forms.RadioSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=[c for c in Inquiry.Status.choices if c[0] != Inquiry.Status.SPAM],
        empty_label="All",
        widget=forms.RadioSelect,
    )
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Inquiry.Kind.choices, empty_label="All", widget=forms.RadioSelect
    )
    created = django_filters.DateFromToRangeFilter(label="Received", widget=DateRangePickerWidget)
    assigned_to = django_filters.ModelChoiceFilter(
        label="Assigned to",
        queryset=lambda request: inquiry_reviewers(),
        null_label="Nobody",
        empty_label="Anyone",
    )
    notification_state = django_filters.ChoiceFilter(
        label="Notification", choices=Inquiry.Notification.choices, empty_label="All"
    )

    class Meta:
        model = Inquiry
        fields = ["folder", "status", "kind", "created", "assigned_to", "notification_state"]

    def filter_folder(self, queryset, name, value):
        if value == "waitlist":
            return queryset.waiting_list()
        if value == "spam":
            return queryset.filter(status=Inquiry.Status.SPAM)
        return queryset  # "all"; the inbox default is applied by the index view


class InquiryIndexView(IndexView):
    paginator_class = CappedCountPaginator
    results_template_name = "contact/admin/inquiry_results.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("assigned_to").with_waitlist_position()

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            record_export(self.request.user, context["object_list"], self.request.GET.get("export"))
        return super().render_to_response(context, **response_kwargs)

    def search_queryset(self, queryset):
        """Names, messages and addresses are encrypted, so the ORM cannot look inside them:
        search finds an inquiry by its whole email address (any case), through the blind
        index, or by its number ("#42" or "42")."""
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        number = query.removeprefix("#")
        if number.isdigit():
            return queryset.filter(pk=int(number))
        return queryset.with_email(query)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Spam stays out of the inbox unless the "Show" filter asks for it.
        valid = self.filters and self.filters.is_valid()
        folder = self.filters.form.cleaned_data["folder"] if valid else ""
        if folder == "waitlist" and self.is_explicitly_ordered:
            # The waitlist comes in its own order unless a column's heading asks for another.
            return self.order_queryset(queryset)
        if folder:
            return queryset
        return queryset.exclude(status=Inquiry.Status.SPAM)

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # Reading comes first: the title opens the inquiry, not the edit form.
        column_class = self._get_title_column_class(column_class)
        return self._get_custom_column(
            field_name, column_class, get_url=self.get_inspect_url, **kwargs
        )


class InquiryInspectView(InspectView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log(instance=self.object, action=VIEW_ACTION, user=request.user, data={"via": "inspect"})
        return response

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        # Wagtail's inspect template shows values through |localize, which formats an
        # aware datetime as stored (UTC): the list shows 4:15 am and the inquiry 9:15 am.
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value

    def get_waitlist_place_display_value(self):
        place = self.object.waitlist_place()
        return place if place is not None else "Not waiting"

    def get_message_display_value(self):
        # Escapes the visitor's text before adding <p> and <br>.
        return linebreaks_filter(self.object.message, autoescape=True)

    def get_notification_state_display_value(self):
        inquiry = self.object
        text = inquiry.get_notification_state_display()
        if inquiry.notification_attempts:
            text += f" after {inquiry.notification_attempts} attempt(s)"
        if inquiry.notification_last_error:
            text += f" (last error: {inquiry.notification_last_error})"
        return text

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.notification_state == Inquiry.Notification.FAILED and (
            self.user_has_permission("change")
        ):
            buttons.append(
                HeaderButton(
                    "Resend notification",
                    url=reverse("inquiries:resend", args=[self.object.pk]),
                    icon_name="mail",
                    priority=5,
                )
            )
        return buttons


def describe_changes(form) -> list[str]:
    """Human-readable changes for the history; private notes are named, never quoted."""
    changes = []
    for field_name in form.changed_data:
        field = form.fields[field_name]
        if field_name == "staff_notes":
            changes.append("Staff notes edited")
            continue
        before = form.initial.get(field_name)
        after = form.cleaned_data.get(field_name)
        if field_name == "status":
            labels = dict(Inquiry.Status.choices)
            before, after = labels.get(before, before), labels.get(after, after)
        elif field_name == "assigned_to":
            before = get_user_model().objects.filter(pk=before).first() if before else None
            before = field.label_from_instance(before) if before else "nobody"
            after = field.label_from_instance(after) if after else "nobody"
        changes.append(f"{field.label}: {before} → {after}")
    return changes


class EditConflict(Exception):
    """Another reviewer saved the inquiry after this form was shown."""

    def __init__(self, current: Inquiry, changed: list[str]):
        super().__init__(changed)
        self.current = current
        self.changed = changed


class InquiryEditView(EditView):
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EditConflict as conflict:
            return self.form_invalid(self.conflict_form(form, conflict))
        except Inquiry.DoesNotExist:
            # Purged (or deleted by a colleague) while the form was open.
            messages.error(self.request, f"{self.object} no longer exists; nothing was saved.")
            return redirect("inquiries:index")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log(instance=self.object, action=VIEW_ACTION, user=request.user, data={"via": "edit"})
        return response

    def save_instance(self):
        # Locked until the transaction ends: a colleague's save either committed before
        # this check (and is seen) or waits for this save to finish.
        current = Inquiry.objects.select_for_update().get(pk=self.object.pk)
        changed = review_conflicts.changed_since(
            self.form.seen_state, review_conflicts.state_of(current)
        )
        if changed:
            raise EditConflict(current, changed)
        # Only what the reviewer changed: the worker may have marked the notification
        # sent since this form loaded the row, and a full save would undo that.
        instance = self.form.save(commit=False)
        instance.save(update_fields=self.form.changed_data)
        self.has_content_changes = self.form.has_changed()
        log(
            instance=instance,
            action=REVIEW_ACTION,
            data={"changes": describe_changes(self.form)},
            content_changed=self.has_content_changes,
        )
        return instance

    def get_success_url(self):
        return reverse("inquiries:inspect", args=[self.object.pk])

    def conflict_form(self, form, conflict: EditConflict):
        """The form again, nothing the reviewer typed lost: fields only the colleague
        changed show the colleague's value, fields both changed keep the reviewer's with
        a note of the other, and the form is now checked against the row as it is."""
        current = conflict.current
        seen, submitted = form.seen_state, form.submitted_state()
        now = review_conflicts.state_of(current)
        data = form.data.copy()
        data["loaded_state"] = review_conflicts.sign_state(now)
        taken, kept = [], {}
        for name in conflict.changed:
            if seen is not None and submitted[name] == seen[name]:
                data[name] = self.form_value(current, name)
                taken.append(str(form.fields[name].label))
            elif submitted[name] != now[name]:
                kept[name] = self.their_value(form, current, name)

        self.object = current
        kwargs = {**self.get_form_kwargs(), "data": data, "instance": current}
        conflict_form = self.get_form_class()(**kwargs)
        if seen is None:
            explanation = (
                "This form could not be matched with the inquiry as it is stored now "
                "(it was opened before a change to the site, or altered)"
            )
        else:
            explanation = "Another reviewer saved this inquiry after you opened it"
        explanation += ", so your changes are not saved yet."
        if taken:
            explanation += f" The form now shows their changes to: {', '.join(taken)}."
        if kept:
            explanation += " Where you both changed a field, the form keeps yours."
        conflict_form.add_error(None, explanation + " Check the form and save again.")
        for name, theirs in kept.items():
            conflict_form.add_error(name, theirs)
        self.produced_error_code = "conflict"
        self.produced_error_message = "The inquiry was not saved: it changed meanwhile."
        return conflict_form

    @staticmethod
    def form_value(inquiry: Inquiry, name: str) -> str:
        if name == "assigned_to":
            return str(inquiry.assigned_to_id or "")
        return getattr(inquiry, name)

    @staticmethod
    def their_value(form, inquiry: Inquiry, name: str) -> str:
        if name == "staff_notes":
            # Not quoted: notes can be long, and the message banner repeats every error.
            return (
                "Another reviewer edited these notes too. Saving keeps yours; open the "
                "inquiry in another tab to see theirs and combine them."
            )
        if name == "status":
            value = inquiry.get_status_display()
        elif inquiry.assigned_to is None:
            value = "nobody"
        else:
            value = form.fields["assigned_to"].label_from_instance(inquiry.assigned_to)
        return f"Another reviewer set this to “{value}”. Saving keeps your choice."


class ResendNotificationView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST queues the notification again."""

    permission_policy = InquiryPermissionPolicy(Inquiry)
    permission_required = "change"
    template_name = "contact/admin/confirm_resend.html"
    page_title = "Resend notification"
    header_icon = "mail"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Inquiry, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def post(self, request, *args, **kwargs):
        resend_notification(self.object)
        log(instance=self.object, action=RESEND_ACTION)
        messages.success(request, f"The notification for {self.object} is queued again.")
        return redirect("inquiries:inspect", self.object.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["inspect_url"] = reverse("inquiries:inspect", args=[self.object.pk])
        return context


# The answers to the consultation questions (contact/consultation_questions.py).
CONSULTATION_FIELDS = [
    "email_ok",
    "voicemail_ok",
    "preferred_days",
    "preferred_times",
    "payment",
    "state",
]
CONSULTATION_EXPORT = [
    "get_email_ok_display",
    "get_voicemail_ok_display",
    "preferred_days",
    "preferred_times",
    "payment",
    "state",
]


class InquiryViewSet(ModelViewSet):
    model = Inquiry
    name = "inquiries"
    icon = "mail"
    menu_label = "Inquiries"
    menu_order = 150
    add_to_admin_menu = True
    # Inquiries link to nothing editors manage; indexing them would queue a job per message.
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = InquiryIndexView
    edit_view_class = InquiryEditView
    inspect_view_class = InquiryInspectView
    list_per_page = 25
    list_display = [
        "__str__",
        "name",
        "email",
        "status",
        "assigned_to",
        "created",
        "notification_state",
        "kind",
        Column("waitlist_position", label="Waitlist place"),
    ]
    filterset_class = InquiryFilterSet
    # Shows the search box; InquiryIndexView.search_queryset does the (blind index) search.
    search_fields = ["email"]
    search_backend_name = None  # inquiries stay out of the search index
    list_export = [
        "pk",
        "created",
        "name",
        "email",
        "phone",
        "get_preferred_contact_display",
        "get_client_type_display",
        *CONSULTATION_EXPORT,
        "get_kind_display",
        "waitlist_position",
        "get_status_display",
        "assigned_to",
        "get_notification_state_display",
    ]
    export_headings = {
        "pk": "Inquiry",
        "get_preferred_contact_display": "Preferred contact method",
        "get_client_type_display": "New or returning",
        "get_email_ok_display": "OK to send email",
        "get_voicemail_ok_display": "OK to leave a voicemail",
        "preferred_days": "Preferred days",
        "preferred_times": "Preferred times of day",
        "payment": "Payment",
        "state": "State of residence",
        "get_kind_display": "Kind",
        "waitlist_position": "Waitlist place",
        "get_status_display": "Status",
        "get_notification_state_display": "Notification",
    }
    export_filename = "inquiries"
    inspect_view_fields = [
        "created",
        "name",
        "email",
        "phone",
        "preferred_contact",
        *CONSULTATION_FIELDS,
        "client_type",
        "kind",
        "waitlist_place",
        "message",
        "status",
        "assigned_to",
        "staff_notes",
        "closed_at",
        "notification_state",
        "spam_reason",
    ]

    @property
    def permission_policy(self):
        return InquiryPermissionPolicy(self.model)

    def get_form_class(self, for_update=False):
        return InquiryReviewForm

    def get_index_view_kwargs(self, **kwargs):
        view_kwargs = super().get_index_view_kwargs(**kwargs)
        # Visitors type these; they must not become spreadsheet formulas (see export.py).
        view_kwargs["custom_field_preprocess"] = {
            field: {"csv": neutralize_formula, "xlsx": neutralize_xlsx_formula}
            for field in ("name", "email", "phone", "payment")
        }
        return view_kwargs

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("resend/<int:pk>/", ResendNotificationView.as_view(), name="resend"),
        ]


inquiry_viewset = InquiryViewSet()


@hooks.register("register_admin_viewset")
def register_inquiry_viewset():
    return inquiry_viewset


@hooks.register("register_log_actions")
def register_inquiry_log_actions(actions):
    @actions.register_action(REVIEW_ACTION)
    class ReviewFormatter(LogFormatter):
        label = "Review inquiry"

        def format_message(self, log_entry):
            changes = (log_entry.data or {}).get("changes") or []
            return "; ".join(changes) if changes else "Saved without changes"

    actions.register_action(RESEND_ACTION, "Resend notification", "Notification queued again")

    @actions.register_action(VIEW_ACTION)
    class ViewFormatter(LogFormatter):
        label = "Open inquiry"

        def format_message(self, log_entry):
            via = (log_entry.data or {}).get("via")
            return "Opened for editing" if via == "edit" else "Opened"

    @actions.register_action(EXPORT_ACTION)
    class ExportFormatter(LogFormatter):
        label = "Export inquiries"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            spreadsheet = str(data.get("format", "")).upper() or "a spreadsheet"
            return f"Exported as {spreadsheet}, with {data.get('count', '?')} inquiries"


class NewInquiriesPanel(Component):
    name = "new_inquiries"
    order = 50
    template_name = "contact/admin/new_inquiries_panel.html"

    def get_context_data(self, parent_context=None):
        new = Inquiry.objects.filter(status=Inquiry.Status.NEW)
        return {
            "new_count": new.count(),
            "failed_count": Inquiry.objects.filter(
                notification_state=Inquiry.Notification.FAILED
            ).count(),
            "index_url": reverse("inquiries:index") + "?status=new",
            "waitlist_count": Inquiry.objects.waiting_list().count(),
            "waitlist_url": reverse("inquiries:index") + "?folder=waitlist",
        }


@hooks.register("construct_homepage_panels")
def add_new_inquiries_panel(request, panels):
    if inquiry_viewset.permission_policy.user_has_any_permission(request.user, ["view", "change"]):
        panels.append(NewInquiriesPanel())


@hooks.register(SERIES_HOOK)
def inquiries_per_week(request, first_day, last_day):
    """The visit report's "Inquiries per week": how many arrived, never what they say.
    Suspected spam is left out. Only for those who may see the inbox."""
    if not inquiry_viewset.permission_policy.user_has_any_permission(
        request.user, ["view", "change"]
    ):
        return None
    weeks = (
        Inquiry.objects.exclude(status=Inquiry.Status.SPAM)
        .filter(created__date__gte=first_day - datetime.timedelta(days=first_day.weekday()))
        .filter(created__date__lte=last_day)
        .annotate(week=TruncWeek("created"))
        .values_list("week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {week.date(): count for week, count in weeks}
    return WeeklySeries(
        title="Inquiries per week",
        description="Messages sent with the contact form, suspected spam not included; "
        "each week starts on Monday.",
        weeks=fill_weeks(counts, first_day, last_day),
    )
