"""Dates of companies and contacts stay within the register's days, with the error on the field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import PrivacyOfficerFactory, sign_in_verified
from caracom_register.dates import EARLIEST_DATE, latest_date
from customers import services
from customers.models import Company
from customers.tests.factories import CompanyFactory, ContactFactory, company_post_data

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def test_a_legal_hold_until_9999_12_31_is_refused_on_the_field():
    contact = ContactFactory()
    with pytest.raises(ValidationError) as refused:
        services.contact_update(
            contact=contact, legal_hold_until=datetime.date(9999, 12, 31), legal_hold_reason="Kirjanpitolaki"
        )
    assert "9999-12-31 is too far ahead" in refused.value.message_dict["legal_hold_until"][0]
    contact.refresh_from_db()
    assert contact.legal_hold_until is None


def test_a_legal_hold_until_the_last_day_ahead_is_kept():
    contact = ContactFactory()
    services.contact_update(contact=contact, legal_hold_until=latest_date(), legal_hold_reason="Kirjanpitolaki")
    contact.refresh_from_db()
    assert contact.legal_hold_until == latest_date()


def test_a_company_hold_a_day_beyond_the_last_day_ahead_is_refused():
    company = CompanyFactory()
    with pytest.raises(ValidationError) as refused:
        services.company_update(
            company=company, legal_hold_until=latest_date() + ONE_DAY, legal_hold_reason="Kirjanpitolaki"
        )
    assert list(refused.value.message_dict) == ["legal_hold_until"]


def test_a_relationship_started_in_year_1_is_refused_on_the_field():
    with pytest.raises(ValidationError) as refused:
        services.company_create(name="Vanha Oy", relationship_start=datetime.date(1, 1, 1))
    assert refused.value.message_dict["relationship_start"] == [
        "0001-01-01 is too early: give a date on or after 1900-01-01."
    ]
    assert not Company.objects.exists()


def test_a_relationship_started_on_the_first_day_of_the_register_is_kept():
    company = services.company_create(name="Vanha Oy", relationship_start=EARLIEST_DATE)
    assert company.relationship_start == EARLIEST_DATE


def test_a_contact_ended_before_the_first_day_is_refused_on_the_field():
    contact = ContactFactory()
    with pytest.raises(ValidationError) as refused:
        services.contact_update(contact=contact, ended_on=EARLIEST_DATE - ONE_DAY)
    assert list(refused.value.message_dict) == ["ended_on"]


def test_the_company_page_shows_an_absurd_hold_date_on_the_field(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    company = CompanyFactory()
    response = client.post(
        reverse("admin:customers_company_change", args=[company.pk]),
        company_post_data(company, legal_hold_until="9999-12-31", legal_hold_reason="Kirjanpitolaki"),
    )
    assert response.status_code == 200
    assert "is too far ahead" in response.context["adminform"].form.errors["legal_hold_until"][0]
    company.refresh_from_db()
    assert company.legal_hold_until is None
