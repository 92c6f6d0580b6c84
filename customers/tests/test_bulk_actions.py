"""The two bulk actions with a date, each row changed through its service and logged on its own."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_the_contact_action_first_asks_for_the_date(signed_in_staff):
    contact = ContactFactory()
    response = signed_in_staff.post(
        "/admin/customers/contact/", {"action": "mark_contacts_ended", ACTION_CHECKBOX_NAME: [contact.pk]}
    )
    assert 'id="bulk-date-form"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.ended_on is None


def test_contacts_are_marked_ended_on_a_finnish_date_with_one_entry_each(signed_in_staff):
    contacts = [ContactFactory(), ContactFactory()]
    response = signed_in_staff.post(
        "/admin/customers/contact/",
        {
            "action": "mark_contacts_ended",
            ACTION_CHECKBOX_NAME: [c.pk for c in contacts],
            "apply": "1",
            "date": "30.11.2026",
        },
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    assert response.status_code == 302
    for contact in contacts:
        contact.refresh_from_db()
        assert contact.ended_on == datetime.date(2026, 11, 30)
        entry = LogEntry.objects.get(
            content_type__model="contact", object_pk=str(contact.pk), action=LogEntry.Action.UPDATE
        )
        assert entry.changes["ended_on"][1] == "2026-11-30"


def test_a_future_date_is_refused_and_changes_nothing(signed_in_staff):
    contact = ContactFactory()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = signed_in_staff.post(
        "/admin/customers/contact/",
        {
            "action": "mark_contacts_ended",
            ACTION_CHECKBOX_NAME: [contact.pk],
            "apply": "1",
            "date": tomorrow.strftime("%d.%m.%Y"),
        },
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    assert "tulevaisuudessa" in response.content.decode() or "future" in response.content.decode()
    contact.refresh_from_db()
    assert contact.ended_on is None


def test_today_is_accepted_as_the_end_date(signed_in_staff):
    contact = ContactFactory()
    signed_in_staff.post(
        "/admin/customers/contact/",
        {
            "action": "mark_contacts_ended",
            ACTION_CHECKBOX_NAME: [contact.pk],
            "apply": "1",
            "date": datetime.date.today().strftime("%d.%m.%Y"),
        },
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    contact.refresh_from_db()
    assert contact.ended_on == datetime.date.today()


def test_companies_relationship_ended_with_one_entry_each(signed_in_staff):
    companies = [CompanyFactory(), CompanyFactory()]
    signed_in_staff.post(
        "/admin/customers/company/",
        {
            "action": "mark_relationships_ended",
            ACTION_CHECKBOX_NAME: [c.pk for c in companies],
            "apply": "1",
            "date": "2026-11-30",
        },
    )
    for company in companies:
        company.refresh_from_db()
        assert company.relationship_end == datetime.date(2026, 11, 30)
    assert LogEntry.objects.filter(content_type__model="company", action=LogEntry.Action.UPDATE).count() == 2


def test_one_company_that_the_rules_refuse_stops_the_whole_action(signed_in_staff):
    fine = CompanyFactory()
    young = CompanyFactory(relationship_start=datetime.date(2026, 12, 1))
    signed_in_staff.post(
        "/admin/customers/company/",
        {
            "action": "mark_relationships_ended",
            ACTION_CHECKBOX_NAME: [fine.pk, young.pk],
            "apply": "1",
            "date": "2026-11-30",
        },
    )
    fine.refresh_from_db()
    assert fine.relationship_end is None
