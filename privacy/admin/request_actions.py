"""The request page's actions: which fit a request's type and status, and the one service each calls."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from privacy import services
from privacy.admin.request_forms import (
    CompleteForm,
    ConsentForm,
    EraseForm,
    ExportForm,
    ExtendForm,
    LiftForm,
    RefuseForm,
    RestrictForm,
    VerifyForm,
)
from privacy.models import (
    ProcessingRestriction,
    RequestStatus,
    RequestType,
)


def _day(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class RequestAction:
    form: type
    title: object
    run: object
    label: object
    destructive: bool = False


def _run_verify(request, dsr, data):
    services.request_verify_identity(
        request=dsr, method=data["verification_method"], note=data["verification_note"], by=request.user
    )
    return _("The requester's identity is recorded as verified. Next: act on the request.")


def _run_extend(request, dsr, data):
    dsr = services.request_extend(
        request=dsr, due_on=data["due_on"], reason=data["extension_reason"], subject_told_on=data["extension_told_on"]
    )
    return _("The deadline is now %(date)s. Next: act on the request before it.") % {"date": _day(dsr.due_on)}


def _run_refuse(request, dsr, data):
    services.request_refuse(
        request=dsr, article=data["refusal_article"], ground=data["refusal_ground"], by=request.user
    )
    return _("The request is refused. Tell the subject the ground and the right to complain to the Ombudsman.")


def _run_complete(request, dsr, data):
    services.request_complete(request=dsr, outcome=data["outcome"], by=request.user)
    return _("The request is completed and closed. It stays unchanged as the proof of handling.")


def _run_export(request, dsr, data):
    export = services.subject_export(email=data["email"], request=dsr)
    response = HttpResponse(export.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _run_erase(request, dsr, data):
    outcome = services.subject_erase(request=dsr, by=request.user)
    return outcome.summary


def _run_restrict(request, dsr, data):
    services.contact_restrict(request=dsr, contact=data["contact"], reason=data["reason"])
    return _(
        "%(contact)s is restricted: the record is only stored, and staff cannot change it. "
        "Next: tell the subject, then complete the request."
    ) % {"contact": data["contact"]}


def _run_lift(request, dsr, data):
    services.contact_restriction_lift(
        request=dsr, restriction=data["restriction"], subject_informed_on=data["subject_informed_on"]
    )
    return _("The restriction is lifted; the subject was informed on %(date)s.") % {
        "date": _day(data["subject_informed_on"])
    }


def _run_consent(request, dsr, data):
    saved = services.consent_record(
        contacts=data["contacts"],
        purpose=data["purpose"],
        state=data["state"],
        decided_on=data["decided_on"],
        method=data["method"],
        request=dsr,
        note=data["note"],
    )
    return ngettext(
        "Recorded for %(count)s contact person. Next: tell the subject, then complete the request.",
        "Recorded for %(count)s contact persons. Next: tell the subject, then complete the request.",
        len(saved),
    ) % {"count": len(saved)}


REQUEST_ACTIONS = {
    "verify": RequestAction(VerifyForm, gettext_lazy("Verify identity"), _run_verify, gettext_lazy("Verify identity")),
    "extend": RequestAction(ExtendForm, gettext_lazy("Extend the deadline"), _run_extend, gettext_lazy("Extend")),
    "refuse": RequestAction(RefuseForm, gettext_lazy("Refuse the request"), _run_refuse, gettext_lazy("Refuse")),
    "complete": RequestAction(
        CompleteForm, gettext_lazy("Complete the request"), _run_complete, gettext_lazy("Complete")
    ),
    "export": RequestAction(ExportForm, gettext_lazy("Export the data (ZIP)"), _run_export, gettext_lazy("Export")),
    "erase": RequestAction(
        EraseForm, gettext_lazy("Erase the data"), _run_erase, gettext_lazy("Erase for good"), destructive=True
    ),
    "restrict": RequestAction(
        RestrictForm, gettext_lazy("Restrict processing"), _run_restrict, gettext_lazy("Restrict")
    ),
    "lift": RequestAction(LiftForm, gettext_lazy("Lift a restriction"), _run_lift, gettext_lazy("Lift restriction")),
    "consent": RequestAction(
        ConsentForm, gettext_lazy("Record consent or objection"), _run_consent, gettext_lazy("Consent / objection")
    ),
}


def available_actions(dsr):
    """The buttons that make sense for the request's type, its status and what has been done so far.

    No export on an objection, no "Lift restriction" before anything is restricted, no restriction
    when every matched contact already is.
    """
    if not dsr.is_open:
        return []
    acting = []
    if dsr.status == RequestStatus.RECEIVED:
        if dsr.request_type in (RequestType.OBJECTION, RequestType.CONSENT):
            acting.append("consent")  # withdrawing or objecting needs no identity check
        return ["verify", *acting, "extend", "refuse"]
    matched = dsr.matched_contacts.all()
    active = ProcessingRestriction.objects.filter(contact__in=matched, lifted_at__isnull=True)
    if dsr.request_type in (RequestType.ACCESS, RequestType.PORTABILITY):
        acting.append("export")
    elif dsr.request_type == RequestType.ERASURE:
        acting.append("erase")
    elif dsr.request_type == RequestType.CONSENT or dsr.request_type == RequestType.OBJECTION:
        acting.append("consent")
    if dsr.request_type in (RequestType.RESTRICTION, RequestType.OBJECTION):
        if matched.exclude(pk__in=active.values("contact_id")).exists():
            acting.append("restrict")
        if active.exists():
            acting.append("lift")
    return [*acting, "complete", "extend", "refuse"]
