"""Data subject requests (notice § 11-12): intake, identity, matching, extension, refusal and completion."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caracom_register.dates import check_date_bounds
from privacy.models import (
    ERASED,
    DataSubjectRequest,
    RefusalArticle,
    RequestStatus,
    ResponseLanguage,
    VerificationMethod,
)
from privacy.services.notice import notice_current
from privacy.services.request_rules import (
    GDPR_APPLIES_FROM,
    _fresh,
    _label,
    _not_in_future,
    _require_open,
    _require_verified,
    _valid_email,
    request_due_on,
    request_latest_due_on,
)

REQUEST_INTAKE_FIELDS = (
    "request_type",
    "channel",
    "received_on",
    "requester_name",
    "requester_email",
    "requester_contact",
    "description",
    "response_language",
)


@transaction.atomic
def request_register(
    *,
    request_type,
    channel,
    received_on: datetime.date,
    requester_name,
    requester_email="",
    requester_contact="",
    description="",
    response_language=ResponseLanguage.FI,
    matched_contacts=(),
) -> DataSubjectRequest:
    """Log a request as it arrived; the deadline starts from the day it was received."""
    request = DataSubjectRequest(
        request_type=request_type,
        channel=channel,
        received_on=received_on,
        requester_name=(requester_name or "").strip(),
        requester_email=(requester_email or "").strip().lower(),
        requester_contact=(requester_contact or "").strip(),
        description=(description or "").strip(),
        response_language=response_language,
    )
    request_check_intake(request=request)
    request.due_on = request_due_on(received_on)
    request.full_clean()
    request.save()
    if matched_contacts:
        request.matched_contacts.set(matched_contacts)
    return request


def request_check_intake(*, request: DataSubjectRequest) -> None:
    """The intake rules the model cannot express (also run by the admin form before saving)."""
    if not isinstance(request.received_on, datetime.date):
        raise ValidationError({"received_on": _("Give the day the request was received, for example 30.11.2026.")})
    _not_in_future(request.received_on, "received_on", _("The receipt date"))
    check_date_bounds(request.received_on, field="received_on", earliest=GDPR_APPLIES_FROM)
    if not request.requester_name or request.requester_name == ERASED:
        raise ValidationError({"requester_name": _("Give the requester's name as it appears in the request.")})
    if request.requester_email:
        request.requester_email = _valid_email(request.requester_email, "requester_email")


@transaction.atomic
def request_update(*, request: DataSubjectRequest, **data) -> DataSubjectRequest:
    """Correct the intake details of an open request; a new receipt date moves an unextended deadline."""
    unknown = sorted(set(data) - set(REQUEST_INTAKE_FIELDS))
    if unknown:
        raise TypeError(f"DataSubjectRequest has no editable intake field(s): {', '.join(unknown)}")
    request = _fresh(request)
    _require_open(request, _("changed"))
    if request.extension_reason and "received_on" in data and data["received_on"] != request.received_on:
        # The extended deadline and the day the subject was told were worked out from this date (Art. 12(3)).
        raise ValidationError(
            {
                "received_on": _(
                    "The deadline of request #%(id)s has been extended, so its receipt date (%(date)s) can no longer "
                    "change."
                )
                % {"id": request.pk, "date": date_format(request.received_on, "SHORT_DATE_FORMAT")}
            }
        )
    for name, value in data.items():
        setattr(request, name, value.strip() if isinstance(value, str) and name != "request_type" else value)
    request.requester_email = (request.requester_email or "").lower()
    request_check_intake(request=request)
    if not request.extension_reason:
        request.due_on = request_due_on(request.received_on)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_match(*, request: DataSubjectRequest, contacts) -> DataSubjectRequest:
    """Set which contacts of the register are the requester (an empty list is a valid answer)."""
    request = _fresh(request)
    _require_open(request, _("matched"))
    request.matched_contacts.set(contacts)
    return request


@transaction.atomic
def request_match_add(*, request: DataSubjectRequest, contacts) -> DataSubjectRequest:
    """Add contacts found by a subject lookup to those already matched to the request."""
    request = _fresh(request)
    _require_open(request, _("matched"))
    request.matched_contacts.add(*contacts)
    return request


@transaction.atomic
def request_verify_identity(*, request: DataSubjectRequest, method, by, note="") -> DataSubjectRequest:
    """Record how the requester proved who they are; nothing is disclosed or erased before this."""
    request = _fresh(request)
    if request.status != RequestStatus.RECEIVED:
        raise ValidationError(
            _("Request #%(id)s is %(status)s; identity is verified once, on a received request.")
            % {"id": request.pk, "status": request.get_status_display().lower()}
        )
    if method not in VerificationMethod.values:
        raise ValidationError(
            {"verification_method": _("Choose how the identity was verified (e.g. identity document seen in person).")}
        )
    note = (note or "").strip()
    if method == VerificationMethod.OTHER and not note:
        raise ValidationError({"verification_note": _("Say in the note how the identity was verified.")})
    request.verification_method = method
    request.verification_note = note
    request.verified_by = by
    request.verified_at = timezone.now()
    request.status = RequestStatus.VERIFIED
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_extend(
    *, request: DataSubjectRequest, due_on: datetime.date, reason, subject_told_on: datetime.date
) -> DataSubjectRequest:
    """Art. 12(3): extend by at most two more months, with a reason the subject was told within the first month."""
    request = _fresh(request)
    _require_open(request, _("extended"))
    original = request_due_on(request.received_on)
    latest = request_latest_due_on(request.received_on)
    errors = {}
    if not isinstance(due_on, datetime.date) or due_on <= original:
        errors["due_on"] = _("The new due date must be after the original one (%(date)s).") % {
            "date": date_format(original, "SHORT_DATE_FORMAT")
        }
    elif due_on > latest:
        errors["due_on"] = _(
            "%(date)s is too late: the deadline can be extended by at most two months, to %(latest)s "
            "(three months after receipt, GDPR Art. 12(3))."
        ) % {"date": date_format(due_on, "SHORT_DATE_FORMAT"), "latest": date_format(latest, "SHORT_DATE_FORMAT")}
    if not (reason or "").strip():
        errors["extension_reason"] = _("Give the reason for the extension; the subject must be told why.")
    if not isinstance(subject_told_on, datetime.date):
        errors["extension_told_on"] = _("Give the day the subject was told of the extension.")
    elif subject_told_on < request.received_on or subject_told_on > original:
        errors["extension_told_on"] = _(
            "The subject must be told within the first month, between %(start)s and %(end)s."
        ) % {
            "start": date_format(request.received_on, "SHORT_DATE_FORMAT"),
            "end": date_format(original, "SHORT_DATE_FORMAT"),
        }
    elif subject_told_on > timezone.localdate():
        errors["extension_told_on"] = _("%(date)s is in the future.") % {
            "date": date_format(subject_told_on, "SHORT_DATE_FORMAT")
        }
    if errors:
        raise ValidationError(errors)
    request.due_on = due_on
    request.extension_reason = reason.strip()
    request.extension_told_on = subject_told_on
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_refuse(*, request: DataSubjectRequest, article, ground, by) -> DataSubjectRequest:
    """Decline on a legal ground; the answer names it and the right to complain to the Ombudsman."""
    request = _fresh(request)
    _require_open(request, _("refused"))
    errors = {}
    if article not in RefusalArticle.values:
        errors["refusal_article"] = _("Choose the GDPR article the refusal rests on.")
    if not (ground or "").strip():
        errors["refusal_ground"] = _("A refusal needs its legal ground: explain why the request is declined.")
    if errors:
        raise ValidationError(errors)
    notice = notice_current()
    authority = (
        f"{notice.supervisory_authority_en} ({notice.supervisory_authority_url})"
        if notice
        else "Office of the Data Protection Ombudsman (https://tietosuoja.fi/)"
    )
    request.refusal_article = article
    request.refusal_ground = ground.strip()
    request.status = RequestStatus.REFUSED
    request.outcome = _(
        "Refused under %(article)s. The subject was told the ground and that they may lodge a complaint with "
        "%(authority)s."
    ) % {"article": _label(RefusalArticle, article), "authority": authority}
    request.closed_by = by
    request.closed_at = timezone.now()
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_complete(*, request: DataSubjectRequest, outcome, by) -> DataSubjectRequest:
    """Close a verified request, saying what was done (never personal data)."""
    request = _fresh(request)
    _require_verified(request, _("complete the request"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say what was done (and what was kept) before completing the request.")})
    request.outcome = outcome.strip()
    request.status = RequestStatus.COMPLETED
    request.closed_by = by
    request.closed_at = timezone.now()
    request.full_clean()
    request.save()
    return request
