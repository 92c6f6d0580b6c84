"""Restriction of processing and lifting it."""

import pytest
from django.core.exceptions import ValidationError

from customers import services as customer_services
from customers.tests.factories import ContactFactory
from privacy import services
from privacy.models import (
    RequestType,
)
from privacy.tests.factories import (
    DataSubjectRequestFactory,
    ProcessingRestrictionFactory,
    VerifiedRequestFactory,
)
from privacy.tests.helpers import TODAY

pytestmark = pytest.mark.django_db

# --- restriction ---


def test_restriction_marks_the_contact_and_staff_edits_are_refused():
    contact = ContactFactory(title="Myyjä")
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    restriction = services.contact_restrict(request=request, contact=contact, reason="Accuracy contested")
    assert restriction.is_active
    with pytest.raises(ValidationError, match="restricted"):
        customer_services.contact_update(contact=contact, title="X")
    contact.refresh_from_db()
    assert contact.title == "Myyjä"


def test_restricted_contact_cannot_be_deleted_through_the_service():
    contact = ContactFactory()
    ProcessingRestrictionFactory(contact=contact)
    with pytest.raises(ValidationError, match="restricted"):
        customer_services.contact_delete(contact=contact)


def test_restricted_contact_can_be_rectified_through_a_rectification_request():
    contact = ContactFactory(title="Myyjä")
    ProcessingRestrictionFactory(contact=contact)
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    services.contact_rectify(request=request, contact=contact, title="Myyntijohtaja")
    contact.refresh_from_db()
    assert contact.title == "Myyntijohtaja"


def test_restriction_without_a_reason_is_refused():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    with pytest.raises(ValidationError) as exc:
        services.contact_restrict(request=request, contact=contact, reason="")
    assert "reason" in exc.value.message_dict


def test_restriction_of_an_unverified_request_is_refused():
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.contact_restrict(request=request, contact=contact, reason="Accuracy contested")


def restriction_with_its_request():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    return ProcessingRestrictionFactory(contact=contact, request=request), request


def test_lifting_a_restriction_records_that_the_subject_was_informed():
    restriction, request = restriction_with_its_request()
    lifted = services.contact_restriction_lift(request=request, restriction=restriction, subject_informed_on=TODAY())
    assert lifted.lifted_at is not None
    assert lifted.subject_informed_on == TODAY()
    customer_services.contact_update(contact=restriction.contact, title="Editable again")


def test_lifting_from_an_unverified_request_is_refused():
    restriction, _ = restriction_with_its_request()
    unverified = DataSubjectRequestFactory(request_type=RequestType.RESTRICTION, contacts=[restriction.contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.contact_restriction_lift(request=unverified, restriction=restriction, subject_informed_on=TODAY())
    restriction.refresh_from_db()
    assert restriction.is_active


def test_lifting_from_an_access_request_is_refused():
    restriction, _ = restriction_with_its_request()
    access = VerifiedRequestFactory(request_type=RequestType.ACCESS, contacts=[restriction.contact])
    with pytest.raises(ValidationError):
        services.contact_restriction_lift(request=access, restriction=restriction, subject_informed_on=TODAY())
    restriction.refresh_from_db()
    assert restriction.is_active


def test_lifting_a_restriction_of_a_contact_the_request_is_not_about_is_refused():
    restriction, _ = restriction_with_its_request()
    other = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[ContactFactory()])
    with pytest.raises(ValidationError):
        services.contact_restriction_lift(request=other, restriction=restriction, subject_informed_on=TODAY())
    restriction.refresh_from_db()
    assert restriction.is_active


def test_lifting_without_informing_the_subject_is_refused():
    restriction, request = restriction_with_its_request()
    with pytest.raises(ValidationError) as exc:
        services.contact_restriction_lift(request=request, restriction=restriction, subject_informed_on=None)
    assert "subject_informed_on" in exc.value.message_dict
    restriction.refresh_from_db()
    assert restriction.is_active
