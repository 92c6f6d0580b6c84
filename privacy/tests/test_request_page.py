"""Data subject requests through the admin, as the Privacy officer; Staff sees none of it."""

import datetime
import io
import json
import zipfile

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import PRIVACY_OFFICER, STAFF
from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, sign_in_verified
from customers.models import Contact
from customers.tests.factories import ContactFactory
from privacy.models import (
    Consent,
    ConsentState,
    DataSubjectRequest,
    ProcessingRestriction,
    RequestStatus,
    RequestType,
)
from privacy.tests.factories import DataSubjectRequestFactory, ProcessingRestrictionFactory, VerifiedRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/privacy/datasubjectrequest/"
TODAY = timezone.localdate


@pytest.fixture
def officer(db):
    return PrivacyOfficerFactory()


@pytest.fixture
def officer_client(client, officer):
    sign_in_verified(client, officer)
    return client


@pytest.fixture
def staff_client(client):
    sign_in_verified(client, StaffUserFactory())
    return client


def act(client, request, action, **data):
    return client.post(f"{BASE}{request.pk}/act/{action}/", data)


def test_only_the_privacy_officer_gets_the_request_permissions():
    officer = set(Group.objects.get(name=PRIVACY_OFFICER).permissions.values_list("codename", flat=True))
    staff = set(Group.objects.get(name=STAFF).permissions.values_list("codename", flat=True))
    wanted = {"view_datasubjectrequest", "handle_datasubjectrequest", "export_marketing_audience", "view_consent"}
    assert wanted <= officer
    assert not wanted & staff


@pytest.mark.parametrize(
    "url",
    [
        BASE,
        f"{BASE}add/",
        f"{BASE}lookup/?email=a@b.fi",
        f"{BASE}marketing-audience.csv",
        "/admin/privacy/consent/",
        "/admin/privacy/processingrestriction/",
    ],
)
def test_staff_cannot_see_requests_lookups_or_exports(staff_client, url):
    assert staff_client.get(url).status_code == 403


def test_staff_cannot_run_a_request_action_or_download_an_export(staff_client):
    contact = ContactFactory()
    request = VerifiedRequestFactory(contacts=[contact])
    assert staff_client.get(f"{BASE}{request.pk}/change/").status_code == 403
    response = act(staff_client, request, "export", email=contact.email)
    assert response.status_code == 403
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_officer_logs_a_request_from_the_admin(officer_client):
    response = officer_client.post(
        f"{BASE}add/",
        {
            "request_type": "access",
            "channel": "letter",
            "received_on": "2026-01-31",
            "requester_name": "Maija Meikäläinen",
            "requester_email": "Maija@Kala.fi",
            "requester_contact": "Kalakuja 2, 85100 Kalajoki",
            "description": "Pyydän tietoni.",
            "response_language": "fi",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = DataSubjectRequest.objects.get()
    assert request.due_on == datetime.date(2026, 2, 28)
    assert request.requester_email == "maija@kala.fi"


def test_admin_refuses_an_invalid_requester_email_with_the_message(officer_client):
    response = officer_client.post(
        f"{BASE}add/",
        {
            "request_type": "access",
            "channel": "email",
            "received_on": TODAY().isoformat(),
            "requester_name": "Maija",
            "requester_email": "maija(at)kala",
            "response_language": "en",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_admin_refuses_a_receipt_date_in_the_future(officer_client):
    response = officer_client.post(
        f"{BASE}add/",
        {
            "request_type": "access",
            "channel": "email",
            "received_on": (TODAY() + datetime.timedelta(days=3)).isoformat(),
            "requester_name": "Maija",
            "response_language": "en",
        },
    )
    assert response.status_code == 200
    assert "is in the future" in response.content.decode()


def test_request_list_highlights_overdue_and_due_soon_requests(officer_client):
    DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=40))
    DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=27))
    DataSubjectRequestFactory(received_on=TODAY())
    page = officer_client.get(BASE).content.decode()
    assert page.count('class="dsr-due dsr-overdue"') == 1
    assert page.count('class="dsr-due dsr-due-soon"') == 1
    assert page.count('class="dsr-due"') == 1
    assert "privacy/requests.css" in page
    assert 'style="' not in page.split('id="result_list"')[1].split("</table>")[0]


