"""Letters that answer a data subject request (Art. 12(1), (3), (4)): one kind per outcome, in the request's
language, as HTML and PDF, dated, on the letterhead of the notice in force, with the request's number.

A letter is written (and queued in the outbox) by `letter_create`; sending happens after the transaction
commits. The erasure confirmation is written by the erasure itself (`erasure_letter`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import Contact
from privacy.models import (
    Consent,
    ConsentState,
    DataSubjectRequest,
    Letter,
    LetterDelivery,
    LetterKind,
    LetterStatus,
    ProcessingRestriction,
    RefusalArticle,
    RequestStatus,
    RequestType,
)
from privacy.request_context import handling_request
from privacy.services.export import subject_export
from privacy.services.letter_proof import letter_minimise
from privacy.services.letter_render import RenderedLetter, letter_html
from privacy.services.letter_store import letter_store, request_address
from privacy.services.notice import notice_current
from privacy.services.request_rules import _fresh, request_due_on

# Which letters fit a request, and why not when one does not (the reason is shown to the officer).
_ACCESS_TYPES = (RequestType.ACCESS, RequestType.PORTABILITY)


def _refusal_reason(request: DataSubjectRequest, kind) -> str:
    """Why `kind` does not fit this request now, or "" when it does."""
    verified = request.is_verified
    if request.is_erased:
        return _("the requester's details were erased; there is no one to write to")
    if kind == LetterKind.ACCESS:
        if request.request_type not in _ACCESS_TYPES:
            return _("only an access or portability request gets the access letter")
        return "" if verified else _("verify the identity first")
    if kind == LetterKind.RECTIFICATION:
        if request.request_type != RequestType.RECTIFICATION:
            return _("only a rectification request gets this letter")
        return "" if verified else _("verify the identity first")
    if kind == LetterKind.ERASURE:
        return _("the erasure confirmation is written by the erasure itself")
    if kind == LetterKind.RESTRICTION_APPLIED:
        return "" if request.restrictions.exists() else _("no contact has been restricted for this request")
    if kind == LetterKind.RESTRICTION_LIFTED:
        return "" if request.restrictions.exists() else _("no contact has been restricted for this request")
    if kind == LetterKind.CONSENT:
        return "" if request.consents.exists() else _("no consent or objection has been recorded for this request")
    if kind == LetterKind.REFUSAL:
        return "" if request.status == RequestStatus.REFUSED else _("refuse the request first, with its ground")
    if kind == LetterKind.EXTENSION:
        return "" if request.extension_reason else _("extend the deadline first, with its reason")
    if kind == LetterKind.IDENTITY:
        return "" if request.status == RequestStatus.RECEIVED else _("the identity is already verified")
    return _("this letter does not answer a request")


def letter_kinds_for(request: DataSubjectRequest) -> list:
    """The letters the officer can write for this request now."""
    return [kind for kind in LetterKind if not _refusal_reason(request, kind)]


def _require_fits(request, kind):
    if kind not in LetterKind.values:
        raise ValidationError({"kind": _("“%(value)s” is not a kind of letter.") % {"value": kind}})
    reason = _refusal_reason(request, kind)
    if reason:
        raise ValidationError(
            {
                "kind": _("Request #%(id)s cannot get the letter “%(kind)s”: %(reason)s.")
                % {"id": request.pk, "kind": LetterKind(kind).label, "reason": reason}
            }
        )


def _personal_rows(contact):
    return [(str(Contact._meta.get_field(name).verbose_name), getattr(contact, name)) for name in _LETTER_FIELDS]


# The personal-data fields a rectification letter shows, in the model's declared order (company is a heading).
_LETTER_FIELDS = tuple(name for name in Contact.PERSONAL_DATA_FIELDS if name != "company")


def _facts(request: DataSubjectRequest, kind, note) -> dict:
    """What a letter of this kind says beyond the letterhead: read from the request and its records."""
    if kind == LetterKind.RECTIFICATION:
        contacts = request.matched_contacts.select_related("company").order_by("pk")
        return {"contacts": [{"company": c.company.name, "fields": _personal_rows(c)} for c in contacts]}
    if kind in (LetterKind.RESTRICTION_APPLIED, LetterKind.RESTRICTION_LIFTED):
        restrictions = ProcessingRestriction.objects.filter(request=request).select_related("contact__company")
        if kind == LetterKind.RESTRICTION_APPLIED:
            restrictions = restrictions.filter(lifted_at__isnull=True)
        return {
            "restrictions": [
                {
                    "company": r.contact.company.name,
                    "reason": r.reason,
                    "since": timezone.localtime(r.restricted_at).date(),
                    "lifted_on": timezone.localtime(r.lifted_at).date() if r.lifted_at else None,
                }
                for r in restrictions.order_by("pk")
            ]
        }
    if kind == LetterKind.CONSENT:
        notice = notice_current()
        titles = {p.code: p for p in notice.purposes.all()} if notice else {}
        return {
            "consents": [
                {
                    "purpose": titles[c.purpose].localized("title", request.response_language)
                    if c.purpose in titles
                    else c.purpose,
                    "state": ConsentState(c.state).label,
                    "decided_on": c.decided_on,
                }
                for c in Consent.objects.filter(request=request).order_by("purpose", "pk")
            ]
        }
    if kind == LetterKind.REFUSAL:
        return {
            "article": RefusalArticle(request.refusal_article).label if request.refusal_article else "",
            "ground": request.refusal_ground,
        }
    if kind == LetterKind.EXTENSION:
        return {
            "reason": request.extension_reason,
            "new_due_on": request.due_on,
            "original_due_on": request_due_on(request.received_on),
        }
    if kind == LetterKind.IDENTITY:
        return {"needed": note}
    return {}


def _check_delivery(request, delivery, kind, note):
    if delivery not in LetterDelivery.values:
        raise ValidationError({"delivery": _("“%(value)s” is not email or post.") % {"value": delivery}})
    if not request_address(request, delivery).strip():
        if delivery == LetterDelivery.EMAIL:
            raise ValidationError(
                {"delivery": _("Request #%(id)s has no email address; send the letter by post.") % {"id": request.pk}}
            )
        raise ValidationError(
            {"delivery": _("Request #%(id)s has no postal address in its other contact details.") % {"id": request.pk}}
        )
    if kind == LetterKind.IDENTITY and not (note or "").strip():
        raise ValidationError({"note": _("Say what further information is needed to verify the identity, and why.")})


def letter_preview(*, request: DataSubjectRequest, kind, note="", delivery=LetterDelivery.EMAIL) -> RenderedLetter:
    """The letter as it would be sent now; nothing is stored (an access letter logs the access it shows)."""
    _require_fits(request, kind)
    _check_delivery(request, delivery, kind, note)
    return _render(request, kind, note, delivery)


def _render(request, kind, note, delivery):
    context = {
        "recipient_name": request.requester_name,
        "recipient_address": request_address(request, delivery),
        "note": "" if kind == LetterKind.IDENTITY else note,
        **_facts(request, kind, note),
    }
    if kind == LetterKind.ACCESS:
        return subject_export(email=_access_email(request), request=request).letter
    return letter_html(kind=kind, language=request.response_language, context=context, request=request)


def _access_email(request):
    if request.requester_email:
        return request.requester_email
    first = request.matched_contacts.exclude(email="").order_by("pk").first()
    if first is None:
        raise ValidationError(
            _("Request #%(id)s has no email address to search for; the access letter needs one.") % {"id": request.pk}
        )
    return first.email


@transaction.atomic
def letter_create(*, request: DataSubjectRequest, kind, by, note="", delivery=LetterDelivery.EMAIL) -> Letter:
    """Write a letter answering the request and queue it; by email it leaves once this transaction commits."""
    request = _fresh(request)
    _require_fits(request, kind)
    note = (note or "").strip()
    _check_delivery(request, delivery, kind, note)
    extra = {}
    if kind == LetterKind.ACCESS:
        export = subject_export(email=_access_email(request), request=request)
        rendered = export.letter
        extra = {"attachment_name": export.filename, "attachment": export.content}
    else:
        rendered = _render(request, kind, note, delivery)
    return letter_store(
        request=request,
        kind=kind,
        language=request.response_language,
        delivery=delivery,
        to_address=request_address(request, delivery),
        to_name=request.requester_name,
        note=note,
        rendered=rendered,
        by=by,
        **extra,
    )


@transaction.atomic
def letter_record_posted(*, letter: Letter, posted_on, by) -> Letter:
    """A letter printed from its PDF and posted: the day it went is the record."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.delivery != LetterDelivery.POST or letter.status != LetterStatus.TO_POST:
        raise ValidationError(
            _("Letter #%(id)s is %(status)s; only a letter waiting to be posted can be recorded as posted.")
            % {"id": letter.pk, "status": letter.get_status_display().lower()}
        )
    if posted_on is None or posted_on > timezone.localdate():
        raise ValidationError({"posted_on": _("Give the day the letter was posted; it cannot be in the future.")})
    if posted_on < timezone.localtime(letter.created_at).date():
        raise ValidationError(
            {
                "posted_on": _("The letter was written on %(date)s; it cannot have been posted before.")
                % {"date": date_format(timezone.localtime(letter.created_at).date(), "SHORT_DATE_FORMAT")}
            }
        )
    with handling_request(letter.request):
        letter.status = LetterStatus.POSTED
        letter.posted_on = posted_on
        letter.save()
        if letter.minimise_after_delivery:
            letter_minimise(letter)
    return letter
