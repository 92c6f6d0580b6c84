"""The subject lookup."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from customers.tests.factories import ContactFactory
from privacy import services
from privacy.tests.factories import (
    DataSubjectRequestFactory,
)

pytestmark = pytest.mark.django_db

# --- lookup ---


def test_lookup_by_email_ignores_case_and_returns_the_company():
    contact = ContactFactory(email="maija@kala.fi")
    result = services.subject_lookup(email="MAIJA@Kala.FI")
    assert result.contacts == [contact]
    assert result.contacts[0].company == contact.company


def test_lookup_by_phone_matches_however_the_number_is_written():
    contact = ContactFactory(phone="+358456393329")
    assert services.subject_lookup(phone="045 639 3329").contacts == [contact]
    assert services.subject_lookup(phone="+358 45-639 3329").contacts == [contact]


def test_lookup_by_name_ignores_case_and_word_order():
    contact = ContactFactory(first_name="Maija", last_name="Meikäläinen")
    ContactFactory(first_name="Maija", last_name="Virtanen")
    assert services.subject_lookup(name="meikäläinen MAIJA").contacts == [contact]


def test_lookup_finds_past_requests_by_email():
    past = DataSubjectRequestFactory(requester_email="maija@kala.fi")
    assert services.subject_lookup(email="maija@kala.fi").requests == [past]


def test_lookup_is_logged_as_access():
    contact = ContactFactory(email="maija@kala.fi")
    services.subject_lookup(email="maija@kala.fi")
    assert LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.ACCESS).count() == 1


def test_lookup_with_an_invalid_email_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.subject_lookup(email="not an email")
    assert "is not a valid email address" in exc.value.message_dict["email"][0]


def test_lookup_with_nothing_to_look_for_is_refused():
    with pytest.raises(ValidationError, match="Give an email address"):
        services.subject_lookup()
