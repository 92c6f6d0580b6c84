"""Rules every data subject request obeys: deadlines (Art. 12(3)) and the state a request must be in before
an action on it."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from privacy.models import (
    OPEN_REQUEST_STATUSES,
    VERIFIED_REQUEST_STATUSES,
    DataSubjectRequest,
    RequestStatus,
    RequestType,
)

# --- Data subject requests (privacy notice § 11-12, GDPR Art. 12-22) ---------------------------------------

ANSWER_WITHIN_MONTHS = 1


# Art. 12(3): one month, extendable "by two further months" when necessary.
LONGEST_EXTENSION_MONTHS = 2


# The GDPR applies from this day (Art. 99(2)): no data subject request of ours was received before it.
GDPR_APPLIES_FROM = datetime.date(2018, 5, 25)


def request_due_on(received_on: datetime.date) -> datetime.date:
    """One calendar month after receipt, clamped to the month's end: 31 January is due 28 (or 29) February."""
    return received_on + relativedelta(months=ANSWER_WITHIN_MONTHS)


def request_latest_due_on(received_on: datetime.date) -> datetime.date:
    return received_on + relativedelta(months=ANSWER_WITHIN_MONTHS + LONGEST_EXTENSION_MONTHS)


def _label(choices, value):
    return str(dict(choices.choices).get(value, value))


def _fresh(request: DataSubjectRequest) -> DataSubjectRequest:
    # Lock the row: two officers acting on one request must not both pass the status checks.
    return DataSubjectRequest.objects.select_for_update().get(pk=request.pk)


def _require_open(request, action):
    if request.status not in OPEN_REQUEST_STATUSES:
        raise ValidationError(
            _("Request #%(id)s is already %(status)s; it cannot be %(action)s.")
            % {"id": request.pk, "status": request.get_status_display().lower(), "action": action}
        )


def _require_verified(request, action):
    if request.status not in VERIFIED_REQUEST_STATUSES:
        if request.status == RequestStatus.RECEIVED:
            raise ValidationError(
                _(
                    "Request #%(id)s: the requester's identity has not been verified. Verify it before you "
                    "%(action)s; nothing was done."
                )
                % {"id": request.pk, "action": action}
            )
        raise ValidationError(
            _("Request #%(id)s is %(status)s; you cannot %(action)s for it any more.")
            % {"id": request.pk, "status": request.get_status_display().lower(), "action": action}
        )


def _require_type(request, types, action):
    if request.request_type not in types:
        raise ValidationError(
            _("Request #%(id)s is a request for %(type)s; to %(action)s it must be one for %(wanted)s.")
            % {
                "id": request.pk,
                "type": request.get_request_type_display(),
                "action": action,
                "wanted": ", ".join(_label(RequestType, t) for t in types),
            }
        )


def _require_matched(request, contact):
    if not request.matched_contacts.filter(pk=contact.pk).exists():
        raise ValidationError(
            _("Contact #%(contact)s is not matched to request #%(id)s; match it to the request first.")
            % {"contact": contact.pk, "id": request.pk}
        )


def _start(request):
    """The first action on a verified request puts it in progress."""
    if request.status == RequestStatus.VERIFIED:
        request.status = RequestStatus.IN_PROGRESS
        request.save(update_fields=["status", "updated_at"])


def _not_in_future(day, field_name, label):
    if day and day > timezone.localdate():
        raise ValidationError(
            {
                field_name: _("%(label)s %(date)s is in the future.")
                % {"label": label, "date": date_format(day, "SHORT_DATE_FORMAT")}
            }
        )


def _valid_email(value, field_name="email"):
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            {field_name: _("“%(value)s” is not a valid email address.") % {"value": value[:254]}}
        ) from None
    return value
