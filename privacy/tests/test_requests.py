"""Data subject requests through the services: intake, identity, deadline, decision and each action."""

import csv
import datetime
import io
import json
import zipfile
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory
from customers import services as customer_services
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import (
    ERASED,
    ConsentMethod,
    ConsentState,
    DataSubjectRequest,
    RefusalArticle,
    RequestStatus,
    RequestType,
    VerificationMethod,
)
from privacy.tests.factories import (
    ConsentFactory,
    DataSubjectRequestFactory,
    ProcessingRestrictionFactory,
    VerifiedRequestFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def register(**overrides):
    data = {
        "request_type": RequestType.ACCESS,
        "channel": "email",
        "received_on": TODAY(),
        "requester_name": "Maija Meikäläinen",
        "requester_email": "Maija@Example.fi",
        "response_language": "fi",
    }
    return services.request_register(**{**data, **overrides})


def unzip(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


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
    assert "at most two months" in message and latest.isoformat() in message
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


# --- export ---


def test_an_unverified_request_cannot_be_exported():
    contact = ContactFactory()
    request = DataSubjectRequestFactory(contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.subject_export(email=contact.email, request=request)
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_export_json_holds_every_personal_field_of_every_matching_contact():
    first = ContactFactory(email="maija@kala.fi", street_address="Kalakuja 2", postal_code="85100")
    second = ContactFactory(email="MAIJA@kala.fi".lower(), company=CompanyFactory())
    ContactFactory(email="someone.else@kala.fi")
    request = VerifiedRequestFactory(requester_email="maija@kala.fi", contacts=[first, second])
    export = services.subject_export(email="Maija@Kala.fi", request=request)
    data = json.loads(unzip(export.content)["data.json"])
    by_id = {record["id"]: record for record in data["contacts"]}
    assert set(by_id) == {first.pk, second.pk}
    for contact in (first, second):
        for name in Contact.PERSONAL_DATA_FIELDS:
            assert by_id[contact.pk]["personal_data"][name] == getattr(contact, name)
        assert by_id[contact.pk]["company"]["name"] == contact.company.name
        assert by_id[contact.pk]["legal_basis"] == contact.legal_basis
        assert by_id[contact.pk]["audit_history"]
    assert data["requests"][0]["id"] == request.pk


def test_export_includes_consents_and_restriction_state():
    contact = ContactFactory()
    ConsentFactory(contact=contact, state=ConsentState.OBJECTED)
    ProcessingRestrictionFactory(contact=contact)
    export = services.subject_export(email=contact.email, request=VerifiedRequestFactory(contacts=[contact]))
    record = json.loads(unzip(export.content)["data.json"])["contacts"][0]
    assert record["consents"][0]["state"] == "objected"
    assert record["restriction"]["restricted"] is True


def test_export_csv_matches_the_json():
    both = [
        ContactFactory(email="maija@kala.fi"),
        ContactFactory(email="maija@kala.fi", company=CompanyFactory(), title='Hallituksen pj, "CFO"'),
    ]
    files = unzip(services.subject_export(email="maija@kala.fi", request=VerifiedRequestFactory(contacts=both)).content)
    records = json.loads(files["data.json"])["contacts"]
    rows = list(csv.DictReader(StringIO(files["data.csv"])))
    assert len(rows) == len(records) == 2
    for row, record in zip(rows, records, strict=True):
        assert row["contact_id"] == str(record["id"])
        assert row["company_name"] == record["company"]["name"]
        for name in Contact.PERSONAL_DATA_FIELDS:
            assert row[name] == record["personal_data"][name]


def test_export_is_logged_as_access_with_the_request_id():
    contact = ContactFactory()
    request = VerifiedRequestFactory(contacts=[contact])
    services.subject_export(email=contact.email, request=request)
    entry = LogEntry.objects.get_for_object(contact).get(action=LogEntry.Action.ACCESS)
    assert entry.additional_data["data_subject_request"] == request.pk
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_export_includes_the_requests_matched_contacts_with_another_email():
    old_address = ContactFactory(email="maija@old.example")
    request = VerifiedRequestFactory(contacts=[old_address])
    data = services.subject_export(email="maija@new.example", request=request).data
    assert [record["id"] for record in data["contacts"]] == [old_address.pk]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Ficolo Oy",
                "Electronic and direct marketing",  # (a) purposes
                "Contact details of the customer",  # (b) categories
                "not disclosed or transferred outside the EU or the EEA",  # transfers
                "24 months",  # (d) retention
                "rectify or erase",  # (e) rights
                "Office of the Data Protection Ombudsman",  # (f) complaint
                "The data subject",  # (g) source of this contact
                "automated decisions",  # (h)
                "CaraID or Crewcare",
            ],
        ),
        (
            "fi",
            [
                "Ficolo Oy",
                "Sähköinen markkinointi ja suoramarkkinointi",
                "Asiakkaan yhteyshenkilön yhteystiedot",
                "EU:n tai ETA-alueen ulkopuolelle",
                "24 kuukautta",
                "oikaisemaan tai poistamaan",
                "Tietosuojavaltuutetun toimisto",
                "Rekisteröity itse",
                "automaattisia päätöksiä",
                "CaraID- tai Crewcare-palveluun",
            ],
        ),
    ],
)
def test_cover_letter_answers_article_15_1_in_the_requests_language(language, expected):
    contact = ContactFactory()
    request = VerifiedRequestFactory(response_language=language, contacts=[contact])
    letter = unzip(services.subject_export(email=contact.email, request=request).content)["response.html"]
    assert f'<html lang="{language}">' in letter
    for text in expected:
        assert text in letter
    assert contact.last_name in letter


