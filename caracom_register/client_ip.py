"""Who is on the other end of a request, as far as we can honestly tell.

The sign-in lockout (django-axes) and the audit trail both need the client's
address, so the rule lives here, below both. `X-Forwarded-For` is only as trustworthy as the proxies that wrote
it: each proxy appends the address it received the request from, and
anything to the left of what our own proxies wrote may be made up by the
client. So with `TRUSTED_PROXY_COUNT = n` the client is the n-th entry from
the right, and with 0 (the default) the header is ignored altogether.
"""

import ipaddress

from django.conf import settings


def _valid_ip(value):
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.9:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip_address(request):
    remote_addr = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxy_count:
        # The request did not come through all of our proxies, so the header
        # (if any) is the client's own claim.
        return remote_addr
    return _valid_ip(forwarded[-proxy_count]) or remote_addr
