"""Erasure (Art. 17): deleting a request's matched contacts, except what a hold or another request keeps,
and leaving no trace of the erased people."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import redact_entries_for, redact_m2m_mentions
from customers.models import Contact
from privacy.models import (
    ERASED,
    DataSubjectRequest,
    RecipientNotification,
    RequestStatus,
    RequestType,
)
from privacy.request_context import handling_request
from privacy.services.disclosures import recipients_to_inform_prepare
from privacy.services.erasure_letter import letter_erasure_confirmation, letters_minimise_for
from privacy.services.ledger import contacts_erase
from privacy.services.request_rules import _fresh, _require_type, _require_verified


@dataclass
class ErasureOutcome:
    erased: list
    kept: list  # (contact id, until, reason)
    audit_entries_redacted: int
    summary: str


def _hold_of(contact, today):
    """The later of the contact's and its company's active legal holds, as (until, reason), or None."""
    holds = [
        (owner.legal_hold_until, owner.legal_hold_reason)
        for owner in (contact, contact.company)
        if owner.legal_hold_until and owner.legal_hold_until >= today
    ]
    return max(holds, key=lambda hold: hold[0]) if holds else None


def _anonymize_requests(pks):

    for request in DataSubjectRequest.objects.filter(pk__in=pks):
        request.requester_name = ERASED
        request.requester_email = ""
        request.requester_contact = ""
        request.description = ""
        request.verification_note = ""
        request.save()
    # Last: the entries just written (and the older m2m entries naming the contacts) hold the values too.
    return redact_entries_for(model=DataSubjectRequest, pks=list(pks))


@transaction.atomic
def subject_erase(*, request: DataSubjectRequest, by) -> ErasureOutcome:
    """Art. 17: erase the matched contacts and redact the trail about them, in one transaction.

    Contacts under a legal hold (their own or their company's) are kept and the outcome says why and until when.
    When everything was erased, the request keeps only the proof of handling: type, dates, who verified and
    closed it, and what was done.
    """

    request = _fresh(request)
    _require_verified(request, _("erase the data"))
    _require_type(request, (RequestType.ERASURE,), _("erase data"))
    today = timezone.localdate()
    contacts = list(request.matched_contacts.select_related("company").order_by("pk"))
    kept, erase = [], []
    for contact in contacts:
        hold = _hold_of(contact, today)
        if hold:
            kept.append((contact.pk, hold[0], hold[1]))
        else:
            erase.append(contact.pk)
    linked = set()
    if erase:
        linked = set(
            DataSubjectRequest.objects.filter(matched_contacts__in=erase)
            .exclude(pk=request.pk)
            .values_list("pk", flat=True)
        )
    # Art. 19: whom to tell, worked out while the erased ids still lead to their disclosures.
    recipients_to_inform_prepare(request=request, contact_pks=erase, action=RecipientNotification.Action.ERASURE)
    with handling_request(request):
        # The requests' m2m entries name the erased beside the kept; those entries may stay, the names go.
        redacted = redact_m2m_mentions(model=Contact, names_by_pk={c.pk: str(c) for c in contacts if c.pk in erase})
        redacted += contacts_erase(pks=erase, reference=f"request #{request.pk}")
    # The summary stays on the request as proof, so it names records by number only, never by name.
    lines = []
    if erase:
        lines.append(
            ngettext(
                "Erased %(count)s contact person (%(ids)s).",
                "Erased %(count)s contact persons (%(ids)s).",
                len(erase),
            )
            % {"count": len(erase), "ids": ", ".join(f"#{pk}" for pk in erase)}
            + " "
            + ngettext(
                "Removed their details from %(entries)s audit entry.",
                "Removed their details from %(entries)s audit entries.",
                redacted,
            )
            % {"entries": redacted}
        )
    elif not kept:
        lines.append(_("No data about the requester was held; nothing to erase."))
    for pk, until, reason in kept:
        lines.append(
            _("Kept contact person #%(id)s under a legal hold until %(until)s: %(reason)s")
            % {"id": pk, "until": formats.date_format(until, "SHORT_DATE_FORMAT"), "reason": reason}
        )
    if linked:
        lines.append(
            ngettext(
                "Removed the personal details from an earlier request (%(ids)s).",
                "Removed the personal details from earlier requests (%(ids)s).",
                len(linked),
            )
            % {"ids": ", ".join(f"#{pk}" for pk in sorted(linked))}
        )
    summary = "\n".join(lines)
    request.status = RequestStatus.COMPLETED
    request.outcome = summary
    request.closed_by = by
    request.closed_at = timezone.now()
    request.save()
    # Art. 12(1): the confirmation is written now, while the address it goes to is still known; the outbox
    # sends it after this transaction commits and then keeps only its proof.
    letter_erasure_confirmation(request=request, erased_count=len(erase), kept=kept, by=by)
    letters_minimise_for(request_pks=linked)
    to_anonymize = set(linked)
    if not kept:
        to_anonymize.add(request.pk)
    if to_anonymize:
        redacted += _anonymize_requests(to_anonymize)
    return ErasureOutcome(erased=erase, kept=kept, audit_entries_redacted=redacted, summary=summary)
