"""The admin dashboard's warning about required notices (practice/policies.py)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from practice.policies import notice_warnings

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
