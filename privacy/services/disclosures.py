"""Art. 19: recording what the register discloses (marketing audience, the subject's own export), and
the recipients to inform after a rectification, erasure or restriction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.disclosures import disclosure_recipients, disclosure_record
from customers.models import Contact
from privacy.models import DataSubjectRequest, RecipientNotification
from privacy.services.notice import notice_current

SUBJECT_RECIPIENT = "the data subject"


def contacts_disclosed(*, recipient, kind, pks):
    """Record that these contacts' data went to `recipient`; returns the disclosure."""
    return disclosure_record(recipient=recipient, kind=kind, model=Contact, pks=pks)


@transaction.atomic
def recipients_to_inform_prepare(*, request: DataSubjectRequest, contact_pks, action) -> list:
    """List, on the request, every recipient to tell about this change (Art. 19): those that received the
    contacts' data, and the notice's standing recipients. Call before an erasure, while the ids are known."""
    contact_pks = sorted(set(contact_pks))
    if not contact_pks:
        return []
    recipients = {}
    for found in disclosure_recipients(model=Contact, pks=contact_pks):
        if found["recipient"] == SUBJECT_RECIPIENT:
            continue  # the person knows: they asked for the change
        entry = recipients.setdefault(found["recipient"], (RecipientNotification.Source.DISCLOSURE, set()))
        entry[1].update(found["ids"])
    notice = notice_current()
    if notice is not None:
        for standing in notice.recipients.all():
            recipients.setdefault(standing.name, (RecipientNotification.Source.NOTICE, set(contact_pks)))
    made = []
    for recipient, (source, ids) in recipients.items():
        notification, created = RecipientNotification.objects.get_or_create(
            request=request,
            recipient=recipient,
            action=action,
            defaults={"source": source, "contact_ids": sorted(ids)},
        )
        if not created and not ids <= set(notification.contact_ids):
            # A second contact of the same request: one row per recipient, naming every contact.
            notification.contact_ids = sorted(ids | set(notification.contact_ids))
            notification.full_clean()
            notification.save(update_fields=["contact_ids"])
        made.append(notification)
    return made


@transaction.atomic
def recipient_notification_record(
    *, notification: RecipientNotification, by, notified_on=None, method="", impossible_reason=""
) -> RecipientNotification:
    """The recipient was informed (the day and how), or why that was impossible or disproportionate."""
    notification = RecipientNotification.objects.select_for_update().get(pk=notification.pk)
    method, impossible_reason = (method or "").strip(), (impossible_reason or "").strip()
    if notified_on is None and not impossible_reason:
        raise ValidationError(
            _("Give the day and how %(recipient)s was informed, or why that was impossible or disproportionate.")
            % {"recipient": notification.recipient}
        )
    if notified_on is not None:
        if not isinstance(notified_on, datetime.date):
            raise ValidationError({"notified_on": _("Give the day as a date.")})
        if notified_on > timezone.localdate():
            raise ValidationError({"notified_on": _("The day informed cannot be in the future.")})
        if not method:
            raise ValidationError({"method": _("Say how the recipient was informed (e.g. email to their DPO).")})
    notification.notified_on = notified_on
    notification.method = method
    notification.impossible_reason = impossible_reason
    notification.recorded_by = by
    notification.recorded_at = timezone.now()
    notification.full_clean()
    notification.save()
    return notification
