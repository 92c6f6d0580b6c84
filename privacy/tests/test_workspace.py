"""The Privacy officer's home page shows the work that is due; Staff see the register."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, sign_in_verified
from customers.tests.factories import ContactFactory
from privacy.models import PurgeRun, RequestStatus
from privacy.tests.factories import DataSubjectRequestFactory, VerifiedRequestFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    return client


def section(page, section_id):
    return page.split(f'id="{section_id}"')[1].split('<div class="module"')[0]


def test_an_overdue_request_is_listed_under_overdue(officer_client):
    late = DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=40))

    page = officer_client.get("/admin/").content.decode()

    assert f"/admin/privacy/datasubjectrequest/{late.pk}/change/" in section(page, "work-overdue")


def test_a_request_due_in_seven_days_is_due_this_week_and_in_eight_days_is_not(officer_client):
    in_seven = DataSubjectRequestFactory(
        received_on=TODAY() - datetime.timedelta(days=20), due_on=TODAY() + datetime.timedelta(days=7)
    )
    in_eight = DataSubjectRequestFactory(
        received_on=TODAY() - datetime.timedelta(days=20), due_on=TODAY() + datetime.timedelta(days=8)
    )

    week = section(officer_client.get("/admin/").content.decode(), "work-due-this-week")

    assert f"/datasubjectrequest/{in_seven.pk}/change/" in week
    assert f"/datasubjectrequest/{in_eight.pk}/change/" not in week


def test_a_request_waiting_for_identity_is_listed_and_a_verified_one_is_not(officer_client):
    waiting = DataSubjectRequestFactory()
    verified = VerifiedRequestFactory()

    listed = section(officer_client.get("/admin/").content.decode(), "work-waiting-for-identity")

    assert f"/datasubjectrequest/{waiting.pk}/change/" in listed
    assert f"/datasubjectrequest/{verified.pk}/change/" not in listed


def test_a_failed_purge_run_stands_out(officer_client):
    PurgeRun.objects.create(as_of=TODAY(), outcome=PurgeRun.Outcome.FAILED, error="OperationalError")

    page = officer_client.get("/admin/").content.decode()

    assert 'id="work-last-purge" class="attention"' in page


def test_a_succeeded_purge_run_does_not_stand_out(officer_client):
    PurgeRun.objects.create(as_of=TODAY(), outcome=PurgeRun.Outcome.SUCCEEDED)

    page = officer_client.get("/admin/").content.decode()

    assert 'id="work-last-purge" class=""' in page


def test_a_hold_ending_within_30_days_is_listed_and_one_ending_later_is_not(officer_client):
    soon = ContactFactory(legal_hold_until=TODAY() + datetime.timedelta(days=30), legal_hold_reason="Sopimus")
    later = ContactFactory(legal_hold_until=TODAY() + datetime.timedelta(days=31), legal_hold_reason="Sopimus")

    retention = section(officer_client.get("/admin/").content.decode(), "work-retention")

    assert f"/admin/customers/contact/{soon.pk}/change/" in retention
    assert f"/admin/customers/contact/{later.pk}/change/" not in retention


def test_a_closed_request_is_listed_as_recently_closed(officer_client, django_user_model):
    closed = DataSubjectRequestFactory(status=RequestStatus.COMPLETED, closed_at=timezone.now())

    listed = section(officer_client.get("/admin/").content.decode(), "work-recently-closed")

    assert f"/datasubjectrequest/{closed.pk}/change/" in listed


def test_staff_see_a_contact_search_and_no_request_work(client):
    sign_in_verified(client, StaffUserFactory())

    page = client.get("/admin/").content.decode()

    assert 'id="home-contact-search"' in page
    assert "work-overdue" not in page
