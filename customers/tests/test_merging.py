"""Merging two contact persons: field-by-field choice, refusals, and the audit trail of the merged-away one."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from customers.merging import contacts_merge
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def entries_about(pk):
    return LogEntry.objects.filter(content_type__model="contact", object_pk=str(pk))


def test_the_kept_contact_takes_the_chosen_value_of_each_field():
    company = CompanyFactory()
    keep = ContactFactory(company=company, title="CEO", phone="+358401111111", email="a@kala.example")
    other = ContactFactory(company=company, title="", phone="+358402222222", email="b@kala.example")
    kept = contacts_merge(keep=keep, merge_away=other, choices={"phone": "other", "email": "other"})
    assert (kept.title, kept.phone, kept.email) == ("CEO", "+358402222222", "b@kala.example")
    assert not Contact.objects.filter(pk=other.pk).exists()


def test_an_unknown_field_choice_is_refused_and_changes_nothing():
    keep, other = ContactFactory(), ContactFactory()
    with pytest.raises(ValidationError, match="created_at"):
        contacts_merge(keep=keep, merge_away=other, choices={"created_at": "other"})
    assert Contact.objects.count() == 2


def test_a_contact_cannot_be_merged_with_itself():
    contact = ContactFactory()
    with pytest.raises(ValidationError):
        contacts_merge(keep=contact, merge_away=contact, choices={})


def test_a_contact_under_a_legal_hold_cannot_be_merged_away():
    keep = ContactFactory()
    other = ContactFactory(legal_hold_until=datetime.date.today(), legal_hold_reason="Kirjanpitolaki")
    with pytest.raises(ValidationError, match="legal hold"):
        contacts_merge(keep=keep, merge_away=other, choices={})
    assert Contact.objects.filter(pk=other.pk).exists()


def test_a_contact_whose_legal_hold_lapsed_yesterday_can_be_merged_away():
    keep = ContactFactory()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    other = ContactFactory(legal_hold_until=yesterday, legal_hold_reason="Kirjanpitolaki")
    contacts_merge(keep=keep, merge_away=other, choices={})
    assert not Contact.objects.filter(pk=other.pk).exists()


def test_a_contact_of_a_company_under_a_legal_hold_cannot_be_merged_away():
    company = CompanyFactory(legal_hold_until=datetime.date.today(), legal_hold_reason="Sopimus")
    with pytest.raises(ValidationError, match="legal hold"):
        contacts_merge(keep=ContactFactory(), merge_away=ContactFactory(company=company), choices={})


def test_the_merged_away_contacts_entries_are_redacted_and_the_kept_one_names_it_by_id():
    keep = ContactFactory(first_name="Maija")
    other = ContactFactory(first_name="Maikki", email="maikki@kala.example")
    contacts_merge(keep=keep, merge_away=other, choices={})
    for entry in entries_about(other.pk):
        assert "Maikki" not in str(entry.changes) and "maikki@" not in str(entry.changes)
        assert entry.additional_data.get("redacted_at")
    merge_entry = entries_about(keep.pk).filter(additional_data__has_key="merge").get()
    assert merge_entry.additional_data["merge"] == {"merged_away": f"Contact #{other.pk}"}


def test_a_failed_merge_changes_nothing():
    company = CompanyFactory()
    keep = ContactFactory(company=company, email="a@kala.example")
    third = ContactFactory(company=company, email="c@kala.example")
    other = ContactFactory(email="c@kala.example")
    # Taking the other's email into keep's company collides with the third contact: refused as a whole.
    with pytest.raises(ValidationError):
        contacts_merge(keep=keep, merge_away=other, choices={"email": "other"})
    assert Contact.objects.filter(pk__in=[keep.pk, other.pk, third.pk]).count() == 3
    keep.refresh_from_db()
    assert keep.email == "a@kala.example"


def test_the_merge_page_merges_with_the_choices_made(signed_in_staff):
    company = CompanyFactory()
    keep = ContactFactory(company=company, title="")
    other = ContactFactory(company=company, title="Myyntijohtaja")
    page = signed_in_staff.get(f"/admin/customers/contact/merge/{keep.pk}/{other.pk}/")
    assert "Myyntijohtaja" in page.content.decode()
    response = signed_in_staff.post(f"/admin/customers/contact/merge/{keep.pk}/{other.pk}/", {"title": "other"})
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.title == "Myyntijohtaja"


def test_the_merge_page_shows_the_refusal_and_offers_no_merge_button(signed_in_staff):
    keep = ContactFactory()
    other = ContactFactory(legal_hold_until=datetime.date.today(), legal_hold_reason="Kirjanpitolaki")
    page = signed_in_staff.get(f"/admin/customers/contact/merge/{keep.pk}/{other.pk}/")
    assert 'id="merge-refused"' in page.content.decode()
    assert 'id="merge-submit"' not in page.content.decode()
    signed_in_staff.post(f"/admin/customers/contact/merge/{keep.pk}/{other.pk}/", {})
    assert Contact.objects.filter(pk=other.pk).exists()
