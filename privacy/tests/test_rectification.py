"""Rectification through a request."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from customers.tests.factories import ContactFactory
from privacy import services
from privacy.models import (
    RequestType,
)
from privacy.tests.factories import (
    DataSubjectRequestFactory,
    VerifiedRequestFactory,
)

pytestmark = pytest.mark.django_db

# --- rectification ---


def test_rectification_is_linked_to_the_request_in_the_audit_trail():
    contact = ContactFactory(title="Myyjä")
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    services.contact_rectify(request=request, contact=contact, title="Myyntijohtaja")
    contact.refresh_from_db()
    assert contact.title == "Myyntijohtaja"
    entry = LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes["title"] == ["Myyjä", "Myyntijohtaja"]
    assert entry.additional_data["data_subject_request"] == request.pk


def test_rectification_of_an_unverified_request_is_refused():
    contact = ContactFactory(title="Myyjä")
    request = DataSubjectRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.contact_rectify(request=request, contact=contact, title="X")
    contact.refresh_from_db()
    assert contact.title == "Myyjä"


def test_rectification_of_a_contact_not_matched_to_the_request_is_refused():
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION)
    with pytest.raises(ValidationError, match="not matched"):
        services.contact_rectify(request=request, contact=ContactFactory(), title="X")


def test_rectification_with_an_invalid_phone_is_refused_with_the_field():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    with pytest.raises(ValidationError) as exc:
        services.contact_rectify(request=request, contact=contact, phone="12")
    assert "phone" in exc.value.message_dict
