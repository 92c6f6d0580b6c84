"""The chain key (AUDIT_CHAIN_KEY, from the environment, never in the database) and the MAC helper."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = bytes(32)


def chain_key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if not key:
        # Fails closed: an unchained entry could be forged or removed without a trace.
        raise ImproperlyConfigured(
            "AUDIT_CHAIN_KEY is not set, so audit entries cannot be chained and nothing audited can be written. "
            "Set it in the environment (at least 32 random characters; see docs/audit.md)."
        )
    return key.encode()


def mac(key: bytes, *parts: bytes) -> bytes:
    """HMAC-SHA256 over length-prefixed parts, so no two different part lists give the same input."""
    digest = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def same(a, b) -> bool:
    return a is not None and b is not None and hmac.compare_digest(bytes(a), bytes(b))
