import pytest
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_contact_create_normalises_and_saves():
    company = CompanyFactory()
    contact = services.contact_create(
        company=company, first_name="Maija", last_name="Meikäläinen", email="Maija@Example.fi", phone="045 639 3329"
    )
    contact.refresh_from_db()
    assert (contact.email, contact.phone) == ("maija@example.fi", "+358456393329")


def test_contact_create_with_bad_phone_saves_nothing():
    company = CompanyFactory()
    with pytest.raises(ValidationError) as exc:
        services.contact_create(company=company, first_name="Maija", last_name="M", phone="not a phone")
    assert "phone" in exc.value.message_dict
    assert Contact.objects.count() == 0


def test_contact_update_refuses_bad_input_and_keeps_the_stored_row():
    contact = ContactFactory(email="old@example.fi")
    with pytest.raises(ValidationError):
        services.contact_update(contact=contact, email="not-an-email")
    contact.refresh_from_db()
    assert contact.email == "old@example.fi"


def test_services_refuse_fields_that_are_not_editable():
    with pytest.raises(TypeError, match="created_at"):
        services.company_create(name="X Oy", created_at=None)


def test_services_take_keyword_arguments_only():
    with pytest.raises(TypeError):
        services.company_update(CompanyFactory(), name="Y")


def test_company_create_validates_business_id():
    with pytest.raises(ValidationError) as exc:
        services.company_create(name="X Oy", business_id="0112038-8")
    assert "business_id" in exc.value.message_dict
    assert not Company.objects.exists()


def test_contact_delete_removes_the_contact():
    contact = ContactFactory()
    services.contact_delete(contact=contact)
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contact_under_a_legal_hold_until_today_cannot_be_deleted():
    from django.utils import timezone

    contact = ContactFactory(legal_hold_until=timezone.localdate(), legal_hold_reason="Accounting Act")
    with pytest.raises(ValidationError, match="legal hold"):
        services.contact_delete(contact=contact)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_whose_hold_lapsed_yesterday_can_be_deleted():
    import datetime

    from django.utils import timezone

    contact = ContactFactory(
        legal_hold_until=timezone.localdate() - datetime.timedelta(days=1), legal_hold_reason="Accounting Act"
    )
    services.contact_delete(contact=contact)
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contact_of_a_company_under_a_legal_hold_cannot_be_deleted():
    import datetime

    company = CompanyFactory(legal_hold_until=datetime.date(2099, 1, 1), legal_hold_reason="Court case")
    contact = ContactFactory(company=company)
    with pytest.raises(ValidationError, match="legal hold"):
        services.contact_delete(contact=contact)
