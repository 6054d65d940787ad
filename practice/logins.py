"""Admin login throttling with django-axes: which client a failure counts against, and
the page shown while logins are locked (see the README's "Security" section)."""

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from practice.clients import client_address, client_network


def login_client_address(request) -> str:
    """The address failures are counted against: the client as the contact form's rate
    limit sees it (behind TRUSTED_PROXY_COUNT proxies), and for IPv6 the first address of
    its /64, since one host is given a whole /64 and could rotate through it. axes stores
    it in an IP address column, so the network is written as that address, not as a CIDR."""
    return client_network(client_address(request)).split("/")[0]


def lockout_response(request, original_response=None, credentials=None):
    """The admin's sign-in page, saying why it refuses and for how long; 429 like axes."""
    cooloff = settings.AXES_COOLOFF_TIME
    response = TemplateResponse(
        request,
        "practice/admin/login_locked_out.html",
        {"cooloff_minutes": round(cooloff.total_seconds() / 60) if cooloff else None},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    add_never_cache_headers(response)
    return response.render()
