"""Requests: intake, deadlines, identity, extension, refusal and completion."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from accounts.tests.factories import PrivacyOfficerFactory
from privacy import services
from privacy.models import (
    DataSubjectRequest,
    RefusalArticle,
    RequestStatus,
    VerificationMethod,
)
from privacy.tests.factories import (
    DataSubjectRequestFactory,
    VerifiedRequestFactory,
)
from privacy.tests.helpers import TODAY, register

pytestmark = pytest.mark.django_db

# --- intake and deadline ---


def test_request_received_on_31_january_is_due_on_28_february():
    assert services.request_due_on(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)


def test_request_received_on_31_january_of_a_leap_year_is_due_on_29_february():
    assert services.request_due_on(datetime.date(2028, 1, 31)) == datetime.date(2028, 2, 29)


def test_request_received_mid_month_is_due_on_the_same_day_next_month():
    assert services.request_due_on(datetime.date(2026, 3, 15)) == datetime.date(2026, 4, 15)


def test_registering_a_request_stores_the_due_date_and_a_lower_case_email():
    request = register(received_on=datetime.date(2026, 1, 31))
    assert request.due_on == datetime.date(2026, 2, 28)
    assert request.requester_email == "maija@example.fi"
    assert request.status == RequestStatus.RECEIVED


def test_registering_with_an_invalid_email_is_refused_and_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        register(requester_email="maija(at)example")
    assert "“maija(at)example” is not a valid email address." in exc.value.message_dict["requester_email"]
    assert not DataSubjectRequest.objects.exists()


def test_registering_a_request_received_tomorrow_is_refused():
    with pytest.raises(ValidationError) as exc:
        register(received_on=TODAY() + datetime.timedelta(days=1))
    assert "received_on" in exc.value.message_dict


def test_registering_without_the_requesters_name_is_refused():
    with pytest.raises(ValidationError) as exc:
        register(requester_name="  ")
    assert "requester_name" in exc.value.message_dict


def test_status_changes_are_audited():
    request = register()
    services.request_verify_identity(request=request, method=VerificationMethod.ID_IN_PERSON, by=None)
    updates = LogEntry.objects.get_for_object(request).filter(action=LogEntry.Action.UPDATE)
    assert any(entry.changes.get("status") == ["received", "verified"] for entry in updates)


# --- identity ---


def test_verifying_identity_records_method_who_and_when():
    officer = PrivacyOfficerFactory()
    request = services.request_verify_identity(
        request=register(), method=VerificationMethod.REGISTERED_EMAIL, by=officer
    )
    assert request.status == RequestStatus.VERIFIED
    assert request.verified_by == officer
    assert request.verified_at is not None


def test_identity_is_verified_only_once():
    request = VerifiedRequestFactory()
    with pytest.raises(ValidationError, match="verified once"):
        services.request_verify_identity(request=request, method=VerificationMethod.ID_IN_PERSON, by=None)


def test_other_verification_method_needs_a_note():
    with pytest.raises(ValidationError) as exc:
        services.request_verify_identity(request=register(), method=VerificationMethod.OTHER, by=None)
    assert "verification_note" in exc.value.message_dict


# --- extension ---


def received_days_ago(days):
    return DataSubjectRequestFactory(received_on=TODAY() - datetime.timedelta(days=days))


def test_extension_to_three_months_after_receipt_is_accepted():
    request = received_days_ago(10)
    latest = services.request_latest_due_on(request.received_on)
    extended = services.request_extend(
        request=request, due_on=latest, reason="Many records across several customers", subject_told_on=TODAY()
    )
    assert extended.due_on == latest
    assert extended.extension_told_on == TODAY()


def test_receipt_date_of_an_extended_request_cannot_move():
    request = received_days_ago(10)
    latest = services.request_latest_due_on(request.received_on)
    services.request_extend(request=request, due_on=latest, reason="Many records", subject_told_on=TODAY())
    with pytest.raises(ValidationError) as exc:
        services.request_update(request=request, received_on=request.received_on - datetime.timedelta(days=20))
    assert "received_on" in exc.value.message_dict
    request.refresh_from_db()
    assert request.due_on == latest


def test_receipt_date_of_an_unextended_request_moves_its_deadline():
    request = received_days_ago(10)
    earlier = request.received_on - datetime.timedelta(days=5)
    services.request_update(request=request, received_on=earlier)
    request.refresh_from_db()
    assert request.due_on == services.request_due_on(earlier)


def test_extension_beyond_three_months_is_refused_with_the_latest_date():
    request = received_days_ago(10)
    latest = services.request_latest_due_on(request.received_on)
    with pytest.raises(ValidationError) as exc:
        services.request_extend(
            request=request, due_on=latest + datetime.timedelta(days=1), reason="Busy", subject_told_on=TODAY()
        )
    message = exc.value.message_dict["due_on"][0]
    assert "at most two months" in message and f"{latest.day}.{latest.month}.{latest.year}" in message
    request.refresh_from_db()
    assert request.due_on == services.request_due_on(request.received_on)


def test_extension_without_a_reason_is_refused():
    request = received_days_ago(10)
    with pytest.raises(ValidationError) as exc:
        services.request_extend(
            request=request, due_on=request.due_on + datetime.timedelta(days=30), reason="", subject_told_on=TODAY()
        )
    assert "extension_reason" in exc.value.message_dict


def test_extension_told_after_the_first_month_is_refused():
    request = received_days_ago(40)
    with pytest.raises(ValidationError) as exc:
        services.request_extend(
            request=request, due_on=request.due_on + datetime.timedelta(days=30), reason="Busy", subject_told_on=TODAY()
        )
    assert "extension_told_on" in exc.value.message_dict


# --- refusal and completion ---


def test_refusal_without_a_ground_is_refused():
    request = DataSubjectRequestFactory()
    with pytest.raises(ValidationError) as exc:
        services.request_refuse(request=request, article=RefusalArticle.ART_12_5, ground=" ", by=None)
    assert "A refusal needs its legal ground" in exc.value.message_dict["refusal_ground"][0]
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_refusal_without_an_article_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.request_refuse(request=DataSubjectRequestFactory(), article="", ground="Repeated", by=None)
    assert "refusal_article" in exc.value.message_dict


def test_refusal_records_the_ground_and_the_right_to_complain_to_the_ombudsman():
    officer = PrivacyOfficerFactory()
    request = services.request_refuse(
        request=DataSubjectRequestFactory(),
        article=RefusalArticle.ART_12_5,
        ground="Fifth identical request",
        by=officer,
    )
    assert request.status == RequestStatus.REFUSED
    assert request.closed_by == officer
    assert "Data Protection Ombudsman" in request.outcome
    assert "Art. 12(5)" in request.outcome


def test_an_unverified_request_cannot_be_completed():
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.request_complete(request=DataSubjectRequestFactory(), outcome="Done", by=None)


def test_completing_needs_a_summary_of_what_was_done():
    with pytest.raises(ValidationError) as exc:
        services.request_complete(request=VerifiedRequestFactory(), outcome="", by=None)
    assert "outcome" in exc.value.message_dict


def test_a_closed_request_cannot_be_refused_again():
    request = services.request_complete(request=VerifiedRequestFactory(), outcome="Answered", by=None)
    with pytest.raises(ValidationError, match="already completed"):
        services.request_refuse(request=request, article=RefusalArticle.ART_12_5, ground="x", by=None)