def test_export_for_a_request_leaves_out_others_with_the_same_email():
    matched = ContactFactory(email="info@shared.example")
    colleague = ContactFactory(email="info@shared.example", company=CompanyFactory())
    request = VerifiedRequestFactory(contacts=[matched])
    data = json.loads(unzip(services.subject_export(email="info@shared.example", request=request).content)["data.json"])
    assert [record["id"] for record in data["contacts"]] == [matched.pk]
    assert not LogEntry.objects.get_for_object(colleague).filter(action=LogEntry.Action.ACCESS).exists()


def test_export_for_a_request_ignores_a_mistyped_email():
    matched = ContactFactory(email="maija@kala.fi")
    stranger = ContactFactory(email="matti@kala.fi")
    request = VerifiedRequestFactory(contacts=[matched])
    data = json.loads(unzip(services.subject_export(email="matti@kala.fi", request=request).content)["data.json"])
    assert [record["id"] for record in data["contacts"]] == [matched.pk]
    assert stranger.last_name not in json.dumps(data)


def test_export_for_an_unknown_email_says_no_data_is_held():
    export = services.subject_export(email="nobody@example.fi", language="en")
    files = unzip(export.content)
    assert json.loads(files["data.json"])["data_held"] is False
    assert "No data held" in files["response.html"]
    assert export.contact_count == 0


def test_export_with_an_invalid_email_is_refused():
    with pytest.raises(ValidationError, match="is not a valid email address"):
        services.subject_export(email="maija@", language="en")


def test_export_subject_command_writes_the_zip(tmp_path):
    contact = ContactFactory(email="maija@kala.fi")
    output = tmp_path / "maija.zip"
    out = StringIO()
    call_command("export_subject", "--email", "maija@kala.fi", "--output", str(output), "--language", "en", stdout=out)
    files = unzip(output.read_bytes())
    assert json.loads(files["data.json"])["contacts"][0]["id"] == contact.pk
    assert "1 contact record" in out.getvalue()
    entry = LogEntry.objects.get_for_object(contact).get(action=LogEntry.Action.ACCESS)
    assert entry.actor_email == "export-subject@system.local"


def test_export_subject_command_ties_the_export_to_a_verified_request(tmp_path):
    contact = ContactFactory()
    request = VerifiedRequestFactory(contacts=[contact])
    call_command(
        "export_subject", "--email", contact.email, "--output", str(tmp_path / "x.zip"), "--request", str(request.pk)
    )
    entry = LogEntry.objects.get_for_object(contact).get(action=LogEntry.Action.ACCESS)
    assert entry.additional_data["data_subject_request"] == request.pk


def test_export_subject_command_refuses_an_unverified_request(tmp_path):
    request = DataSubjectRequestFactory()
    with pytest.raises(CommandError, match="identity has not been verified"):
        call_command(
            "export_subject", "--email", "a@b.fi", "--output", str(tmp_path / "x.zip"), "--request", str(request.pk)
        )
    assert not (tmp_path / "x.zip").exists()


