"""What the retention rules of the privacy notice (§ 9, § 10) say must go, as querysets.

Selectors only: they read, never write. `privacy.services.retention_purge()`
deletes what they select; the review page and `--dry-run` show the same.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from customers.models import Company, Contact
from privacy.models import OPEN_REQUEST_STATUSES
from privacy.selectors import restricted_exists


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months, clamped to the month's last day: 2024-02-29 + 24 months = 2026-02-28."""
    return day + relativedelta(months=months)


def last_expired_clock_start(as_of: datetime.date, months: int | None = None) -> datetime.date:
    """The latest clock start whose retention period has ended before `as_of`.

    A record expires when clock start + `months` is before `as_of`. Month
    arithmetic clamps at month ends, so the inverse is found by stepping from
    an estimate rather than by subtracting months.
    """
    months = settings.RETENTION_MONTHS_AFTER_RELATIONSHIP if months is None else months
    day = as_of - relativedelta(months=months)
    while add_months(day, months) >= as_of:
        day -= datetime.timedelta(days=1)
    while add_months(day + datetime.timedelta(days=1), months) < as_of:
        day += datetime.timedelta(days=1)
    return day


def _held(prefix: str, as_of: datetime.date) -> Q:
    return Q(**{f"{prefix}legal_hold_until__gte": as_of})


def expired_contacts(as_of: datetime.date):
    """Contacts whose retention has ended and that nothing requires keeping.

    The clock starts at the earlier of the contact's own end and the company's
    relationship end: a person who left an active customer is outdated data.
    Nothing about a person with an open data subject request is purged (the
    answer must cover it), nor a restricted contact (Art. 18: storage only).
    A kept contact keeps its company too (see expired_companies).
    """
    limit = last_expired_clock_start(as_of)
    return (
        Contact.objects.filter(Q(ended_on__lte=limit) | Q(company__relationship_end__lte=limit))
        .exclude(_held("", as_of))
        .exclude(_held("company__", as_of))
        .exclude(data_subject_requests__status__in=OPEN_REQUEST_STATUSES)
        .exclude(restricted_exists())
    )


def kept_contacts(as_of: datetime.date):
    return Contact.objects.exclude(pk__in=expired_contacts(as_of).values("pk"))


def expired_companies(as_of: datetime.date):
    """Companies whose relationship ended long enough ago, not held, with no contact that stays."""
    limit = last_expired_clock_start(as_of)
    staying = kept_contacts(as_of).filter(company=OuterRef("pk"))
    return Company.objects.filter(relationship_end__lte=limit).exclude(_held("", as_of)).exclude(Exists(staying))


def expiring_between(start: datetime.date, end: datetime.date):
    """Contacts and companies that are kept on `start` but expire by `end` (for the review page)."""
    return (
        expired_contacts(end).exclude(pk__in=expired_contacts(start).values("pk")),
        expired_companies(end).exclude(pk__in=expired_companies(start).values("pk")),
    )


def active_holds(as_of: datetime.date):
    return (
        Contact.objects.filter(legal_hold_until__gte=as_of).select_related("company").order_by("legal_hold_until"),
        Company.objects.filter(legal_hold_until__gte=as_of).order_by("legal_hold_until"),
    )
