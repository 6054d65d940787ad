from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from practice.visit_report import VisitReportCsvView, VisitReportView, visit_permission_policy


class VisitReportMenuItem(MenuItem):
    def is_shown(self, request):
        return visit_permission_policy.user_has_permission(request.user, "view")


@hooks.register("register_admin_urls")
def register_visit_report_urls():
    return [
        path("reports/visits/", VisitReportView.as_view(), name="visit_report"),
        path("reports/visits/csv/", VisitReportCsvView.as_view(), name="visit_report_csv"),
    ]


@hooks.register("register_reports_menu_item")
def register_visit_report_menu_item():
    return VisitReportMenuItem("Visits", reverse("visit_report"), icon_name="view", order=100)


@hooks.register("register_permissions")
def register_visit_report_permission():
    """The permission that opens the report ("Can view visit count"), in Settings › Groups."""
    return Permission.objects.filter(content_type__app_label="practice", codename="view_visitcount")