def test_export_subject_command_refuses_an_existing_output_file(tmp_path):
    output = tmp_path / "x.zip"
    output.write_bytes(b"keep")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_subject", "--email", "a@b.fi", "--output", str(output))
    assert output.read_bytes() == b"keep"


# --- rectification ---


def test_rectification_is_linked_to_the_request_in_the_audit_trail():
    contact = ContactFactory(title="Myyjä")
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    services.contact_rectify(request=request, contact=contact, title="Myyntijohtaja")
    contact.refresh_from_db()
    assert contact.title == "Myyntijohtaja"
    entry = LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes["title"] == ["Myyjä", "Myyntijohtaja"]
    assert entry.additional_data["data_subject_request"] == request.pk


def test_rectification_of_an_unverified_request_is_refused():
    contact = ContactFactory(title="Myyjä")
    request = DataSubjectRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.contact_rectify(request=request, contact=contact, title="X")
    contact.refresh_from_db()
    assert contact.title == "Myyjä"


def test_rectification_of_a_contact_not_matched_to_the_request_is_refused():
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION)
    with pytest.raises(ValidationError, match="not matched"):
        services.contact_rectify(request=request, contact=ContactFactory(), title="X")


def test_rectification_with_an_invalid_phone_is_refused_with_the_field():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    with pytest.raises(ValidationError) as exc:
        services.contact_rectify(request=request, contact=contact, phone="12")
    assert "phone" in exc.value.message_dict


# --- erasure ---

NEEDLES = ("ulpukka.vesterinen@kalaranta.example", "Vesterinen-Testaaja", "Ulpukka", "+358401234567")


def erasure_subject():
    company = CompanyFactory(name="Kalarannan Kala Oy")
    return ContactFactory(
        company=company,
        first_name="Ulpukka",
        last_name="Vesterinen-Testaaja",
        email="ulpukka.vesterinen@kalaranta.example",
        phone="+358401234567",
    )


def test_erasure_leaves_no_trace_of_the_person_in_any_table(find_in_database):
    contact = erasure_subject()
    customer_services.contact_update(contact=contact, title="Kalastaja")
    services.subject_lookup(email=contact.email, phone="040 123 4567")
    earlier = DataSubjectRequestFactory(
        requester_name="Ulpukka Vesterinen-Testaaja", requester_email=contact.email, contacts=[contact]
    )
    services.consent_record(
        contacts=[contact],
        purpose="direct_marketing",
        state=ConsentState.OBJECTED,
        decided_on=TODAY(),
        method=ConsentMethod.EMAIL,
        request=earlier,
        note="Ulpukka soitti",
    )
    request = register(
        request_type=RequestType.ERASURE,
        requester_name="Ulpukka Vesterinen-Testaaja",
        requester_email=contact.email,
        requester_contact="Puh. +358401234567",
        description="Poistakaa Ulpukka Vesterinen-Testaaja",
        matched_contacts=[contact],
    )
    services.request_verify_identity(request=request, method=VerificationMethod.SIGNED_LETTER, by=None)
    assert find_in_database(*NEEDLES)  # the search does see the person before the erasure

    outcome = services.subject_erase(request=request, by=PrivacyOfficerFactory())

    assert outcome.erased == [contact.pk]
    assert find_in_database(*NEEDLES) == []
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_erased_request_keeps_only_the_proof_of_handling():
    officer = PrivacyOfficerFactory()
    contact = erasure_subject()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact], verified_by=officer)
    services.subject_erase(request=request, by=officer)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.requester_name == ERASED
    assert request.requester_email == ""
    assert request.closed_by == officer and request.verified_by == officer
    assert request.closed_at is not None
    assert f"#{contact.pk}" in request.outcome
    assert "Erased 1 contact record" in request.outcome


def test_erasure_under_a_legal_hold_keeps_the_contact_and_says_why_and_until_when():
    until = TODAY() + datetime.timedelta(days=400)
    held = erasure_subject()
    held.legal_hold_until = until
    held.legal_hold_reason = "Kirjanpitolaki 2:10 (tositteet)"
    held.save()
    other = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[held, other])
    outcome = services.subject_erase(request=request, by=None)
    assert Contact.objects.filter(pk=held.pk).exists()
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert outcome.kept == [(held.pk, until, "Kirjanpitolaki 2:10 (tositteet)")]
    request.refresh_from_db()
    assert until.isoformat() in request.outcome
    assert "Kirjanpitolaki 2:10" in request.outcome


