"""The subject's export (Art. 15 and 20) and its command."""

import csv
import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from caracom_register.spreadsheet import csv_cell
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import (
    ConsentState,
    RequestStatus,
)
from privacy.tests.factories import (
    ConsentFactory,
    DataSubjectRequestFactory,
    ProcessingRestrictionFactory,
    VerifiedRequestFactory,
)
from privacy.tests.helpers import unzip

# --- export ---


pytestmark = pytest.mark.django_db


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
        assert row["company_name"] == csv_cell(record["company"]["name"])
        for name in Contact.PERSONAL_DATA_FIELDS:
            # The CSV is for spreadsheets: a phone in E.164 starts with "+", so it carries the formula guard.
            assert row[name] == csv_cell(record["personal_data"][name])


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
