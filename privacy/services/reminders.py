"""The daily deadline digest (Art. 12(3)): one email to each Privacy officer, only when there is something to say."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.roles import PRIVACY_OFFICER
from privacy.models import (
    DUE_SOON_DAYS,
    OPEN_REQUEST_STATUSES,
    DataSubjectRequest,
    Letter,
    LetterKind,
    LetterStatus,
    ResponseLanguage,
)
from privacy.services.letter_proof import address_digest, address_mask
from privacy.services.outbox import outbox_deliver_after_commit


@dataclass
class DeadlineDigest:
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    extensions_not_told: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.overdue or self.due_soon or self.extensions_not_told)


def deadline_digest(*, today: datetime.date | None = None) -> DeadlineDigest:
    """Open requests overdue, due within 7 days, and extended ones whose extension letter has not gone out."""
    today = today or timezone.localdate()
    open_requests = DataSubjectRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES).order_by("due_on", "pk")
    told = Letter.objects.filter(
        request=OuterRef("pk"), kind=LetterKind.EXTENSION, status__in=(LetterStatus.SENT, LetterStatus.POSTED)
    )
    return DeadlineDigest(
        overdue=list(open_requests.filter(due_on__lt=today)),
        due_soon=list(open_requests.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(DUE_SOON_DAYS))),
        extensions_not_told=list(open_requests.exclude(extension_reason="").exclude(Exists(told))),
    )


def _officers():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=PRIVACY_OFFICER)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def deadlines_remind(*, today: datetime.date | None = None) -> int:
    """Queue one digest per Privacy officer (none when the digest is empty, none twice a day); returns how many."""
    today = today or timezone.localdate()
    digest = deadline_digest(today=today)
    if digest.is_empty:
        return 0
    with translation.override(ResponseLanguage.FI):
        text = render_to_string("privacy/letters/deadline_digest.txt", {"digest": digest, "today": today})
    subject = (
        f"Pyyntöjen määräajat / Request deadlines {today.day}.{today.month}.{today.year}: "
        f"{len(digest.overdue)} / {len(digest.due_soon)} / {len(digest.extensions_not_told)}"
    )
    already = set(
        Letter.objects.filter(kind=LetterKind.DEADLINE_DIGEST, created_at__date=today).values_list(
            "to_digest", flat=True
        )
    )
    queued = 0
    for officer in _officers():
        digest_key = address_digest(officer.email)
        if digest_key in already:
            continue
        letter = Letter(
            kind=LetterKind.DEADLINE_DIGEST,
            language=ResponseLanguage.FI,
            to_address=officer.email,
            to_masked=address_mask(officer.email),
            to_digest=digest_key,
            subject=subject,
            body_text=text,
            message_id=make_msgid(),
        )
        letter.full_clean()
        letter.save()
        outbox_deliver_after_commit(letter)
        queued += 1
    return queued
