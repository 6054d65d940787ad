"""Who a request comes from, as the rate limits see it: the contact form's and the admin
login throttling's. Only ever used to count; the address itself is never stored."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The visitor's address as the outermost of TRUSTED_PROXY_COUNT proxies saw it.

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    only the last TRUSTED_PROXY_COUNT entries are trustworthy; anything to their left is
    whatever the client sent. With no trusted proxy, or a header too short or not an
    address, REMOTE_ADDR is used.
    """
    remote_address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_address
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded_for) < proxies:
        return remote_address
    try:
        return str(ipaddress.ip_address(forwarded_for[-proxies].strip()))
    except ValueError:
        return remote_address


def client_network(address: str) -> str:
    """What one client controls: an IPv4 address, or an IPv6 /64 (a single host is given
    a whole /64 and can rotate through it, which would dodge a per-address limit)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
