"""The direct-marketing audience: who may be sent electronic marketing today, and its CSV."""

import datetime
import io

from django.utils import timezone

from caracom_register.spreadsheet import SafeCsvWriter
from customers.models import Contact, active_customer_q
from privacy.models import (
    Consent,
    ConsentState,
)
from privacy.selectors import restricted_exists

DIRECT_MARKETING = "direct_marketing"


MARKETING_CSV_COLUMNS = ("email", "first_name", "last_name", "company")


def marketing_audience(*, today: datetime.date | None = None):
    """Contacts who may be sent electronic direct marketing today.

    Current contacts of active customers with an email address, except those who withdrew consent or
    objected, and those whose processing is restricted.
    """

    today = today or timezone.localdate()
    refused = Consent.objects.filter(
        purpose=DIRECT_MARKETING, state__in=[ConsentState.WITHDRAWN, ConsentState.OBJECTED]
    ).values("contact_id")
    return (
        Contact.objects.exclude(email="")
        .filter(ended_on__isnull=True)
        .filter(active_customer_q(today, prefix="company__"))
        .exclude(pk__in=refused)
        .exclude(restricted_exists())
        .select_related("company")
        .order_by("company__name", "last_name", "pk")
    )


def marketing_audience_csv(*, today: datetime.date | None = None) -> str:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(MARKETING_CSV_COLUMNS)
    for contact in marketing_audience(today=today).iterator(chunk_size=2000):
        writer.writerow([contact.email, contact.first_name, contact.last_name, contact.company.name])
    return out.getvalue()
