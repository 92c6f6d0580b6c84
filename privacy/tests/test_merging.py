"""Merging contacts: what privacy keeps follows the person, and privacy's reasons refuse the merge."""

import pytest
from django.core.exceptions import ValidationError

from customers.merging import contacts_merge
from customers.models import Contact
from customers.tests.factories import ContactFactory
from privacy.models import Consent, ConsentState, ProcessingRestriction, RequestStatus
from privacy.tests.factories import ConsentFactory, DataSubjectRequestFactory, ProcessingRestrictionFactory

pytestmark = pytest.mark.django_db


def test_the_merged_away_contacts_consents_move_to_the_kept_contact():
    keep, other = ContactFactory(), ContactFactory()
    consent = ConsentFactory(contact=other, purpose="direct_marketing")
    contacts_merge(keep=keep, merge_away=other, choices={})
    consent.refresh_from_db()
    assert consent.contact == keep


def test_an_objection_is_never_overruled_by_the_kept_contacts_consent():
    keep, other = ContactFactory(), ContactFactory()
    ConsentFactory(contact=keep, purpose="direct_marketing", state=ConsentState.GIVEN)
    ConsentFactory(contact=other, purpose="direct_marketing", state=ConsentState.OBJECTED)
    contacts_merge(keep=keep, merge_away=other, choices={})
    assert Consent.objects.get(contact=keep).state == ConsentState.OBJECTED


def test_the_kept_contacts_withdrawal_stays_when_the_other_had_consented():
    keep, other = ContactFactory(), ContactFactory()
    ConsentFactory(contact=keep, purpose="direct_marketing", state=ConsentState.WITHDRAWN)
    ConsentFactory(contact=other, purpose="direct_marketing", state=ConsentState.GIVEN)
    contacts_merge(keep=keep, merge_away=other, choices={})
    assert Consent.objects.get(contact=keep).state == ConsentState.WITHDRAWN


def test_a_closed_request_that_matched_the_merged_away_contact_now_matches_the_kept_one():
    keep, other = ContactFactory(), ContactFactory()
    request = DataSubjectRequestFactory(status=RequestStatus.COMPLETED, contacts=[other])
    contacts_merge(keep=keep, merge_away=other, choices={})
    assert list(request.matched_contacts.all()) == [keep]


def test_a_lifted_restriction_moves_to_the_kept_contact():
    from django.utils import timezone

    keep, other = ContactFactory(), ContactFactory()
    restriction = ProcessingRestrictionFactory(contact=other, lifted_at=timezone.now())
    contacts_merge(keep=keep, merge_away=other, choices={})
    restriction.refresh_from_db()
    assert restriction.contact == keep


def test_a_restricted_contact_cannot_be_merged_away():
    keep, other = ContactFactory(), ContactFactory()
    ProcessingRestrictionFactory(contact=other)
    with pytest.raises(ValidationError, match="restricted"):
        contacts_merge(keep=keep, merge_away=other, choices={})
    assert Contact.objects.filter(pk=other.pk).exists()
    assert ProcessingRestriction.objects.get().contact == other


def test_a_contact_in_an_open_request_cannot_be_merged_away():
    keep, other = ContactFactory(), ContactFactory()
    DataSubjectRequestFactory(contacts=[other])
    with pytest.raises(ValidationError, match="open data subject request"):
        contacts_merge(keep=keep, merge_away=other, choices={})
    assert Contact.objects.filter(pk=other.pk).exists()
