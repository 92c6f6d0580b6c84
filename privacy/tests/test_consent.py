"""Consents, objections and the marketing audience."""

import csv
import datetime
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import (
    ConsentMethod,
    ConsentState,
    RequestType,
)
from privacy.tests.factories import (
    ConsentFactory,
    DataSubjectRequestFactory,
    ProcessingRestrictionFactory,
)
from privacy.tests.helpers import TODAY

pytestmark = pytest.mark.django_db

# --- consent, objection, marketing audience ---


def test_objection_to_direct_marketing_succeeds_even_before_identity_is_verified():
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.OBJECTION, contacts=[contact])
    [consent] = services.consent_record(
        contacts=[contact],
        purpose="direct_marketing",
        state=ConsentState.OBJECTED,
        decided_on=TODAY(),
        method=ConsentMethod.LETTER,
        request=request,
    )
    assert consent.state == ConsentState.OBJECTED
    assert consent.request == request
    entry = LogEntry.objects.get_for_object(consent).get()
    assert entry.additional_data["data_subject_request"] == request.pk


def test_objection_overrides_an_earlier_consent():
    consent = ConsentFactory(state=ConsentState.GIVEN)
    services.consent_record(
        contacts=[consent.contact],
        purpose="direct_marketing",
        state=ConsentState.OBJECTED,
        decided_on=TODAY(),
        method=ConsentMethod.EMAIL,
    )
    consent.refresh_from_db()
    assert consent.state == ConsentState.OBJECTED


def test_giving_consent_on_an_unverified_request_is_refused():
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.CONSENT, contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.consent_record(
            contacts=[contact],
            purpose="ad_targeting",
            state=ConsentState.GIVEN,
            decided_on=TODAY(),
            method=ConsentMethod.EMAIL,
            request=request,
        )


def test_consent_for_a_purpose_that_cannot_be_refused_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.consent_record(
            contacts=[ContactFactory()],
            purpose="contracts",
            state=ConsentState.OBJECTED,
            decided_on=TODAY(),
            method=ConsentMethod.EMAIL,
        )
    assert "direct_marketing, ad_targeting" in exc.value.message_dict["purpose"][0]


def test_marketing_audience_leaves_out_objectors_and_restricted_contacts():
    plain = ContactFactory()
    objector = ContactFactory()
    withdrawn = ContactFactory()
    restricted = ContactFactory()
    lifted = ContactFactory()
    ad_objector = ContactFactory()
    ConsentFactory(contact=objector, state=ConsentState.OBJECTED)
    ConsentFactory(contact=withdrawn, state=ConsentState.WITHDRAWN)
    ConsentFactory(contact=ad_objector, purpose="ad_targeting", state=ConsentState.OBJECTED)
    ProcessingRestrictionFactory(contact=restricted)
    ProcessingRestrictionFactory(contact=lifted, lifted_at=timezone.now(), subject_informed_on=TODAY())
    rows = list(csv.DictReader(StringIO(services.marketing_audience_csv())))
    assert {row["email"] for row in rows} == {plain.email, lifted.email, ad_objector.email}


def test_marketing_audience_leaves_out_former_contacts_and_ended_customers():
    ContactFactory(ended_on=TODAY() - datetime.timedelta(days=1))
    ContactFactory(company=CompanyFactory(relationship_end=TODAY() - datetime.timedelta(days=1)))
    ContactFactory(email="")
    assert not services.marketing_audience().exists()
