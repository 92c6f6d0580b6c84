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


@pytest.mark.parametrize("name", ["maija meikalainen", "MEIKÄLÄINEN", "Meikalainen Maija"])
def test_lookup_by_name_ignores_accents(name):
    wanted = ContactFactory(first_name="Maija", last_name="Meikäläinen")
    ContactFactory(first_name="Maija", last_name="Virtanen")
    assert services.subject_lookup(name=name).contacts == [wanted]


def test_lookup_by_a_name_with_accents_finds_it_stored_without_them():
    wanted = ContactFactory(first_name="Jose", last_name="Lopez")
    assert services.subject_lookup(name="José López").contacts == [wanted]


# --- a meaningful term, a bounded answer, one access entry per contact shown ---


def access_entries():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS)


def test_a_name_of_two_letters_is_too_short_to_look_for():
    ContactFactory(first_name="Li", last_name="Na")
    with pytest.raises(ValidationError) as exc:
        services.subject_lookup(name=" l i ")
    assert exc.value.message_dict["name"] == [
        "“l i” is too short to find one person: give at least 3 letters of the name."
    ]
    assert not access_entries().exists()


def test_a_name_of_three_letters_is_looked_for():
    contact = ContactFactory(first_name="Li", last_name="Na")
    assert services.subject_lookup(name="Li N").contacts == [contact]


def test_a_lookup_matching_more_than_the_limit_returns_the_limit_and_says_there_are_more():
    ContactFactory.create_batch(services.LOOKUP_LIMIT + 1, last_name="Virtanen")
    result = services.subject_lookup(name="Virtanen")
    assert len(result.contacts) == services.LOOKUP_LIMIT
    assert result.more_contacts is True


def test_a_lookup_matching_exactly_the_limit_returns_them_all_with_nothing_more():
    ContactFactory.create_batch(services.LOOKUP_LIMIT, last_name="Virtanen")
    result = services.subject_lookup(name="Virtanen")
    assert len(result.contacts) == services.LOOKUP_LIMIT
    assert result.more_contacts is False


def test_only_the_contacts_a_lookup_returns_are_logged_as_accessed():
    ContactFactory.create_batch(services.LOOKUP_LIMIT + 5, last_name="Virtanen")
    result = services.subject_lookup(name="Virtanen")
    logged = set(access_entries().values_list("object_pk", flat=True))
    assert logged == {str(contact.pk) for contact in result.contacts}
    assert access_entries().count() == services.LOOKUP_LIMIT


def test_past_requests_are_bounded_like_contacts():
    DataSubjectRequestFactory.create_batch(services.LOOKUP_LIMIT + 1, requester_name="Maija Virtanen")
    result = services.subject_lookup(name="Virtanen")
    assert len(result.requests) == services.LOOKUP_LIMIT
    assert result.more_requests is True
