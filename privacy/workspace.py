"""What the Privacy officer's home page shows: the work that is due, read-only.

Each function answers one question of the home page; the template tag in
privacy/templatetags/workspace.py calls `workspace_summary` once per page.
"""

import datetime

from django.db.models import Q

from privacy.models import OPEN_REQUEST_STATUSES, DataSubjectRequest, PurgeRun, RequestStatus
from privacy.retention import active_holds, expiring_between

WEEK = datetime.timedelta(days=7)
LOOK_AHEAD = datetime.timedelta(days=30)
# The home page lists a few of each; the full list is one click away.
SHOWN = 8


def open_requests_by_deadline(*, today):
    """Open requests, soonest due first: overdue, due this week, and those waiting for identity."""
    requests = DataSubjectRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES).order_by("due_on", "pk")
    return {
        "overdue": requests.filter(due_on__lt=today),
        "due_this_week": requests.filter(due_on__gte=today, due_on__lte=today + WEEK),
        "waiting_for_identity": requests.filter(status=RequestStatus.RECEIVED),
    }


def holds_lapsing(*, today):
    """Legal holds that end within the next 30 days: after that, the records may be purged."""
    contacts, companies = active_holds(today)
    until = today + LOOK_AHEAD
    return contacts.filter(legal_hold_until__lte=until), companies.filter(legal_hold_until__lte=until)


def recently_closed(*, since):
    """Requests closed since `since` (exports sent, erasures done, refusals), newest first."""
    return (
        DataSubjectRequest.objects.filter(status__in=(RequestStatus.COMPLETED, RequestStatus.REFUSED))
        .filter(Q(closed_at__date__gte=since))
        .order_by("-closed_at", "-pk")
    )


def workspace_summary(*, today):
    deadlines = open_requests_by_deadline(today=today)
    expiring_contacts, expiring_companies = expiring_between(today, today + LOOK_AHEAD)
    lapsing_contacts, lapsing_companies = holds_lapsing(today=today)
    last_purge = PurgeRun.objects.filter(dry_run=False).first()
    return {
        "overdue": list(deadlines["overdue"].select_related(None)[:SHOWN]),
        "overdue_count": deadlines["overdue"].count(),
        "due_this_week": list(deadlines["due_this_week"][:SHOWN]),
        "due_this_week_count": deadlines["due_this_week"].count(),
        "waiting_for_identity": list(deadlines["waiting_for_identity"][:SHOWN]),
        "waiting_for_identity_count": deadlines["waiting_for_identity"].count(),
        "expiring_contacts_count": expiring_contacts.count(),
        "expiring_companies_count": expiring_companies.count(),
        "lapsing_contacts": list(lapsing_contacts[:SHOWN]),
        "lapsing_companies": list(lapsing_companies[:SHOWN]),
        "last_purge": last_purge,
        "last_purge_failed": last_purge is not None and last_purge.outcome != PurgeRun.Outcome.SUCCEEDED,
        "recently_closed": list(recently_closed(since=today - LOOK_AHEAD)[:SHOWN]),
        "look_ahead_days": LOOK_AHEAD.days,
        "look_ahead_until": today + LOOK_AHEAD,
    }
