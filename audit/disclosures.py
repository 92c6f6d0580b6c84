"""Recording disclosures (GDPR Art. 19): every export of personal data out of the register says here to
whom it went and which rows it held. Any app calls it (customers' list exports, privacy's marketing and
subject exports); it knows no app's models."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.context import current_actor
from audit.models import DisclosedObject, Disclosure

CHUNK = 5000


@transaction.atomic
def disclosure_record(*, recipient, kind, model, pks) -> Disclosure:
    """Record that the rows `pks` of `model` went to `recipient` (a name from the notice, or named)."""
    recipient = " ".join(str(recipient or "").split())
    if not recipient:
        raise ValidationError({"recipient": _("Name the recipient of the data.")})
    pks = sorted(set(pks))
    disclosure = Disclosure(
        actor_email=current_actor().email,
        recipient=recipient,
        kind=str(kind),
        content_type=ContentType.objects.get_for_model(model),
        count=len(pks),
    )
    disclosure.full_clean()
    disclosure.save()
    for start in range(0, len(pks), CHUNK):
        DisclosedObject.objects.bulk_create(
            [DisclosedObject(disclosure=disclosure, object_id=pk) for pk in pks[start : start + CHUNK]]
        )
    return disclosure


def disclosure_recipients(*, model, pks) -> list[dict]:
    """Who received any of these rows: recipient, what, the last time and the ids, newest first."""
    rows = (
        DisclosedObject.objects.filter(
            disclosure__content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks)
        )
        .values_list("disclosure__recipient", "disclosure__kind", "disclosure__timestamp", "object_id")
        .order_by("-disclosure__timestamp")
    )
    found = {}
    for recipient, kind, timestamp, object_id in rows:
        entry = found.setdefault((recipient, kind), {"recipient": recipient, "kind": kind, "last": timestamp})
        entry.setdefault("ids", set()).add(object_id)
    return list(found.values())
