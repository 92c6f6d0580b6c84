"""Request, consent and purge dates stay within sensible days, with a clear error and nothing changed."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.tests.factories import PrivacyOfficerFactory, sign_in_verified
from customers.tests.factories import ContactFactory
from privacy import services
from privacy.models import Consent, ConsentMethod, ConsentState, DataSubjectRequest, PurgeRun
from privacy.services.request_rules import GDPR_APPLIES_FROM
from privacy.tests.helpers import register

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def test_a_request_received_in_year_1_is_refused_on_the_field():
    with pytest.raises(ValidationError) as refused:
        register(received_on=datetime.date(1, 1, 1))
    assert refused.value.message_dict["received_on"] == ["0001-01-01 is too early: give a date on or after 2018-05-25."]
    assert not DataSubjectRequest.objects.exists()


def test_a_request_received_the_day_before_the_gdpr_applied_is_refused():
    with pytest.raises(ValidationError) as refused:
        register(received_on=GDPR_APPLIES_FROM - ONE_DAY)
    assert list(refused.value.message_dict) == ["received_on"]


def test_a_request_received_the_day_the_gdpr_applied_is_logged():
    assert register(received_on=GDPR_APPLIES_FROM).received_on == GDPR_APPLIES_FROM


def test_the_request_page_shows_a_receipt_date_in_year_1_on_the_field(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    response = client.post(
        "/admin/privacy/datasubjectrequest/add/",
        {
            "request_type": "access",
            "channel": "email",
            "received_on": "0001-01-01",
            "requester_name": "Maija Meikäläinen",
            "response_language": "fi",
        },
    )
    assert response.status_code == 200
    assert "is too early" in response.context["adminform"].form.errors["received_on"][0]
    assert not DataSubjectRequest.objects.exists()


def record_consent(decided_on):
    return services.consent_record(
        contacts=[ContactFactory()],
        purpose="direct_marketing",
        state=ConsentState.WITHDRAWN,
        decided_on=decided_on,
        method=ConsentMethod.EMAIL,
    )


def test_a_consent_decided_in_year_1_is_refused_on_the_field():
    with pytest.raises(ValidationError) as refused:
        record_consent(datetime.date(1, 1, 1))
    assert list(refused.value.message_dict) == ["decided_on"]
    assert not Consent.objects.exists()


def test_a_consent_decided_on_the_first_day_of_the_register_is_recorded():
    assert record_consent(datetime.date(1900, 1, 1))[0].decided_on == datetime.date(1900, 1, 1)


def test_a_purge_as_of_year_1_is_a_clean_command_error_that_records_no_run():
    with pytest.raises(CommandError, match=r"--as-of 0001-01-01: 0001-01-01 is too early"):
        call_command("purge_expired", "--dry-run", "--as-of", "0001-01-01", stdout=StringIO())
    assert not PurgeRun.objects.exists()


def test_a_dry_run_as_of_year_9999_is_a_clean_command_error():
    with pytest.raises(CommandError, match="is too far ahead"):
        call_command("purge_expired", "--dry-run", "--as-of", "9999-12-31", stdout=StringIO())


def test_a_dry_run_as_of_the_first_day_of_the_register_runs():
    call_command("purge_expired", "--dry-run", "--as-of", "1900-01-01", stdout=StringIO())
    assert PurgeRun.objects.get().outcome == PurgeRun.Outcome.SUCCEEDED


def test_the_purge_service_refuses_a_day_outside_the_register():
    with pytest.raises(ValueError, match="too early"):
        services.retention_purge(as_of=datetime.date(1, 1, 1), dry_run=True)
