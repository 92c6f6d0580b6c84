"""The register's rules that depend on privacy state, as the privacy app answers them (customers.guards):
a restricted contact is only stored, and a contact in an open request is kept until it is answered."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import StaffUserFactory, sign_in_verified
from customers import services
from customers.models import Contact
from customers.tests.factories import ContactFactory, retitle_from_company_page
from privacy.tests.factories import DataSubjectRequestFactory, ProcessingRestrictionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    sign_in_verified(client, StaffUserFactory())
    return client


def test_restricted_contact_shows_a_marker_in_the_contact_list(staff_client):
    restricted = ContactFactory()
    ContactFactory()
    ProcessingRestrictionFactory(contact=restricted)
    page = staff_client.get(reverse("admin:customers_contact_changelist")).content.decode()
    assert page.count('class="contact-restricted"') == 1


def test_staff_cannot_edit_a_restricted_contact(staff_client):
    contact = ContactFactory(title="Myyjä")
    ProcessingRestrictionFactory(contact=contact)
    url = reverse("admin:customers_contact_change", args=[contact.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="_save"' not in page
    assert "restricted (GDPR Art. 18)" in page
    response = staff_client.post(url, {"title": "Changed"})
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.title == "Myyjä"


def test_staff_cannot_change_a_restricted_contact_through_the_company_page(staff_client):
    contact = ContactFactory(title="Myyjä")
    ProcessingRestrictionFactory(contact=contact)

    retitle_from_company_page(staff_client, contact)

    contact.refresh_from_db()
    assert contact.title == "Myyjä"


def test_contact_in_an_open_data_subject_request_cannot_be_deleted():
    contact = ContactFactory()
    DataSubjectRequestFactory(contacts=[contact])
    with pytest.raises(ValidationError, match="open data subject request"):
        services.contact_delete(contact=contact)
    assert Contact.objects.filter(pk=contact.pk).exists()
