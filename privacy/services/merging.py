"""What privacy says when two contact persons are merged (registered in customers.guards by privacy.guards).

Refusal: a restricted contact is only stored (Art. 18) and a contact in an open data subject request is that
request's evidence, so neither is merged away. Mover: the merged-away contact's consents and objections, its
lifted restrictions and the closed requests that matched it move to the kept contact. When both have a say on
the same purpose, the more protective one stays: a withdrawal or an objection is never overruled by a merge.
"""

from django.utils.translation import gettext as _

from privacy.models import Consent, ConsentState, DataSubjectRequest, ProcessingRestriction
from privacy.selectors import contact_is_restricted, open_requests
from privacy.services.ledger import MERGE, ledger_record_contacts


def contact_merge_privacy_refusal(contact) -> str | None:
    if contact_is_restricted(contact):
        return _("Contact #%(id)s is restricted (GDPR Art. 18) and cannot be merged away.") % {"id": contact.pk}
    if open_requests().filter(matched_contacts=contact.pk).exists():
        return _("Contact #%(id)s is part of an open data subject request and cannot be merged away.") % {
            "id": contact.pk
        }
    return None


def _protective_rank(consent):
    # Objection over withdrawal over consent; then the later decision.
    order = {ConsentState.OBJECTED: 2, ConsentState.WITHDRAWN: 1, ConsentState.GIVEN: 0}
    return (order.get(consent.state, 0), consent.decided_on)


def contact_privacy_records_move(*, source, target) -> None:
    """Move consents, objections, lifted restrictions and matched requests from `source` to `target`."""
    kept = {consent.purpose: consent for consent in Consent.objects.filter(contact=target)}
    for consent in Consent.objects.filter(contact=source):
        other = kept.get(consent.purpose)
        if other is not None and _protective_rank(other) >= _protective_rank(consent):
            consent.delete()
            continue
        if other is not None:
            other.delete()
        consent.contact = target
        consent.full_clean()
        consent.save()
    for restriction in ProcessingRestriction.objects.filter(contact=source):
        restriction.contact = target
        restriction.full_clean()
        restriction.save()
    for request in DataSubjectRequest.objects.filter(matched_contacts=source.pk):
        request.matched_contacts.remove(source)
        request.matched_contacts.add(target)
    # A backup restored later would bring the merged-away row back as a duplicate: the ledger says it went.
    ledger_record_contacts(kind=MERGE, pks=[source.pk], reference=f"merged into contact #{target.pk}")
