"""Restriction of processing (Art. 18): marking a contact restricted and lifting it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from privacy.models import (
    DataSubjectRequest,
    ProcessingRestriction,
    RequestType,
)
from privacy.request_context import handling_request
from privacy.services.request_rules import (
    _fresh,
    _not_in_future,
    _require_matched,
    _require_type,
    _require_verified,
    _start,
)


@transaction.atomic
def contact_restrict(*, request: DataSubjectRequest, contact: Contact, reason) -> ProcessingRestriction:
    """Art. 18: from now on the contact is only stored: staff cannot edit it and no marketing list includes it."""
    request = _fresh(request)
    _require_verified(request, _("restrict processing"))
    _require_type(request, (RequestType.RESTRICTION, RequestType.OBJECTION), _("restrict processing"))
    _require_matched(request, contact)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the restriction (e.g. accuracy contested).")})
    if ProcessingRestriction.objects.filter(contact=contact, lifted_at__isnull=True).exists():
        raise ValidationError(_("Contact #%(id)s is already restricted.") % {"id": contact.pk})
    with handling_request(request):
        restriction = ProcessingRestriction(contact=contact, reason=reason.strip(), request=request)
        restriction.full_clean()
        restriction.save()
        _start(request)
    return restriction


@transaction.atomic
def contact_restriction_lift(
    *, request: DataSubjectRequest, restriction: ProcessingRestriction, subject_informed_on: datetime.date
) -> ProcessingRestriction:
    """Art. 18(3): a restriction is lifted only once the subject has been told, from a verified request about them."""
    request = _fresh(request)
    _require_verified(request, _("lift a restriction"))
    _require_type(request, (RequestType.RESTRICTION, RequestType.OBJECTION), _("lift a restriction"))
    restriction = ProcessingRestriction.objects.select_for_update().get(pk=restriction.pk)
    _require_matched(request, restriction.contact)
    if not restriction.is_active:
        raise ValidationError(_("This restriction was already lifted."))
    if not isinstance(subject_informed_on, datetime.date):
        raise ValidationError(
            {"subject_informed_on": _("Give the day the subject was told the restriction is lifted (Art. 18(3)).")}
        )
    _not_in_future(subject_informed_on, "subject_informed_on", _("The day the subject was told"))
    if subject_informed_on < timezone.localtime(restriction.restricted_at).date():
        raise ValidationError(
            {"subject_informed_on": _("The subject cannot have been told before the restriction began.")}
        )
    with handling_request(request):
        restriction.lifted_at = timezone.now()
        restriction.subject_informed_on = subject_informed_on
        restriction.full_clean()
        restriction.save()
    return restriction
