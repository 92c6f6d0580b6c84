"""Staff accounts in the audit trail: who was given which role, and when an account changed."""

from accounts.models import User
from audit.registry import register_audited


def register_audit_trail():
    register_audited(
        User,
        # The hash is a secret, last_login is noise (sign-ins are security events).
        exclude_fields=("password", "last_login"),
        m2m_fields=("groups", "user_permissions"),
        personal_fields=("email", "first_name", "last_name"),
    )
