"""Saving a written letter: its PDF, its proof fields, its row in the outbox, and its send after commit."""

import logging

from django.conf import settings
from django.core.mail import make_msgid

from privacy.models import DataSubjectRequest, Letter, LetterDelivery, LetterStatus
from privacy.request_context import handling_request
from privacy.services.letter_proof import address_digest, address_mask
from privacy.services.letter_render import PdfUnavailable, letter_pdf, pdf_digest
from privacy.services.outbox import outbox_deliver_after_commit

logger = logging.getLogger(__name__)


def request_address(request: DataSubjectRequest, delivery) -> str:
    if delivery == LetterDelivery.EMAIL:
        return request.requester_email
    return request.requester_contact


def letter_store(*, request, kind, language, delivery, to_address, to_name, note, rendered, by, **extra) -> Letter:
    """Render the PDF, save the letter (tagged with its request in the audit trail) and, by email, send it after
    the transaction commits."""
    try:
        pdf = letter_pdf(rendered.html)
    except PdfUnavailable:
        if delivery == LetterDelivery.POST:
            raise  # a posted letter is printed from its PDF
        # An erasure must not fail for want of a font library: the email carries the same letter as HTML.
        logger.warning("Letter to request #%s goes without its PDF: Pango is missing", getattr(request, "pk", None))
        pdf = b""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None
    letter = Letter(
        request=request,
        kind=kind,
        language=language,
        delivery=delivery,
        to_address=to_address.strip(),
        to_name=to_name,
        to_masked=address_mask(to_address),
        to_digest=address_digest(to_address),
        subject=rendered.subject[:250],
        note=note,
        body_html=rendered.html,
        body_text=rendered.text,
        pdf=pdf,
        pdf_sha256=pdf_digest(pdf) if pdf else "",
        message_id=make_msgid(domain=domain),
        status=LetterStatus.QUEUED if delivery == LetterDelivery.EMAIL else LetterStatus.TO_POST,
        created_by=by,
        **extra,
    )
    letter.full_clean()
    with handling_request(request):
        letter.save()
    if delivery == LetterDelivery.EMAIL:
        outbox_deliver_after_commit(letter)
    return letter
