"""Which site a template is rendered for, and that site's practice details."""

from wagtail.models import Site

from practice.models import PracticeSettings


def site_for_context(context) -> Site | None:
    """The request's site; in previews and emails without a matching request, the page's."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None and (page := context.get("page")) is not None:
        site = page.get_site()
    return site


def practice_settings_for_context(context) -> PracticeSettings | None:
    request = context.get("request")
    if request is not None and Site.find_for_request(request) is not None:
        return PracticeSettings.for_request(request)  # kept on the request after the first
    site = site_for_context(context)
    return PracticeSettings.for_site(site) if site else None
