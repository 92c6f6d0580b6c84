"""Replaces auditlog.middleware.AuditlogMiddleware.

django-auditlog records the first X-Forwarded-For value as the client address
and any X-Forwarded-Port / X-Correlation-ID the client sends. Anyone can forge
those headers, and a non-IP value or an over-long id makes the log write (and
with it the user's change) fail on PostgreSQL. Here the address comes from
REMOTE_ADDR unless AUDIT_TRUSTED_PROXY_COUNT says how many proxies in front of
the app append to X-Forwarded-For, and invalid values are recorded as unknown.
"""

import ipaddress
import uuid

from auditlog.cid import correlation_id
from django.conf import settings

from audit.context import request_actor


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


def client_ip(request):
    """The client address, trusting X-Forwarded-For only as far as the configured proxies."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "AUDIT_TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # Each trusted proxy appends the address it received the request from; the
    # entries to the left of those are whatever the client claimed.
    if len(hops) < proxies:
        return remote
    return _valid_ip(hops[-proxies]) or remote


def client_port(request):
    try:
        port = int(request.META.get("REMOTE_PORT", ""))
    except (TypeError, ValueError):
        return None
    return port if 0 < port < 65536 else None


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # One server-generated correlation id per request groups its entries.
        cid_token = correlation_id.set(uuid.uuid4().hex)
        try:
            with request_actor(request, remote_addr=client_ip(request), remote_port=client_port(request)):
                return self.get_response(request)
        finally:
            correlation_id.reset(cid_token)
