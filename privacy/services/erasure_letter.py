"""The erasure confirmation (Art. 17, 12(1)), written inside the erasure's transaction, and the letters of an
erased person reduced to their proof."""

from django.utils.translation import gettext as _

from customers.models import Contact
from privacy.models import OPEN_REQUEST_STATUSES, DataSubjectRequest, Letter, LetterDelivery, LetterKind
from privacy.services.letter_proof import letter_minimise
from privacy.services.letter_render import letter_html
from privacy.services.letter_store import letter_store, request_address


def letter_erasure_confirmation(*, request: DataSubjectRequest, erased_count: int, kept, by) -> Letter | None:
    """Art. 17 and 12(1): the confirmation, written inside the erasure's transaction while the address is known.

    `kept` is [(contact id, until, reason)]. Sent after the erasure commits; once delivered (or recorded as
    posted) only the proof stays. A request with neither an email nor a postal address gets none.
    """
    delivery = LetterDelivery.EMAIL if request.requester_email else LetterDelivery.POST
    to_address = request_address(request, delivery)
    if not to_address.strip() or request.is_erased:
        return None
    companies = dict(Contact.objects.filter(pk__in=[pk for pk, _u, _r in kept]).values_list("pk", "company__name"))
    context = {
        "recipient_name": request.requester_name,
        "recipient_address": to_address,
        "erased_count": erased_count,
        "kept": [{"company": companies.get(pk, ""), "until": until, "reason": reason} for pk, until, reason in kept],
        "open_requests": DataSubjectRequest.objects.filter(
            requester_email__iexact=request.requester_email or "-",
            status__in=OPEN_REQUEST_STATUSES,
        )
        .exclude(pk=request.pk)
        .exists(),
    }
    rendered = letter_html(
        kind=LetterKind.ERASURE, language=request.response_language, context=context, request=request
    )
    return letter_store(
        request=request,
        kind=LetterKind.ERASURE,
        language=request.response_language,
        delivery=delivery,
        to_address=to_address,
        to_name=request.requester_name,
        note="",
        rendered=rendered,
        by=by,
        minimise_after_delivery=True,
    )


def letters_minimise_for(*, request_pks, reason="") -> int:
    """Erasure: the letters of the erased person's earlier requests keep only their proof; queued ones stay unsent."""
    letters = Letter.objects.filter(request__in=list(request_pks), minimised_at__isnull=True)
    count = 0
    for letter in letters.order_by("pk"):
        letter_minimise(letter, reason=reason or _("The person's data was erased."))
        count += 1
    return count
