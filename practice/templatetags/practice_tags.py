"""Site-wide pieces of every page, as inclusion tags so previews render them too."""

from django import template
from django.conf import settings
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from practice import licensure, visits
from practice.sites import practice_settings_for_context, site_content, site_for_context

register = template.Library()


@register.inclusion_tag("practice/tags/main_menu.html", takes_context=True)
def main_menu(context):
    site = site_for_context(context)
    current = context.get("page")
    current_path = current.url_path if current else ""
    return {
        "root": site.root_page if site else None,
        "items": [
            {
                "title": item.title,
                "url": item.url,
                "is_current": item.url_path == current_path,
                "is_ancestor": current_path.startswith(item.url_path),
            }
            for item in (site_content(site).menu if site else ())
        ],
        "practice": practice_settings_for_context(context),
        "request": context.get("request"),
    }


def policy_links_for_context(context) -> tuple:
    site = site_for_context(context)
    return site_content(site).policies if site else ()


@register.inclusion_tag("practice/tags/site_footer.html", takes_context=True)
def site_footer(context):
    return {
        "practice": practice_settings_for_context(context),
        "policies": policy_links_for_context(context),
        "request": context.get("request"),
    }


@register.inclusion_tag("practice/tags/policy_links.html", takes_context=True)
def policy_links(context):
    """The notices, in a sentence: for the contact page, beside the form."""
    return {"policies": policy_links_for_context(context)}


@register.inclusion_tag("practice/tags/crisis_notice.html", takes_context=True)
def crisis_notice(context):
    return {"practice": practice_settings_for_context(context)}


@register.inclusion_tag("practice/tags/intake_banner.html", takes_context=True)
def intake_banner(context):
    """While the practice has a waitlist or takes no new clients, the same line on every
    page, for every visitor; nothing while it is accepting."""
    practice = practice_settings_for_context(context)
    if practice is None:
        return {"text": ""}
    return {"text": practice.intake_banner, "mode": practice.accepting_new_clients}


@register.simple_tag(takes_context=True)
def editor_userbar(context):
    """Wagtail's user bar, for signed-in editors only. Asking who the visitor is loads the
    session and makes every public page vary by cookie; without a session cookie the
    visitor is anonymous, so the page stays the same for everyone and can be cached whole."""
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    return wagtailuserbar(context)


@register.simple_tag(takes_context=True)
def visit_page_id(context):
    """The page's id for static/js/visits.js, or None where views are not counted (not a
    page, a preview, a page no visitor can see). The same for every visitor."""
    return visits.page_to_count(context)


@register.inclusion_tag("practice/tags/practice_fees.html", takes_context=True)
def practice_fees(context):
    """The fees block's content, from the (cached) practice details: no query per page."""
    practice = practice_settings_for_context(context)
    if practice is None:
        return {"practice": None}
    return {
        "practice": practice,
        "fees": practice.fee_items,
        "insurers": practice.insurers,
        "licensure": licensure.summary(practice.licensure),
    }
