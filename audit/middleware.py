"""Replaces auditlog.middleware.AuditlogMiddleware.

django-auditlog records the first X-Forwarded-For value as the client address
and any X-Forwarded-Port / X-Correlation-ID the client sends. Anyone can forge
those headers, and a non-IP value or an over-long id makes the log write (and
with it the user's change) fail on PostgreSQL. Here the address comes from
REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many proxies in front of
the app append to X-Forwarded-For, and invalid values are recorded as unknown.
"""

import uuid

from auditlog.cid import correlation_id

from audit.context import request_actor
from caracom_register.client_ip import client_ip_address


def client_ip(request):
    """The client address: one rule for the audit trail and the lockout (TRUSTED_PROXY_COUNT)."""
    return client_ip_address(request)


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
