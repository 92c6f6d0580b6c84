"""The data subject's copy of their data (Art. 15 and 20): data.json, data.csv and the cover letter."""

import io
import json
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import entries_about
from caracom_register.spreadsheet import SafeCsvWriter
from customers.models import Contact
from privacy.models import (
    DataSubjectRequest,
    Letter,
    ResponseLanguage,
)
from privacy.request_context import handling_request
from privacy.services.letter_render import letter_html
from privacy.services.lookup import access_record_contact
from privacy.services.notice import notice_current
from privacy.services.request_rules import _fresh, _require_verified, _start, _valid_email

# --- the export (Art. 15 access, Art. 20 portability) ---

EXPORT_FORMAT = "caracom-subject-export/1"


CSV_EXTRA_COLUMNS = ("source", "legal_basis", "ended_on", "legal_hold_until", "consents", "restricted")


@dataclass
class SubjectExport:
    content: bytes
    filename: str
    contact_count: int
    data: dict = field(repr=False, default_factory=dict)
    letter: object = field(repr=False, default=None)


def _contact_record(contact, notice, language):

    company = contact.company
    restriction = next((r for r in contact.restrictions.all() if r.is_active), None)
    source = notice.sources.filter(code=contact.source).first() if notice else None
    history = entries_about(model=Contact, pks=[contact.pk]).order_by("timestamp", "pk")
    return {
        "id": contact.pk,
        "personal_data": contact.personal_data(),
        "company": {"id": company.pk, "business_id": company.business_id, "country": company.country}
        | company.personal_data(),
        "source": contact.source,
        "source_description": source.localized("title", language) if source else contact.get_source_display(),
        "legal_basis": contact.legal_basis,
        "ended_on": contact.ended_on,
        "legal_hold_until": contact.legal_hold_until,
        "legal_hold_reason": contact.legal_hold_reason,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "consents": [
            {
                "purpose": c.purpose,
                "state": c.state,
                "decided_on": c.decided_on,
                "method": c.method,
                "request": c.request_id,
            }
            for c in contact.consents.all()
        ],
        "restriction": {
            "restricted": restriction is not None,
            "since": restriction.restricted_at if restriction else None,
            "reason": restriction.reason if restriction else "",
        },
        "audit_history": [
            {
                "timestamp": entry.timestamp,
                "action": entry.get_action_display(),
                "changes": entry.changes if isinstance(entry.changes, dict) else {},
                "request": (entry.additional_data or {}).get("data_subject_request")
                if isinstance(entry.additional_data, dict)
                else None,
            }
            for entry in history
        ],
    }


def _export_csv(records):
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(
        ["contact_id", "company_name", "company_business_id", *Contact.PERSONAL_DATA_FIELDS, *CSV_EXTRA_COLUMNS]
    )
    for record in records:
        consents = "; ".join(f"{c['purpose']}={c['state']}" for c in record["consents"])
        writer.writerow(
            [
                record["id"],
                record["company"]["name"],
                record["company"]["business_id"],
                *(record["personal_data"][name] for name in Contact.PERSONAL_DATA_FIELDS),
                record["source"],
                record["legal_basis"],
                record["ended_on"].isoformat() if record["ended_on"] else "",
                record["legal_hold_until"].isoformat() if record["legal_hold_until"] else "",
                consents,
                "yes" if record["restriction"]["restricted"] else "no",
            ]
        )
    return out.getvalue()


@transaction.atomic
def subject_export(*, email, request: DataSubjectRequest | None = None, language=None) -> SubjectExport:
    """The ZIP a data subject receives: data.json, data.csv and a cover letter (response.html).

    With a request, the request must be verified and exactly its matched contacts are included; without one
    (the shell), the contacts with this email. Every contact disclosed is logged as access (with the request's
    id). Nothing matched, or an email nobody has, gets a "no data held" answer.
    """
    email = _valid_email(email)
    if request is not None:
        request = _fresh(request)
        _require_verified(request, _("export the data"))
        language = request.response_language
    language = language or ResponseLanguage.FI
    if language not in ResponseLanguage.values:
        raise ValidationError(
            {"language": _("“%(value)s” is not a response language (fi or en).") % {"value": language}}
        )
    if request is not None:
        # Only what the officer matched to this verified request: an email typed on the form may be shared
        # (info@...) or mistyped, and must never pull another person's records into the answer.
        contacts = Contact.objects.filter(pk__in=request.matched_contacts.values("pk"))
    else:
        contacts = Contact.objects.filter(email__iexact=email)
    contacts = list(
        contacts.distinct().select_related("company").prefetch_related("consents", "restrictions").order_by("pk")
    )
    notice = notice_current()
    with handling_request(request):
        for contact in contacts:
            access_record_contact(contact)
        if request is not None:
            _start(request)
    records = [_contact_record(contact, notice, language) for contact in contacts]
    same_person = Q(matched_contacts__in=[c.pk for c in contacts])
    if request is not None:
        same_person |= Q(pk=request.pk)
    else:
        same_person |= Q(requester_email__iexact=email)
    past_requests = DataSubjectRequest.objects.filter(same_person).distinct().order_by("received_on", "pk")
    data = {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "controller": notice.controller_name if notice else "",
        "email": email,
        "request": {"id": request.pk, "type": request.request_type, "received_on": request.received_on}
        if request
        else None,
        "data_held": bool(records),
        "contacts": records,
        "requests": [
            {
                "id": r.pk,
                "type": r.request_type,
                "received_on": r.received_on,
                "status": r.status,
                "due_on": r.due_on,
                "closed_at": r.closed_at,
            }
            for r in past_requests
        ],
        # The letters we wrote to this person: what and when, not their text (that is in the person's mailbox).
        "letters": [
            {
                "id": letter.pk,
                "request": letter.request_id,
                "kind": letter.kind,
                "language": letter.language,
                "delivery": letter.delivery,
                "status": letter.status,
                "created_at": letter.created_at,
                "sent_at": letter.sent_at,
                "posted_on": letter.posted_on,
            }
            for letter in Letter.objects.filter(
                Q(request__in=past_requests) | Q(contact__in=[c.pk for c in contacts])
            ).order_by("created_at", "pk")
        ],
    }
    sources = []
    for record in records:
        if record["source_description"] not in sources:
            sources.append(record["source_description"])
    letter = letter_html(
        kind="access",
        language=language,
        request=request,
        context={
            "notice": notice,
            "language": language,
            "email": email,
            "records": records,
            "sources": sources,
            "recipient_name": request.requester_name if request else "",
            "recipient_address": email,
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archive.writestr("data.csv", _export_csv(records))
        archive.writestr("response.html", letter.html)
    stamp = timezone.localdate().isoformat()
    filename = f"subject-export-request-{request.pk}-{stamp}.zip" if request else f"subject-export-{stamp}.zip"
    return SubjectExport(
        content=buffer.getvalue(), filename=filename, contact_count=len(records), data=data, letter=letter
    )
