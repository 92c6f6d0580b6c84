import pytest

from customers.tests.factories import ContactFactory


@pytest.mark.django_db
def test_contact_factory_builds_a_valid_contact():
    contact = ContactFactory()
    contact.full_clean()
