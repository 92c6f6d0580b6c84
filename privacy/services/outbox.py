"""The outbox: every email the register sends is a `Letter` row first, and leaves only after that row commits.

A letter is claimed (status "being sent", one more attempt) in its own short transaction, then handed to
the mail server, then recorded as sent. Claiming uses SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so two
`send_outbox` runs never take the same letter.

Nothing is sent twice: a letter whose sender died after the claim (between the hand-over and the record, or
before it) stays "being sent"; after OUTBOX_SENDING_TIMEOUT_MINUTES it is marked "outcome unknown" and is
never retried automatically. The Privacy officer checks the mail server's log for its Message-ID and only
then sends it again from the request page. Temporary refusals (4xx, the server down) are retried with
exponential backoff; a permanent refusal (5xx) or OUTBOX_MAX_ATTEMPTS attempts mark it failed.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import Letter, LetterDelivery, LetterStatus
from privacy.request_context import handling_request
from privacy.services.letter_proof import letter_minimise

logger = logging.getLogger(__name__)

CLAIM_BATCH_SIZE = 50
LONGEST_BACKOFF = datetime.timedelta(hours=6)


@dataclass
class OutboxRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0


def backoff(attempts: int) -> datetime.timedelta:
    """2, 4, 8 ... minutes after the n-th failed attempt, at most six hours."""
    return min(datetime.timedelta(minutes=2**attempts), LONGEST_BACKOFF)


def _claim(*, now, limit, pks=None) -> list[int]:
    with transaction.atomic():
        due = Letter.objects.filter(status=LetterStatus.QUEUED, delivery=LetterDelivery.EMAIL).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        if pks is not None:
            due = due.filter(pk__in=pks)
        claimed = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:limit])
        if claimed:
            Letter.objects.filter(pk__in=claimed).update(
                status=LetterStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return claimed


def _message(letter: Letter) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=letter.subject,
        body=letter.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((letter.to_name, letter.to_address)) if letter.to_name else letter.to_address],
        headers={"Message-ID": letter.message_id},
    )
    if letter.body_html:
        message.attach_alternative(letter.body_html, "text/html")
    if letter.pdf:
        message.attach(letter_file_name(letter), bytes(letter.pdf), "application/pdf")
    if letter.attachment:
        message.attach(letter.attachment_name, bytes(letter.attachment), "application/zip")
    return message


def letter_file_name(letter: Letter) -> str:
    return f"{'kirje' if letter.language == 'fi' else 'letter'}-{letter.pk}.pdf"


def _is_permanent(error) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _message in error.recipients.values())
    return False


def _describe(error) -> str:
    # The server's reply, never the message: replies can quote the address, so only the code and class.
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"{type(error).__name__}: " + ", ".join(str(code) for code, _m in error.recipients.values())
    if isinstance(error, ValueError):
        return _("The address cannot be used for email: %(error)s") % {"error": str(error).split(":", 1)[-1].strip()}
    return type(error).__name__


def _record(letter_pk, **changes):
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_pk)
        with handling_request(letter.request):
            for name, value in changes.items():
                setattr(letter, name, value)
            letter.save()
            if letter.status == LetterStatus.SENT and letter.minimise_after_delivery:
                letter_minimise(letter)
    return letter


def _send_one(letter_pk, *, now, run: OutboxRun):
    letter = Letter.objects.get(pk=letter_pk)
    try:
        mailers.default.send_messages([_message(letter)])
    except (smtplib.SMTPException, OSError, ValueError) as error:
        # ValueError: an address the mail system cannot carry (Django refuses it before connecting).
        permanent = (
            isinstance(error, ValueError) or _is_permanent(error) or letter.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        )
        _record(
            letter_pk,
            status=LetterStatus.FAILED if permanent else LetterStatus.QUEUED,
            next_attempt_at=None if permanent else now + backoff(letter.attempts),
            last_error=_describe(error),
            claimed_at=None,
        )
        if permanent:
            run.failed += 1
        else:
            run.retrying += 1
        logger.warning("Letter #%s not sent (attempt %s): %s", letter_pk, letter.attempts, _describe(error))
        return
    _record_sent(letter_pk)
    run.sent += 1


def _record_sent(letter_pk):
    # Its own function so the tests can crash exactly here: after the hand-over, before the record.
    _record(letter_pk, status=LetterStatus.SENT, sent_at=timezone.now(), last_error="", claimed_at=None)


def outbox_mark_uncertain(*, now=None) -> int:
    """Letters whose sender stopped mid-way: outcome unknown, never resent without a person deciding."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.OUTBOX_SENDING_TIMEOUT_MINUTES)
    stale = list(Letter.objects.filter(status=LetterStatus.SENDING, claimed_at__lt=cutoff).values_list("pk", flat=True))
    for pk in stale:
        _record(
            pk,
            status=LetterStatus.UNCERTAIN,
            last_error=_("The sender stopped while sending; check the mail server's log before sending it again."),
        )
    return len(stale)


def outbox_send(*, now=None, batch_size=CLAIM_BATCH_SIZE, pks=None) -> OutboxRun:
    """Send every letter that is due (or only `pks`), batch by batch; what fails waits for its next attempt."""
    now = now or timezone.now()
    run = OutboxRun()
    if pks is None:
        run.uncertain = outbox_mark_uncertain(now=now)
    while True:
        claimed = _claim(now=now, limit=batch_size, pks=pks)
        if not claimed:
            return run
        for pk in claimed:
            _send_one(pk, now=now, run=run)
        if pks is not None:
            return run


def outbox_deliver_after_commit(letter: Letter) -> None:
    """Try to send right after the current transaction commits; if that fails, `send_outbox` retries."""

    def deliver():
        try:
            outbox_send(pks=[letter.pk])
        except Exception:
            # The action that wrote the letter has committed; a broken send must not turn it into an error.
            logger.exception("Letter #%s stays in the outbox", letter.pk)

    transaction.on_commit(deliver)


@transaction.atomic
def letter_send_again(*, letter: Letter) -> Letter:
    """The officer's explicit decision to send a failed letter, or one whose outcome is unknown, once more."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.delivery != LetterDelivery.EMAIL or letter.status not in (LetterStatus.FAILED, LetterStatus.UNCERTAIN):
        raise_not_resendable(letter)
    if letter.is_minimised:
        raise_not_resendable(letter)
    with handling_request(letter.request):
        letter.status = LetterStatus.QUEUED
        letter.next_attempt_at = None
        letter.claimed_at = None
        letter.save()
    outbox_deliver_after_commit(letter)
    return letter


def raise_not_resendable(letter):
    raise ValidationError(
        _("Letter #%(id)s is %(status)s; only a failed letter, or one whose outcome is unknown, is sent again.")
        % {"id": letter.pk, "status": letter.get_status_display().lower()}
    )
