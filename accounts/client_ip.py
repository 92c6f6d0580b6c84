"""The sign-in lockout's view of a request: the client's address (the shared rule in
caracom_register.client_ip) and the sign-in name it counts failures for."""

from accounts.models import normalize_email_address
from caracom_register.client_ip import client_ip_address

__all__ = ["client_ip_address", "lockout_username"]


def lockout_username(request, credentials=None):
    """The sign-in name as the lockout counts it: `Anna@X.fi ` and `anna@x.fi` are one account."""
    if credentials and credentials.get("username") is not None:
        raw = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get("username")
    if not isinstance(raw, str):
        return None
    # No address is longer than 254 characters; cutting there keeps a
    # flood of junk countable instead of too long to record.
    return normalize_email_address(raw)[:254]