def test_a_company_legal_hold_keeps_its_contact_from_erasure():
    company = CompanyFactory(legal_hold_until=TODAY(), legal_hold_reason="Court case")
    contact = ContactFactory(company=company)
    outcome = services.subject_erase(
        request=VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact]), by=None
    )
    assert outcome.kept == [(contact.pk, TODAY(), "Court case")]
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_an_unverified_request_cannot_be_erased():
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.subject_erase(request=request, by=None)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_erasure_needs_an_erasure_request():
    contact = ContactFactory()
    with pytest.raises(ValidationError, match="Erasure"):
        services.subject_erase(request=VerifiedRequestFactory(contacts=[contact]), by=None)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_erasure_with_no_matched_contact_says_no_data_was_held():
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE)
    outcome = services.subject_erase(request=request, by=None)
    assert outcome.erased == []
    assert "No data about the requester was held" in outcome.summary


# --- restriction ---


def test_restriction_marks_the_contact_and_staff_edits_are_refused():
    contact = ContactFactory(title="Myyjä")
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    restriction = services.contact_restrict(request=request, contact=contact, reason="Accuracy contested")
    assert restriction.is_active
    with pytest.raises(ValidationError, match="restricted"):
        customer_services.contact_update(contact=contact, title="X")
    contact.refresh_from_db()
    assert contact.title == "Myyjä"


def test_restricted_contact_cannot_be_deleted_through_the_service():
    contact = ContactFactory()
    ProcessingRestrictionFactory(contact=contact)
    with pytest.raises(ValidationError, match="restricted"):
        customer_services.contact_delete(contact=contact)


def test_restricted_contact_can_be_rectified_through_a_rectification_request():
    contact = ContactFactory(title="Myyjä")
    ProcessingRestrictionFactory(contact=contact)
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    services.contact_rectify(request=request, contact=contact, title="Myyntijohtaja")
    contact.refresh_from_db()
    assert contact.title == "Myyntijohtaja"


def test_restriction_without_a_reason_is_refused():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    with pytest.raises(ValidationError) as exc:
        services.contact_restrict(request=request, contact=contact, reason="")
    assert "reason" in exc.value.message_dict


def test_restriction_of_an_unverified_request_is_refused():
    contact = ContactFactory()
    request = DataSubjectRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.contact_restrict(request=request, contact=contact, reason="Accuracy contested")


def restriction_with_its_request():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    return ProcessingRestrictionFactory(contact=contact, request=request), request


def test_lifting_a_restriction_records_that_the_subject_was_informed():
    restriction, request = restriction_with_its_request()
    lifted = services.contact_restriction_lift(request=request, restriction=restriction, subject_informed_on=TODAY())
    assert lifted.lifted_at is not None
    assert lifted.subject_informed_on == TODAY()
    customer_services.contact_update(contact=restriction.contact, title="Editable again")


def test_lifting_from_an_unverified_request_is_refused():
    restriction, _ = restriction_with_its_request()
    unverified = DataSubjectRequestFactory(request_type=RequestType.RESTRICTION, contacts=[restriction.contact])
    with pytest.raises(ValidationError, match="identity has not been verified"):
        services.contact_restriction_lift(request=unverified, restriction=restriction, subject_informed_on=TODAY())
    restriction.refresh_from_db()
    assert restriction.is_active


def test_lifting_from_an_access_request_is_refused():
    restriction, _ = restriction_with_its_request()
    access = VerifiedRequestFactory(request_type=RequestType.ACCESS, contacts=[restriction.contact])
    with pytest.raises(ValidationError):
        services.contact_restriction_lift(request=access, restriction=restriction, subject_informed_on=TODAY())
    restriction.refresh_from_db()
    assert restriction.is_active


def test_lifting_a_restriction_of_a_contact_the_request_is_not_about_is_refused():
    restriction, _ = restriction_with_its_request()
    other = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[ContactFactory()])
    with pytest.raises(ValidationError):
        services.contact_restriction_lift(request=other, restriction=restriction, subject_informed_on=TODAY())
    restriction.refresh_from_db()
    assert restriction.is_active


def test_lifting_without_informing_the_subject_is_refused():
    restriction, request = restriction_with_its_request()
    with pytest.raises(ValidationError) as exc:
        services.contact_restriction_lift(request=request, restriction=restriction, subject_informed_on=None)
    assert "subject_informed_on" in exc.value.message_dict
    restriction.refresh_from_db()
    assert restriction.is_active


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