def test_request_list_is_ordered_by_due_date(officer_client):
    later = DataSubjectRequestFactory(received_on=TODAY())
    sooner = DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=20))
    response = officer_client.get(BASE)
    assert [r.pk for r in response.context["cl"].result_list] == [sooner.pk, later.pk]


def test_overdue_filter_lists_only_open_overdue_requests(officer_client):
    overdue = DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=40))
    DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=40), status=RequestStatus.COMPLETED)
    DataSubjectRequestFactory(received_on=TODAY())
    response = officer_client.get(f"{BASE}?deadline=overdue")
    assert [r.pk for r in response.context["cl"].result_list] == [overdue.pk]


def test_admin_index_shows_the_request_counts_to_the_officer(officer_client):
    DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=40))
    DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=28))
    DataSubjectRequestFactory(received_on=TODAY())
    page = officer_client.get("/admin/").content.decode()
    assert "3 open" in page
    assert "1 overdue" in page
    assert "1 due within 7 days" in page


def test_admin_index_shows_no_request_counts_to_staff(staff_client):
    DataSubjectRequestFactory()
    page = staff_client.get("/admin/").content.decode()
    assert "dsr-summary" not in page


def test_officer_verifies_identity_from_the_request(officer_client, officer):
    request = DataSubjectRequestFactory()
    response = act(officer_client, request, "verify", verification_method="id_in_person", verification_note="")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.VERIFIED
    assert request.verified_by == officer


def test_officer_extension_beyond_three_months_shows_the_rule(officer_client):
    request = DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=5))
    response = act(
        officer_client,
        request,
        "extend",
        due_on=(request.received_on + datetime.timedelta(days=120)).isoformat(),
        extension_reason="Busy",
        extension_told_on=TODAY().isoformat(),
    )
    assert response.status_code == 200
    assert "at most two months" in response.content.decode()


def test_officer_refusal_without_a_ground_shows_the_rule(officer_client):
    request = DataSubjectRequestFactory()
    response = act(officer_client, request, "refuse", refusal_article="art_12_5", refusal_ground="")
    assert "A refusal needs its legal ground" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_officer_refuses_a_request(officer_client):
    request = DataSubjectRequestFactory()
    response = act(officer_client, request, "refuse", refusal_article="art_12_5", refusal_ground="Fifth copy")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED


def test_officer_downloads_the_export_of_an_access_request(officer_client):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ACCESS, contacts=[contact], response_language="en")
    response = act(officer_client, request, "export", email=contact.email)
    assert response["Content-Type"] == "application/zip"
    assert f"request-{request.pk}" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["data.csv", "data.json", "response.html"]
        assert json.loads(archive.read("data.json"))["contacts"][0]["id"] == contact.pk


def test_officer_export_of_a_portability_request_works_the_same(officer_client):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.PORTABILITY, contacts=[contact])
    response = act(officer_client, request, "export", email=contact.email)
    assert response["Content-Type"] == "application/zip"


def test_officer_cannot_export_an_unverified_request(officer_client):
    contact = ContactFactory()
    request = DataSubjectRequestFactory(contacts=[contact])
    response = act(officer_client, request, "export", email=contact.email)
    assert response.status_code == 200
    assert "identity has not been verified" in response.content.decode()


def test_officer_erases_from_the_request(officer_client):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    response = act(officer_client, request, "erase", confirm="on")
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED


