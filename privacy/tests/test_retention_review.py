"""The retention review lists who expires as of a chosen day, why and since when, and sets legal holds."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, sign_in_verified
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db

REVIEW = "/admin/privacy/purgerun/review/"
TODAY = timezone.localdate


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    return client


def company_ended(days_ago_beyond_retention):
    end = TODAY() - relativedelta(months=24) - datetime.timedelta(days=days_ago_beyond_retention)
    return CompanyFactory(relationship_start=datetime.date(2015, 1, 1), relationship_end=end)


def test_an_expired_contact_is_listed_with_why_and_since_when(officer_client):
    company = company_ended(3)
    ContactFactory(company=company, first_name="Vanha", last_name="Yhteyshenkilö")

    response = officer_client.get(REVIEW)
    rows = response.context["contact_rows"]

    assert [(c.last_name, ended) for c, why, ended in rows] == [
        ("Yhteyshenkilö", company.relationship_end + relativedelta(months=24))
    ]
    assert "The customer relationship ended on" in rows[0][1]


def test_a_contact_expiring_later_is_listed_only_for_a_later_as_of_day_typed_in_finnish(officer_client):
    company = company_ended(-10)
    ContactFactory(company=company, last_name="Myöhemmin")
    later = (TODAY() + datetime.timedelta(days=11)).strftime("%-d.%-m.%Y")

    today_rows = officer_client.get(REVIEW).context["contact_rows"]
    later_rows = officer_client.get(REVIEW, {"as_of": later}, headers={"accept-language": "fi"}).context["contact_rows"]

    assert today_rows == []
    assert [c.last_name for c, _why, _ended in later_rows] == ["Myöhemmin"]


def test_an_as_of_day_that_is_not_a_date_shows_the_error_and_today(officer_client):
    response = officer_client.get(REVIEW, {"as_of": "31.11.2026"})

    assert response.context["as_of"] == TODAY()
    assert response.context["as_of_form"].errors


def test_the_lists_are_paged_fifty_at_a_time(officer_client):
    company = company_ended(3)
    ContactFactory.create_batch(51, company=company)

    first = officer_client.get(REVIEW)
    second = officer_client.get(REVIEW, {"contacts_page": 2})

    assert len(first.context["contact_rows"]) == 50
    assert len(second.context["contact_rows"]) == 1


def test_the_officer_puts_an_expired_contact_and_company_under_a_hold_from_the_list(officer_client):
    company = company_ended(3)
    contact = ContactFactory(company=company)
    until = TODAY() + datetime.timedelta(days=365)

    response = officer_client.post(
        REVIEW,
        {
            "contact": [contact.pk],
            "company": [company.pk],
            "legal_hold_until": until.strftime("%d.%m.%Y"),
            "legal_hold_reason": "Kirjanpitolaki 2:10",
        },
        follow=True,
    )

    contact.refresh_from_db()
    company.refresh_from_db()
    assert (contact.legal_hold_until, company.legal_hold_until) == (until, until)
    assert "2 records are now under a legal hold" in response.content.decode()
    assert response.context["contact_rows"] == []


def test_a_hold_without_a_reason_is_refused_and_holds_nothing(officer_client):
    contact = ContactFactory(company=company_ended(3))

    response = officer_client.post(
        REVIEW, {"contact": [contact.pk], "legal_hold_until": "30.11.2099", "legal_hold_reason": ""}
    )

    contact.refresh_from_db()
    assert response.status_code == 200
    assert contact.legal_hold_until is None


def test_a_hold_ending_yesterday_is_refused_and_holds_nothing(officer_client):
    contact = ContactFactory(company=company_ended(3))
    yesterday = (TODAY() - datetime.timedelta(days=1)).strftime("%d.%m.%Y")

    response = officer_client.post(
        REVIEW, {"contact": [contact.pk], "legal_hold_until": yesterday, "legal_hold_reason": "Sopimus"}
    )

    contact.refresh_from_db()
    assert "until today or later" in response.content.decode()
    assert contact.legal_hold_until is None


def test_a_hold_with_nothing_chosen_is_refused(officer_client):
    company_ended(3)

    response = officer_client.post(REVIEW, {"legal_hold_until": "30.11.2099", "legal_hold_reason": "Sopimus"})

    assert "Choose at least one contact person or company" in response.content.decode()
    assert not Contact.objects.filter(legal_hold_until__isnull=False).exists()
    assert not Company.objects.filter(legal_hold_until__isnull=False).exists()


def test_staff_cannot_set_a_hold_from_the_review(client):
    sign_in_verified(client, StaffUserFactory())
    contact = ContactFactory(company=company_ended(3))

    response = client.post(
        REVIEW, {"contact": [contact.pk], "legal_hold_until": "30.11.2099", "legal_hold_reason": "Sopimus"}
    )

    contact.refresh_from_db()
    assert response.status_code == 403
    assert contact.legal_hold_until is None
