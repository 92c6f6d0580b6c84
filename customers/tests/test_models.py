import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def errors_of(instance):
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


def test_relationship_ending_before_it_started_is_refused_on_the_end_field():
    company = CompanyFactory.build(
        relationship_start=datetime.date(2024, 5, 2), relationship_end=datetime.date(2024, 5, 1)
    )
    errors = errors_of(company)
    assert "1.5.2024" in errors["relationship_end"][0]


def test_relationship_ending_on_its_start_day_is_accepted():
    company = CompanyFactory.build(
        relationship_start=datetime.date(2024, 5, 2), relationship_end=datetime.date(2024, 5, 2)
    )
    company.full_clean()


def test_company_legal_hold_without_reason_is_refused():
    company = CompanyFactory.build(legal_hold_until=datetime.date(2030, 1, 1), legal_hold_reason="  ")
    assert "legal_hold_reason" in errors_of(company)


def test_company_legal_hold_with_reason_is_accepted():
    company = CompanyFactory.build(legal_hold_until=datetime.date(2030, 1, 1), legal_hold_reason="Accounting Act 2:10")
    company.full_clean()


def test_two_companies_without_business_id_are_allowed():
    CompanyFactory(business_id="")
    CompanyFactory.build(business_id="").full_clean()


def test_duplicate_business_id_is_refused():
    CompanyFactory(business_id="0112038-9")
    errors = errors_of(CompanyFactory.build(business_id="0112038-9"))
    assert "0112038-9" in errors["business_id"][0]


def test_invalid_country_code_is_refused():
    assert "country" in errors_of(CompanyFactory.build(country="XX"))


def test_contact_email_is_stored_in_lower_case():
    contact = ContactFactory.build(company=CompanyFactory(), email="  Maija.Meikalainen@Example.FI ")
    contact.full_clean()
    assert contact.email == "maija.meikalainen@example.fi"


def test_contact_local_phone_is_normalised_to_e164():
    contact = ContactFactory.build(company=CompanyFactory(), phone="045 639 3329")
    contact.full_clean()
    assert contact.phone == "+358456393329"


def test_contact_with_unparseable_phone_is_refused_on_the_phone_field():
    contact = ContactFactory.build(company=CompanyFactory(), phone="12345abc")
    assert "12345abc" in errors_of(contact)["phone"][0]


def test_duplicate_contact_email_within_one_company_is_refused_whatever_its_case():
    existing = ContactFactory(email="maija@example.fi")
    duplicate = ContactFactory.build(company=existing.company, email="MAIJA@example.fi")
    assert "maija@example.fi" in errors_of(duplicate)["email"][0]


def test_same_contact_email_in_another_company_is_accepted():
    ContactFactory(email="maija@example.fi")
    ContactFactory.build(company=CompanyFactory(), email="maija@example.fi").full_clean()


def test_contact_that_ended_today_is_accepted():
    ContactFactory.build(company=CompanyFactory(), ended_on=timezone.localdate()).full_clean()


def test_contact_end_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    errors = errors_of(ContactFactory.build(company=CompanyFactory(), ended_on=tomorrow))
    assert f"{tomorrow.day}.{tomorrow.month}.{tomorrow.year}" in errors["ended_on"][0]


def test_contact_legal_hold_without_reason_is_refused():
    contact = ContactFactory.build(company=CompanyFactory(), legal_hold_until=datetime.date(2030, 1, 1))
    assert "legal_hold_reason" in errors_of(contact)


def test_personal_data_declaration_names_real_fields():
    for model in (Company, Contact):
        names = {field.name for field in model._meta.get_fields()}
        assert set(model.PERSONAL_DATA_FIELDS) <= names


def test_contact_personal_data_covers_name_email_phone_and_address():
    assert {"first_name", "last_name", "email", "phone", "street_address", "postal_code", "city"} <= set(
        Contact.PERSONAL_DATA_FIELDS
    )


def test_company_ended_yesterday_is_not_an_active_customer():
    company = CompanyFactory.build(relationship_end=timezone.localdate() - datetime.timedelta(days=1))
    assert not company.is_active_customer


def test_company_ending_today_is_still_an_active_customer():
    assert CompanyFactory.build(relationship_end=timezone.localdate()).is_active_customer