def test_officer_cannot_erase_an_unverified_request(officer_client):
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    response = act(officer_client, request, "erase", confirm="on")
    assert "identity has not been verified" in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_officer_rectifies_a_contact_from_the_request(officer_client):
    contact = ContactFactory(title="Myyjä")
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    data = {name: getattr(contact, name) for name in Contact.PERSONAL_DATA_FIELDS}
    response = officer_client.post(f"{BASE}{request.pk}/rectify/{contact.pk}/", {**data, "title": "Myyntijohtaja"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.title == "Myyntijohtaja"
    entry = LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.additional_data["data_subject_request"] == request.pk


def test_officer_restricts_and_lifts_from_the_request(officer_client):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    assert act(officer_client, request, "restrict", contact=contact.pk, reason="Accuracy contested").status_code == 302
    restriction = ProcessingRestriction.objects.get(contact=contact)
    response = act(officer_client, request, "lift", restriction=restriction.pk, subject_informed_on=TODAY().isoformat())
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.subject_informed_on == TODAY()


def test_officer_records_an_objection_from_the_request(officer_client):
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.OBJECTION, contacts=[contact])
    response = act(
        officer_client,
        request,
        "consent",
        contacts=[contact.pk],
        purpose="direct_marketing",
        state="objected",
        method="letter",
        decided_on=TODAY().isoformat(),
    )
    assert response.status_code == 302
    assert Consent.objects.get(contact=contact).state == ConsentState.OBJECTED


def test_officer_records_a_consent_withdrawal_from_the_request(officer_client):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.CONSENT, contacts=[contact])
    act(
        officer_client,
        request,
        "consent",
        contacts=[contact.pk],
        purpose="ad_targeting",
        state="withdrawn",
        method="email",
        decided_on=TODAY().isoformat(),
    )
    assert Consent.objects.get(contact=contact, purpose="ad_targeting").state == ConsentState.WITHDRAWN


def test_officer_completes_a_request(officer_client, officer):
    request = VerifiedRequestFactory()
    response = act(officer_client, request, "complete", outcome="Answer sent by letter.")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.closed_by == officer


def test_change_page_offers_only_the_actions_of_the_status(officer_client):
    request = DataSubjectRequestFactory(request_type=RequestType.ERASURE)
    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()
    assert f"{BASE}{request.pk}/act/verify/" in page
    assert f"{BASE}{request.pk}/act/erase/" not in page


def test_lookup_page_shows_a_clear_message_for_an_invalid_email(officer_client):
    page = officer_client.post(f"{BASE}lookup/", {"step": "search", "email": "not-an-email"}).content.decode()
    assert "is not a valid email address" in page


def test_officer_downloads_the_marketing_audience(officer_client):
    keep = ContactFactory()
    restricted = ContactFactory()
    ProcessingRestrictionFactory(contact=restricted)
    response = officer_client.post(f"{BASE}marketing-audience.csv", {"recipient": "Postituspalvelu Oy"})
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert keep.email in body
    assert restricted.email not in body


def test_a_closed_request_is_read_only(officer_client):
    request = DataSubjectRequestFactory(status=RequestStatus.COMPLETED)
    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()
    assert 'name="_save"' not in page


@pytest.mark.parametrize(
    "action", ["verify", "extend", "refuse", "complete", "export", "erase", "restrict", "lift", "consent"]
)
def test_every_action_page_renders_its_form(officer_client, action):
    request = VerifiedRequestFactory(contacts=[ContactFactory()])
    response = officer_client.get(f"{BASE}{request.pk}/act/{action}/")
    assert response.status_code == 200
    assert "<form" in response.content.decode()


def test_an_unknown_action_is_not_found(officer_client):
    request = VerifiedRequestFactory()
    assert officer_client.get(f"{BASE}{request.pk}/act/explode/").status_code == 404


def test_a_new_receipt_date_on_an_extended_request_is_refused_on_the_field_not_a_500(officer_client):
    received = TODAY() - datetime.timedelta(days=20)
    request = DataSubjectRequestFactory(
        received_on=received,
        due_on=received + datetime.timedelta(days=80),
        extension_reason="Many records",
        extension_told_on=received + datetime.timedelta(days=5),
    )
    response = officer_client.post(
        f"{BASE}{request.pk}/change/",
        {
            "request_type": "access",
            "channel": "email",
            "received_on": (received - datetime.timedelta(days=1)).isoformat(),
            "requester_name": request.requester_name,
            "requester_email": request.requester_email,
            "response_language": "fi",
        },
    )
    assert response.status_code == 200
    assert "can no longer change" in response.context["adminform"].form.errors["received_on"][0]
    request.refresh_from_db()
    assert request.received_on == received
