"""Clearing a sign-in lockout: the one change anyone makes to django-axes' records, and it is logged."""

from axes.models import AccessAttempt
from django.db import transaction

from accounts.models import User, normalize_email_address
from audit.models import SecurityEvent
from audit.services import security_event_record


@transaction.atomic
def lockout_clear(*, attempts) -> int:
    """Delete these access attempts (the failure counts and lockouts), one security event each."""
    cleared = 0
    for attempt in AccessAttempt.objects.select_for_update().filter(pk__in=[a.pk for a in attempts]).order_by("pk"):
        email = normalize_email_address(attempt.username)
        attempt.delete()
        security_event_record(
            kind=SecurityEvent.Kind.LOCKOUT_CLEARED, user=User.objects.filter(email=email).first(), email=email
        )
        cleared += 1
    return cleared
