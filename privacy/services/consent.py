"""Consents and objections (Art. 7(3) and 21), per purpose of the notice."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from privacy.models import (
    Consent,
    ConsentMethod,
    ConsentState,
    DataSubjectRequest,
)
from privacy.request_context import handling_request
from privacy.services.notice import notice_current
from privacy.services.request_rules import (
    _fresh,
    _not_in_future,
    _require_matched,
    _require_open,
    _require_verified,
    _start,
)

# --- consent and objection (privacy notice § 4: direct marketing and ad targeting can be refused) ---


def refusable_purposes():
    notice = notice_current()
    return list(notice.purposes.filter(can_be_refused=True)) if notice else []


@transaction.atomic
def consent_record(
    *,
    contacts,
    purpose,
    state,
    decided_on: datetime.date,
    method,
    request: DataSubjectRequest | None = None,
    note="",
) -> list:
    """Record a consent, its withdrawal or an objection for a refusable purpose of the notice in force.

    Withdrawing and objecting always succeed, also before the identity is verified: stopping processing
    harms no one, and Art. 21(3) makes an objection to direct marketing absolute. Giving consent on a
    request needs a verified identity.
    """
    codes = [p.code for p in refusable_purposes()]
    errors = {}
    if purpose not in codes:
        errors["purpose"] = _(
            "“%(value)s” is not a purpose of the privacy notice that can be refused; choose one of: %(codes)s."
        ) % {
            "value": purpose,
            "codes": ", ".join(codes) or "-",
        }
    if state not in ConsentState.values:
        errors["state"] = _("Choose whether consent was given, withdrawn or objected to.")
    if method not in ConsentMethod.values:
        errors["method"] = _("Choose how the consent was given or withdrawn.")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = _("Give the day consent was given or withdrawn.")
    if errors:
        raise ValidationError(errors)
    _not_in_future(decided_on, "decided_on", _("The day"))
    contacts = list(contacts)
    if not contacts:
        raise ValidationError(_("No contact to record the consent for: match the request to a contact first."))
    if request is not None:
        request = _fresh(request)
        _require_open(request, _("used to record consent"))
        if state == ConsentState.GIVEN:
            _require_verified(request, _("record a consent"))
        for contact in contacts:
            _require_matched(request, contact)
    saved = []
    with handling_request(request):
        for contact in contacts:
            consent = Consent.objects.filter(contact=contact, purpose=purpose).first() or Consent(
                contact=contact, purpose=purpose
            )
            consent.state = state
            consent.decided_on = decided_on
            consent.method = method
            consent.note = (note or "").strip()
            consent.request = request
            consent.full_clean()
            consent.save()
            saved.append(consent)
        if request is not None:
            _start(request)
    return saved
