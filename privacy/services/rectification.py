"""Rectification (Art. 16): correcting a matched contact's data for a verified request."""

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Contact
from customers.services import contact_update
from privacy.models import (
    DataSubjectRequest,
    RequestType,
)
from privacy.request_context import handling_request
from privacy.services.request_rules import _fresh, _require_matched, _require_type, _require_verified, _start

# --- rectification, erasure, restriction ---


@transaction.atomic
def contact_rectify(*, request: DataSubjectRequest, contact: Contact, **data) -> Contact:
    """Art. 16: correct a contact for a verified rectification request; the audit entry names the request."""

    request = _fresh(request)
    _require_verified(request, _("rectify the data"))
    _require_type(request, (RequestType.RECTIFICATION,), _("rectify a contact"))
    _require_matched(request, contact)
    with handling_request(request):
        contact = contact_update(contact=contact, rectification_request=request, **data)
        _start(request)
    return contact
