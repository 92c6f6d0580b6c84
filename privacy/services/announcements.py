"""Privacy notice § 13: announcing a significant new version by email to the contact persons, through the
outbox, in batches, resumable: one announcement per version and person, however often it is run."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from customers.models import Contact
from privacy.models import (
    Letter,
    LetterKind,
    LetterStatus,
    PrivacyNoticeVersion,
    ResponseLanguage,
)
from privacy.selectors import restricted_exists
from privacy.services.letter_proof import address_digest, address_mask
from privacy.services.letter_render import letter_html

ANNOUNCE_BATCH_SIZE = 500


@dataclass
class AnnouncementCounts:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    skipped_without_email: int = 0
    still_to_announce: int = 0


def _audience():
    """Contact persons who may be written to: not restricted (erased ones are gone from the register)."""
    return Contact.objects.annotate(restricted=restricted_exists()).filter(restricted=False)


def _not_yet_announced(version):
    done = Letter.objects.filter(kind=LetterKind.ANNOUNCEMENT, notice_version=version, contact=OuterRef("pk"))
    return _audience().exclude(email="").exclude(Exists(done))


def announcement_counts(*, version: PrivacyNoticeVersion) -> AnnouncementCounts:
    by_status = dict(
        Letter.objects.filter(kind=LetterKind.ANNOUNCEMENT, notice_version=version)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return AnnouncementCounts(
        queued=by_status.get(LetterStatus.QUEUED, 0) + by_status.get(LetterStatus.SENDING, 0),
        sent=by_status.get(LetterStatus.SENT, 0),
        failed=by_status.get(LetterStatus.FAILED, 0) + by_status.get(LetterStatus.UNCERTAIN, 0),
        skipped_without_email=_audience().filter(Q(email="")).count(),
        still_to_announce=_not_yet_announced(version).count() if version.significant_change else 0,
    )


def _require_announceable(version):
    if not version.is_published:
        raise ValidationError(
            _("Version %(number)s is a draft; only a published version can be announced.") % {"number": version.number}
        )
    if not version.significant_change:
        raise ValidationError(
            _("Version %(number)s is not marked as a significant change; § 13 announces only significant ones.")
            % {"number": version.number}
        )


def _announcement(version, contact):
    language = ResponseLanguage.FI if contact.company.country == "FI" else ResponseLanguage.EN
    name = f"{contact.first_name} {contact.last_name}".strip()
    rendered = letter_html(
        kind=LetterKind.ANNOUNCEMENT,
        language=language,
        context={"notice": version, "version": version, "recipient_name": name, "recipient_address": contact.email},
    )
    return Letter(
        kind=LetterKind.ANNOUNCEMENT,
        notice_version=version,
        contact=contact,
        language=language,
        to_address=contact.email,
        to_name=name,
        to_masked=address_mask(contact.email),
        to_digest=address_digest(contact.email),
        subject=rendered.subject[:250],
        body_html=rendered.html,
        body_text=rendered.text,
        message_id=make_msgid(),
    )


def notice_announce(*, version: PrivacyNoticeVersion, batch_size=ANNOUNCE_BATCH_SIZE, limit=None) -> int:
    """Queue the announcement for everyone not yet announced, one transaction per batch; returns how many.

    `send_outbox` sends them. Stopped half-way, the next run continues where this one ended: a contact who
    already has this version's announcement is never picked again (and a unique constraint backs that up).
    """
    version = PrivacyNoticeVersion.objects.get(pk=version.pk)
    _require_announceable(version)
    if batch_size < 1:
        raise ValidationError(_("The batch size must be at least 1, not %(value)s.") % {"value": batch_size})
    total, after = 0, 0
    while limit is None or total < limit:
        size = batch_size if limit is None else min(batch_size, limit - total)
        with transaction.atomic():
            # Keyset paging: each batch starts after the last one, so a batch never rescans the done part.
            contacts = list(
                _not_yet_announced(version).filter(pk__gt=after).select_related("company").order_by("pk")[:size]
            )
            if not contacts:
                break
            Letter.objects.bulk_create([_announcement(version, contact) for contact in contacts])
        total += len(contacts)
        after = contacts[-1].pk
    return total
