"""Erasure through a request."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import PrivacyOfficerFactory
from customers import services as customer_services
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import (
    ERASED,
    ConsentMethod,
    ConsentState,
    RequestStatus,
    RequestType,
    VerificationMethod,
)
from privacy.tests.factories import (
    DataSubjectRequestFactory,
    VerifiedRequestFactory,
)
from privacy.tests.helpers import TODAY, register

pytestmark = pytest.mark.django_db

# --- erasure ---

NEEDLES = ("ulpukka.vesterinen@kalaranta.example", "Vesterinen-Testaaja", "Ulpukka", "+358401234567")


def erasure_subject():
    company = CompanyFactory(name="Kalarannan Kala Oy")
    return ContactFactory(
        company=company,
        first_name="Ulpukka",
        last_name="Vesterinen-Testaaja",
        email="ulpukka.vesterinen@kalaranta.example",
        phone="+358401234567",
    )


def test_erasure_leaves_no_trace_of_the_person_in_any_table(find_in_database, django_capture_on_commit_callbacks):
    contact = erasure_subject()
    customer_services.contact_update(contact=contact, title="Kalastaja")
    services.subject_lookup(email=contact.email, phone="040 123 4567")
    earlier = DataSubjectRequestFactory(
        requester_name="Ulpukka Vesterinen-Testaaja", requester_email=contact.email, contacts=[contact]
    )
    services.consent_record(
        contacts=[contact],
        purpose="direct_marketing",
        state=ConsentState.OBJECTED,
        decided_on=TODAY(),
        method=ConsentMethod.EMAIL,
        request=earlier,
        note="Ulpukka soitti",
    )
    request = register(
        request_type=RequestType.ERASURE,
        requester_name="Ulpukka Vesterinen-Testaaja",
        requester_email=contact.email,
        requester_contact="Puh. +358401234567",
        description="Poistakaa Ulpukka Vesterinen-Testaaja",
        matched_contacts=[contact],
    )
    services.request_verify_identity(request=request, method=VerificationMethod.SIGNED_LETTER, by=None)
    assert find_in_database(*NEEDLES)  # the search does see the person before the erasure

    # The confirmation leaves after the commit; once delivered only its proof is kept.
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.subject_erase(request=request, by=PrivacyOfficerFactory())

    assert outcome.erased == [contact.pk]
    assert find_in_database(*NEEDLES) == []
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_erased_request_keeps_only_the_proof_of_handling():
    officer = PrivacyOfficerFactory()
    contact = erasure_subject()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact], verified_by=officer)
    services.subject_erase(request=request, by=officer)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.requester_name == ERASED
    assert request.requester_email == ""
    assert request.closed_by == officer and request.verified_by == officer
    assert request.closed_at is not None
    assert f"#{contact.pk}" in request.outcome
    assert "Erased 1 contact person" in request.outcome


def test_erasure_under_a_legal_hold_keeps_the_contact_and_says_why_and_until_when():
    until = TODAY() + datetime.timedelta(days=400)
    held = erasure_subject()
    held.legal_hold_until = until
    held.legal_hold_reason = "Kirjanpitolaki 2:10 (tositteet)"
    held.save()
    other = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[held, other])
    outcome = services.subject_erase(request=request, by=None)
    assert Contact.objects.filter(pk=held.pk).exists()
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert outcome.kept == [(held.pk, until, "Kirjanpitolaki 2:10 (tositteet)")]
    request.refresh_from_db()
    assert f"{until.day}.{until.month}.{until.year}" in request.outcome
    assert "Kirjanpitolaki 2:10" in request.outcome


def test_a_company_legal_hold_keeps_its_contact_from_erasure():
    company = CompanyFactory(legal_hold_until=TODAY(), legal_hold_reason="Court case")
    contact = ContactFactory(company=company)
    outcome = services.subject_erase(
        request=VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact]), by=None
    )
    assert outcome.kept == [(contact.pk, TODAY(), "Court case")]
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_an_unverified_request_cannot_be_erased():
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.subject_erase(request=request, by=None)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_erasure_needs_an_erasure_request():
    contact = ContactFactory()
    with pytest.raises(ValidationError, match="Erasure"):
        services.subject_erase(request=VerifiedRequestFactory(contacts=[contact]), by=None)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_erasure_with_no_matched_contact_says_no_data_was_held():
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE)
    outcome = services.subject_erase(request=request, by=None)
    assert outcome.erased == []
    assert "No data about the requester was held" in outcome.summary


# --- a kept contact keeps the request; the erased person's name still leaves every entry ---

ERASED_NEEDLES = ("ulpukka.vesterinen@kalaranta.example", "Vesterinen-Testaaja", "+358401234567")


def held_under_a_new_name():
    """The same person's current record, under her new surname, kept by a legal hold."""
    return ContactFactory(
        first_name="Ulpukka",
        last_name="Säilä",
        email="ulpukka.saila@uusi.example",
        legal_hold_until=TODAY() + datetime.timedelta(days=400),
        legal_hold_reason="Kirjanpitolaki 2:10 (tositteet)",
    )


def erasure_request_for(*contacts):
    request = register(
        request_type=RequestType.ERASURE,
        requester_name="Ulpukka Säilä",
        requester_email="ulpukka.saila@uusi.example",
    )
    # Matched from the request's page: one m2m entry about the request lists both names.
    services.request_match(request=request, contacts=contacts)
    services.request_verify_identity(request=request, method=VerificationMethod.SIGNED_LETTER, by=None)
    return request


def test_erasure_with_a_kept_contact_takes_the_erased_name_out_of_the_requests_own_entries():
    from auditlog.models import LogEntry

    held, erased = held_under_a_new_name(), erasure_subject()
    request = erasure_request_for(held, erased)

    outcome = services.subject_erase(request=request, by=None)

    assert outcome.kept and outcome.erased == [erased.pk]
    match_entry = LogEntry.objects.get_for_object(request).get(changes__has_key="matched_contacts")
    assert sorted(match_entry.changes["matched_contacts"]["objects"]) == sorted(
        ["Ulpukka Säilä", f"Contact #{erased.pk}"]
    )


def test_erasure_with_a_kept_contact_leaves_no_trace_of_the_erased_person_in_any_table(find_in_database):
    held, erased = held_under_a_new_name(), erasure_subject()
    customer_services.contact_update(contact=erased, title="Kalastaja")
    services.subject_lookup(email=erased.email, phone="040 123 4567")
    services.consent_record(
        contacts=[erased],
        purpose="direct_marketing",
        state=ConsentState.OBJECTED,
        decided_on=TODAY(),
        method=ConsentMethod.EMAIL,
    )
    request = erasure_request_for(held, erased)
    assert find_in_database(*ERASED_NEEDLES)  # the search does see the person before the erasure

    services.subject_erase(request=request, by=PrivacyOfficerFactory())

    assert find_in_database(*ERASED_NEEDLES) == []
    assert Contact.objects.filter(pk=held.pk).exists()
    assert find_in_database("ulpukka.saila@uusi.example")  # the kept person is still there
