"""Art. 19: every disclosure is recorded, and after a rectification, erasure or restriction the request's
page lists whom to inform, and the Privacy officer records each notification or why it was impossible."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import PrivacyOfficerFactory, sign_in_verified
from audit.disclosures import disclosure_recipients, disclosure_record
from audit.models import Disclosure
from customers.models import Contact
from customers.tests.factories import ContactFactory
from privacy import services
from privacy.models import RecipientNotification, RequestType
from privacy.tests.factories import VerifiedRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/privacy/datasubjectrequest/"
MAILER = "Postituspalvelu Oy"


@pytest.fixture
def officer():
    return PrivacyOfficerFactory()


@pytest.fixture
def officer_client(client, officer):
    sign_in_verified(client, officer)
    return client


def export_for_marketing(client, recipient=MAILER):
    return client.post(f"{BASE}marketing-audience.csv", {"recipient": recipient})


def erased_after_marketing(client, officer):
    contact = ContactFactory()
    export_for_marketing(client)
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    services.subject_erase(request=request, by=officer)
    return request, contact


def test_the_marketing_export_records_the_recipient_the_contacts_and_who_exported(officer_client, officer):
    included = ContactFactory()
    response = export_for_marketing(officer_client)
    assert response["Content-Type"].startswith("text/csv")
    disclosure = Disclosure.objects.get()
    assert (disclosure.recipient, disclosure.actor_email) == (MAILER, officer.email)
    assert included.pk in set(disclosure.records.values_list("object_id", flat=True))
    assert disclosure.count == Contact.objects.exclude(email="").count()


def test_the_marketing_export_page_asks_for_the_recipient_first_and_records_nothing(officer_client):
    page = officer_client.get(f"{BASE}marketing-audience.csv").content.decode()
    assert 'name="recipient"' in page
    assert not Disclosure.objects.exists()


def test_a_marketing_export_without_a_recipient_is_refused(officer_client):
    response = export_for_marketing(officer_client, recipient="   ")
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert "This field is required" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_the_subjects_own_export_is_recorded_as_a_disclosure_to_the_subject(officer):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ACCESS, contacts=[contact])
    services.subject_export(email=contact.email, request=request)
    disclosure = Disclosure.objects.get()
    assert disclosure.recipient == services.SUBJECT_RECIPIENT
    assert list(disclosure.records.values_list("object_id", flat=True)) == [contact.pk]


def test_the_request_page_lists_the_marketing_recipient_after_an_erasure(officer_client, officer):
    request, contact = erased_after_marketing(officer_client, officer)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()
    assert "Recipients to inform (GDPR Art. 19)" in page
    assert MAILER in page


def test_a_restriction_lists_the_standing_recipients_of_the_notice_in_force():
    standing = services.notice_current().recipients.order_by("pk").first()
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    services.contact_restrict(request=request, contact=contact, reason="Oikeellisuus kiistetty")
    notification = RecipientNotification.objects.get(request=request, recipient=standing.name)
    assert (notification.source, notification.action) == ("notice", "restriction")
    assert notification.contact_ids == [contact.pk]


def test_a_rectification_lists_who_received_the_contacts_data(officer_client):
    contact = ContactFactory()
    export_for_marketing(officer_client)
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    services.contact_rectify(request=request, contact=contact, title="Johtaja")
    notification = RecipientNotification.objects.get(request=request, recipient=MAILER)
    assert (notification.source, notification.action) == ("disclosure", "rectification")


def test_the_subject_is_not_listed_as_a_recipient_to_inform(officer):
    contact = ContactFactory()
    access = VerifiedRequestFactory(request_type=RequestType.ACCESS, contacts=[contact])
    services.subject_export(email=contact.email, request=access)
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    services.subject_erase(request=request, by=officer)
    assert not RecipientNotification.objects.filter(recipient=services.SUBJECT_RECIPIENT).exists()


def test_recipients_of_other_contacts_are_not_listed(officer_client, officer):
    other = ContactFactory()
    disclosure_record(recipient="Joku Muu Oy", kind="list export", model=Contact, pks=[other.pk])
    request, _ = erased_after_marketing(officer_client, officer)
    assert not RecipientNotification.objects.filter(request=request, recipient="Joku Muu Oy").exists()


def test_the_officer_records_the_day_and_how_the_recipient_was_informed(officer_client, officer):
    request, _ = erased_after_marketing(officer_client, officer)
    notification = RecipientNotification.objects.get(request=request, recipient=MAILER)
    response = officer_client.post(
        f"{BASE}{request.pk}/inform/{notification.pk}/",
        {"notified_on": datetime.date.today().isoformat(), "method": "Sähköposti tietosuojavastaavalle"},
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert (notification.notified_on, notification.recorded_by) == (datetime.date.today(), officer)
    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()
    assert "Sähköposti tietosuojavastaavalle" in page


def test_the_officer_records_why_informing_was_impossible(officer_client, officer):
    request, _ = erased_after_marketing(officer_client, officer)
    notification = RecipientNotification.objects.get(request=request, recipient=MAILER)
    officer_client.post(
        f"{BASE}{request.pk}/inform/{notification.pk}/", {"impossible_reason": "Yritys on lopettanut toimintansa."}
    )
    notification.refresh_from_db()
    assert notification.is_done and notification.notified_on is None


def test_a_record_with_neither_a_day_nor_a_reason_is_refused_naming_the_recipient(officer_client, officer):
    request, _ = erased_after_marketing(officer_client, officer)
    notification = RecipientNotification.objects.get(request=request, recipient=MAILER)
    page = officer_client.post(f"{BASE}{request.pk}/inform/{notification.pk}/", {}).content.decode()
    assert f"Give the day and how {MAILER} was informed" in page
    notification.refresh_from_db()
    assert not notification.is_done


def test_a_day_informed_in_the_future_is_refused(officer):
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE)
    notification = RecipientNotification.objects.create(
        request=request, recipient=MAILER, source="notice", action="erasure"
    )
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.recipient_notification_record(
            notification=notification, by=officer, notified_on=tomorrow, method="Puhelu"
        )


def test_today_as_the_day_informed_is_accepted(officer):
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE)
    notification = RecipientNotification.objects.create(
        request=request, recipient=MAILER, source="notice", action="erasure"
    )
    services.recipient_notification_record(
        notification=notification, by=officer, notified_on=datetime.date.today(), method="Puhelu"
    )
    notification.refresh_from_db()
    assert notification.is_done


def test_a_day_without_how_is_refused(officer):
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE)
    notification = RecipientNotification.objects.create(
        request=request, recipient=MAILER, source="notice", action="erasure"
    )
    with pytest.raises(ValidationError, match="Say how the recipient was informed"):
        services.recipient_notification_record(notification=notification, by=officer, notified_on=datetime.date.today())


def test_a_disclosure_without_a_recipient_is_refused_and_nothing_is_recorded():
    contact = ContactFactory()
    with pytest.raises(ValidationError, match="Name the recipient"):
        disclosure_record(recipient=" ", kind="list export", model=Contact, pks=[contact.pk])
    assert not Disclosure.objects.exists()


def test_disclosures_outlive_the_rows_they_name():
    contact = ContactFactory()
    disclosure_record(recipient="Listapalvelu Oy", kind="list export", model=Contact, pks=[contact.pk])
    pk = contact.pk
    Contact.objects.filter(pk=pk).delete()
    (found,) = disclosure_recipients(model=Contact, pks=[pk])
    assert (found["recipient"], found["ids"]) == ("Listapalvelu Oy", {pk})


def test_the_recipients_to_inform_are_shown_in_finnish_with_finnish_dates(officer_client, officer):
    request, _ = erased_after_marketing(officer_client, officer)
    notification = RecipientNotification.objects.get(request=request, recipient=MAILER)
    services.recipient_notification_record(
        notification=notification, by=officer, notified_on=datetime.date(2026, 11, 30), method="Sähköposti"
    )
    page = officer_client.get(f"{BASE}{request.pk}/change/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Vastaanottajat, joille ilmoitetaan" in page
    assert "Ilmoitettu 30.11.2026: Sähköposti" in page


def test_two_contacts_of_one_request_give_one_row_per_recipient_naming_both():
    standing = services.notice_current().recipients.order_by("pk").first()
    first, second = ContactFactory(), ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[first, second])
    for contact in (first, second):
        services.contact_restrict(request=request, contact=contact, reason="Oikeellisuus kiistetty")
    notification = RecipientNotification.objects.get(request=request, recipient=standing.name)
    assert notification.contact_ids == sorted([first.pk, second.pk])
