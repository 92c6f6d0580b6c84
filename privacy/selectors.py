"""Read-only questions about data subject requests, restrictions and consents."""

import datetime

from django.db.models import Exists, OuterRef

from privacy.models import DUE_SOON_DAYS, OPEN_REQUEST_STATUSES, DataSubjectRequest, ProcessingRestriction


def active_restrictions():
    return ProcessingRestriction.objects.filter(lifted_at__isnull=True)


def restricted_exists():
    """An Exists() expression for annotating contacts: True while the contact is restricted (Art. 18)."""
    return Exists(active_restrictions().filter(contact=OuterRef("pk")))


def contact_is_restricted(contact) -> bool:
    return contact.pk is not None and active_restrictions().filter(contact_id=contact.pk).exists()


def open_requests():
    return DataSubjectRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)


def deadline_counts(*, today):
    """Open requests, overdue ones and those due within DUE_SOON_DAYS (for the admin index)."""
    requests = open_requests()
    return {
        "open": requests.count(),
        "overdue": requests.filter(due_on__lt=today).count(),
        "due_soon": requests.filter(
            due_on__gte=today, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        ).count(),
    }
