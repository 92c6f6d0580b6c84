"""Merging two contact persons who are one person: field by field, then the other one is gone.

The kept contact takes the chosen value of each field; whatever other apps keep about the merged-away contact
(consents, objections, restrictions, requests: customers.guards) moves to the kept one; the merged-away
row is deleted and the audit entries about it are redacted as by erasure, and one entry on the kept contact
names the merged-away contact by id, so its (redacted) history can still be found.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import merge_record, redact_entries_for
from customers import services
from customers.guards import merge_refusal, move_kept_records
from customers.models import Contact

# Every field staff may edit, except the legal hold: a hold is a duty on the record that stays, never a choice.
HOLD_FIELDS = ("legal_hold_until", "legal_hold_reason")
MERGE_FIELDS = tuple(name for name in services.CONTACT_EDITABLE_FIELDS if name not in HOLD_FIELDS)
KEEP, OTHER = "keep", "other"


def contact_merge_refusal(contact) -> str | None:
    """Why `contact` must not be merged away now (a legal hold, or what another app says), or None."""
    today = timezone.localdate()
    for holder in (contact, contact.company):
        if holder.legal_hold_until and holder.legal_hold_until >= today:
            return _("Contact #%(id)s is under a legal hold until %(date)s and cannot be merged away.") % {
                "id": contact.pk,
                "date": holder.legal_hold_until.strftime("%d.%m.%Y"),
            }
    return merge_refusal(contact)


@transaction.atomic
def contacts_merge(*, keep: Contact, merge_away: Contact, choices: dict) -> Contact:
    """Merge `merge_away` into `keep`; `choices` maps a field of MERGE_FIELDS to "keep" or "other" (default keep)."""
    if keep.pk == merge_away.pk:
        raise ValidationError(_("A contact person cannot be merged with itself."))
    unknown = sorted(set(choices) - set(MERGE_FIELDS))
    if unknown:
        raise ValidationError(_("These fields cannot be merged: %(fields)s.") % {"fields": ", ".join(unknown)})
    bad = sorted(name for name, choice in choices.items() if choice not in (KEEP, OTHER))
    if bad:
        raise ValidationError(_("Choose “keep” or “other” for: %(fields)s.") % {"fields": ", ".join(bad)})
    locked = {
        c.pk: c
        for c in Contact.objects.select_for_update().select_related("company").filter(pk__in=[keep.pk, merge_away.pk])
    }
    if len(locked) != 2:
        raise ValidationError(_("One of the two contact persons no longer exists."))
    keep, merge_away = locked[keep.pk], locked[merge_away.pk]
    refusal = contact_merge_refusal(merge_away)
    if refusal:
        raise ValidationError(refusal)
    values = {name: getattr(merge_away if choices.get(name, KEEP) == OTHER else keep, name) for name in MERGE_FIELDS}
    merged_away_id = merge_away.pk
    move_kept_records(source=merge_away, target=keep)
    merge_away.delete()
    redact_entries_for(model=Contact, pk=merged_away_id)
    keep = services.contact_update(contact=keep, **values)
    merge_record(instance=keep, merged_away=f"Contact #{merged_away_id}")
    return keep
