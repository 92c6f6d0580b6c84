"""The request page guides the officer: steps, the next step, only fitting actions, and what an erasure does."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, sign_in_verified
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy.admin.request_actions import available_actions
from privacy.models import RequestStatus, RequestType
from privacy.tests.factories import DataSubjectRequestFactory, ProcessingRestrictionFactory, VerifiedRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/privacy/datasubjectrequest/"


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    return client


def test_an_objection_offers_no_export():
    request = VerifiedRequestFactory(request_type=RequestType.OBJECTION, contacts=[ContactFactory()])

    assert "export" not in available_actions(request)


def test_an_access_request_offers_the_export_once_verified():
    request = VerifiedRequestFactory(request_type=RequestType.ACCESS, contacts=[ContactFactory()])

    assert "export" in available_actions(request)


def test_a_restriction_request_offers_no_lifting_before_anything_is_restricted():
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[ContactFactory()])

    assert "restrict" in available_actions(request)
    assert "lift" not in available_actions(request)


def test_a_restriction_request_offers_lifting_once_a_matched_contact_is_restricted():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    ProcessingRestrictionFactory(contact=contact, request=request)

    assert "lift" in available_actions(request)
    assert "restrict" not in available_actions(request)


def test_an_unverified_request_offers_verification_and_no_acting():
    request = DataSubjectRequestFactory(request_type=RequestType.ERASURE, contacts=[ContactFactory()])

    assert available_actions(request)[0] == "verify"
    assert "erase" not in available_actions(request)


def test_the_request_page_shows_the_steps_and_the_next_one(officer_client):
    request = DataSubjectRequestFactory(request_type=RequestType.ACCESS)

    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()

    assert 'class="dsr-steps"' in page
    assert "Find the person in the register and match their records to the request." in page


def test_after_matching_the_next_step_is_identity_verification(officer_client):
    request = DataSubjectRequestFactory(request_type=RequestType.ACCESS, contacts=[ContactFactory()])

    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()

    assert "Verify the requester&#x27;s identity before acting on the request." in page


def test_the_action_buttons_are_a_row_of_buttons_without_list_bullets(officer_client):
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[ContactFactory()])

    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()

    assert '<ul class="button-row dsr-actions">' in page
    assert 'class="button destructive"' in page


def test_verified_by_is_shown_as_a_name_not_a_link_to_a_forbidden_page(officer_client):
    verifier = StaffUserFactory(first_name="Tiina", last_name="Tarkastaja")
    request = VerifiedRequestFactory(verified_by=verifier, contacts=[ContactFactory()])

    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()

    assert "Tiina Tarkastaja" in page
    assert f"/admin/accounts/user/{verifier.pk}/" not in page


def test_the_verify_form_preselects_no_method(officer_client):
    request = DataSubjectRequestFactory()

    page = officer_client.get(f"{BASE}{request.pk}/act/verify/").content.decode()

    assert '<option value="" selected>Choose…</option>' in page


def test_the_verify_form_without_a_method_is_refused_and_verifies_nothing(officer_client):
    request = DataSubjectRequestFactory()

    response = officer_client.post(f"{BASE}{request.pk}/act/verify/", {"verification_method": ""})

    request.refresh_from_db()
    assert response.status_code == 200
    assert request.status == RequestStatus.RECEIVED


def test_the_consent_form_preselects_neither_the_state_nor_how_for_an_access_request(officer_client):
    request = VerifiedRequestFactory(request_type=RequestType.CONSENT, contacts=[ContactFactory()])
    request.request_type = RequestType.ACCESS
    request.save()

    page = officer_client.get(f"{BASE}{request.pk}/act/consent/").content.decode()

    assert page.count('<option value="" selected>Choose…</option>') == 2


def test_the_restriction_picker_shows_name_email_and_company(officer_client):
    twin_a = ContactFactory(first_name="Maija", last_name="Meikäläinen", company=CompanyFactory(name="Alfa Oy"))
    twin_b = ContactFactory(first_name="Maija", last_name="Meikäläinen", company=CompanyFactory(name="Beta Oy"))
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[twin_a, twin_b])

    page = officer_client.get(f"{BASE}{request.pk}/act/restrict/").content.decode()

    assert f"Maija Meikäläinen · {twin_a.email} · Alfa Oy" in page
    assert f"Maija Meikäläinen · {twin_b.email} · Beta Oy" in page


def test_the_erase_page_lists_who_is_deleted_and_who_a_hold_keeps_and_why(officer_client):
    erased = ContactFactory(first_name="Eero", last_name="Poistettava")
    held = ContactFactory(
        first_name="Hilkka",
        last_name="Pidettävä",
        legal_hold_until=timezone.localdate() + datetime.timedelta(days=90),
        legal_hold_reason="Kirjanpitolaki 2:10",
    )
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[erased, held])

    page = officer_client.get(f"{BASE}{request.pk}/act/erase/").content.decode()
    deleted_table = page.split('id="erasure-deleted"')[1].split("</table>")[0]
    kept_table = page.split('id="erasure-kept"')[1].split("</table>")[0]

    assert "Eero Poistettava" in deleted_table and "Hilkka" not in deleted_table
    assert "Hilkka Pidettävä" in kept_table and "Kirjanpitolaki 2:10" in kept_table
    assert 'class="destructive"' in page


def test_erasing_without_the_confirmation_is_refused_and_erases_nothing(officer_client):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])

    response = officer_client.post(f"{BASE}{request.pk}/act/erase/", {})

    assert "Tick the box to confirm the erasure; nothing was erased." in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_restriction_message_names_the_person_and_the_next_step(officer_client):
    contact = ContactFactory(first_name="Raili", last_name="Rajoitettu")
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])

    response = officer_client.post(
        f"{BASE}{request.pk}/act/restrict/", {"contact": contact.pk, "reason": "Accuracy contested"}, follow=True
    )

    page = response.content.decode()
    assert "Raili Rajoitettu is restricted" in page
    assert "Next: tell the subject, then complete the request." in page
    assert f"Contact #{contact.pk}" not in page


def test_a_consent_message_counts_in_finnish_with_the_right_form(officer_client, version_1):
    contacts = [ContactFactory(), ContactFactory()]
    request = VerifiedRequestFactory(request_type=RequestType.OBJECTION, contacts=contacts)

    response = officer_client.post(
        f"{BASE}{request.pk}/act/consent/",
        {
            "contacts": [c.pk for c in contacts],
            "purpose": "direct_marketing",
            "state": "objected",
            "method": "email",
            "decided_on": "30.11.2026" if timezone.localdate() >= datetime.date(2026, 11, 30) else "1.1.2026",
        },
        follow=True,
        headers={"accept-language": "fi"},
    )

    assert "Kirjattu 2 yhteyshenkilölle." in response.content.decode()


def test_a_request_is_saved_with_a_finnish_received_date(officer_client):
    response = officer_client.post(
        f"{BASE}add/",
        {
            "request_type": "access",
            "channel": "email",
            "received_on": timezone.localdate().strftime("%-d.%-m.%Y"),
            "requester_name": "Maija Meikäläinen",
            "requester_email": "maija@example.fi",
            "requester_contact": "",
            "description": "",
            "response_language": "fi",
        },
        headers={"accept-language": "fi"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_objection_recorded_before_verification_asks_for_verification_next(officer_client, version_1):
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.OBJECTION, contacts=[contact])
    officer_client.post(
        f"{BASE}{request.pk}/act/consent/",
        {
            "contacts": [contact.pk],
            "purpose": "direct_marketing",
            "state": "objected",
            "method": "email",
            "decided_on": timezone.localdate().isoformat(),
        },
    )

    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()

    assert "Verify the requester&#x27;s identity, then tell the subject what was done" in page
    assert "direct_marketing" not in page.split('id="dsr-next-step"')[1].split("</form>")[0]
