"""The admin's own pieces for the whole site: the dashboard's warning about required
notices (practice/policies.py) and the Visits report (practice/visit_report.py)."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from practice.policies import notice_warnings
from practice.visit_report import VisitReportCsvView, VisitReportView, visit_permission_policy

# Whoever can write or publish a page can fix a notice; Wagtail's own page panels ask
# the same policy.
EDITING_ACTIONS = {"add", "change", "publish"}


class NoticeWarningsPanel(Component):
    name = "notice_warnings"
    order = 40  # above Wagtail's own panels: a notice missing is a legal matter
    template_name = "practice/admin/notice_warnings_panel.html"

    def __init__(self, sites: list[dict], several_sites: bool):
        self.sites = sites
        self.several_sites = several_sites  # then each site's list is headed by its name

    def get_context_data(self, parent_context=None):
        return {"sites": self.sites, "several_sites": self.several_sites}


def sites_with_warnings(can_edit_setting: bool) -> list[dict]:
    """Each site with a notice to fix; links to the setting only for those who may edit it
    (Wagtail's Editors group may not, as with the practice details)."""
    found = []
    for site in Site.objects.order_by("-is_default_site", "hostname"):
        warnings = notice_warnings(site)
        if warnings:
            found.append(
                {
                    "site": site,
                    "settings_url": reverse(
                        "wagtailsettings:edit", args=["practice", "policysettings", site.pk]
                    )
                    if can_edit_setting
                    else None,
                    "warnings": [
                        {
                            "label": warning.label,
                            "problems": warning.problems,
                            "edit_url": reverse("wagtailadmin_pages:edit", args=[warning.page.pk])
                            if warning.page is not None
                            else None,
                        }
                        for warning in warnings
                    ],
                }
            )
    return found


@hooks.register("construct_homepage_panels")
def add_notice_warnings_panel(request, panels):
    if not PagePermissionPolicy().user_has_any_permission(request.user, EDITING_ACTIONS):
        return
    sites = sites_with_warnings(request.user.has_perm("practice.change_policysettings"))
    if sites:
        panels.append(NoticeWarningsPanel(sites, several_sites=Site.objects.count() > 1))


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
