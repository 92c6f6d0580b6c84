"""Letters answering requests: which fit a request, what they say (from the notice in force), their PDF."""

import datetime
import json
import re
import zlib

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import (
    ConsentState,
    Letter,
    LetterDelivery,
    LetterKind,
    LetterStatus,
    NoticePurpose,
    RequestStatus,
    RequestType,
)
from privacy.services.letter_render import HTML as WEASYPRINT
from privacy.tests.factories import (
    ConsentFactory,
    DataSubjectRequestFactory,
    ProcessingRestrictionFactory,
    RefusedRequestFactory,
    VerifiedRequestFactory,
)
from privacy.tests.helpers import unzip

pytestmark = pytest.mark.django_db

needs_pango = pytest.mark.skipif(WEASYPRINT is None, reason="WeasyPrint needs Pango: run make system-deps")


def write(request, kind, **kwargs):
    return services.letter_create(request=request, kind=kind, by=None, **kwargs)


# --- which letter fits ---


def test_a_request_still_awaiting_identity_can_only_be_asked_for_identity_or_refused_or_extended():
    request = DataSubjectRequestFactory()
    assert services.letter_kinds_for(request) == [LetterKind.IDENTITY]


def test_a_verified_access_request_gets_the_access_letter_and_not_the_identity_letter():
    kinds = services.letter_kinds_for(VerifiedRequestFactory(request_type=RequestType.ACCESS))
    assert LetterKind.ACCESS in kinds
    assert LetterKind.IDENTITY not in kinds


def test_the_erasure_confirmation_cannot_be_written_by_hand():
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE)
    with pytest.raises(ValidationError, match="written by the erasure itself"):
        write(request, LetterKind.ERASURE)
    assert not Letter.objects.exists()


def test_a_refusal_letter_needs_a_refused_request():
    with pytest.raises(ValidationError, match="refuse the request first"):
        write(VerifiedRequestFactory(), LetterKind.REFUSAL)
    assert not Letter.objects.exists()


def test_an_unknown_kind_of_letter_is_refused_with_its_value():
    with pytest.raises(ValidationError, match="“welcome” is not a kind of letter"):
        write(VerifiedRequestFactory(), "welcome")


def test_a_request_for_identity_information_must_say_what_is_needed():
    with pytest.raises(ValidationError) as error:
        write(DataSubjectRequestFactory(), LetterKind.IDENTITY, note="  ")
    assert "what further information is needed" in error.value.message_dict["note"][0]
    assert not Letter.objects.exists()


def test_an_email_letter_needs_an_email_address_on_the_request():
    request = RefusedRequestFactory(requester_email="", requester_contact="Kalakuja 2, 85100 Kalajoki")
    with pytest.raises(ValidationError, match="has no email address; send the letter by post"):
        write(request, LetterKind.REFUSAL)


def test_a_letter_by_post_waits_to_be_posted_and_is_never_emailed(mailoutbox, django_capture_on_commit_callbacks):
    request = RefusedRequestFactory(requester_email="", requester_contact="Kalakuja 2, 85100 Kalajoki")
    with django_capture_on_commit_callbacks(execute=True):
        letter = write(request, LetterKind.REFUSAL, delivery=LetterDelivery.POST)
    assert letter.status == LetterStatus.TO_POST
    assert letter.to_masked == "Kal***"
    assert mailoutbox == []


# --- what a letter says ---


def test_a_letter_carries_the_date_the_reference_and_the_controllers_details_in_finnish():
    letter = write(RefusedRequestFactory(), LetterKind.REFUSAL)
    today = timezone.localdate()
    assert f"{today.day}.{today.month}.{today.year}" in letter.body_html
    assert f"Viite: pyyntö nro {letter.request.pk}" in letter.body_html
    for fact in ("Caracom Group Oy", "Kalakuja 2-4 B105", "85100 Kalajoki", "info@caracom.fi", "Santtu Harjuhahto"):
        assert fact in letter.body_html


def test_an_english_letter_is_dated_the_english_way():
    request = RefusedRequestFactory(response_language="en", received_on=datetime.date(2026, 11, 30))
    letter = write(request, LetterKind.REFUSAL)
    assert "which we received on 30 November 2026" in letter.body_html
    assert '<html lang="en">' in letter.body_html


def test_a_refusal_names_the_article_the_ground_the_ombudsman_and_the_courts():
    letter = write(RefusedRequestFactory(response_language="en"), LetterKind.REFUSAL)
    for text in (
        "Art. 12(5): manifestly unfounded or excessive",
        "Sama pyyntö on tehty kolme kertaa",
        "Office of the Data Protection Ombudsman",
        "https://tietosuoja.fi/",
        "judicial remedy",
    ):
        assert text in letter.body_html


def test_a_finnish_refusal_names_the_article_in_finnish():
    letter = write(RefusedRequestFactory(), LetterKind.REFUSAL)
    assert "12 artiklan 5 kohta: pyyntö on ilmeisen perusteeton tai kohtuuton" in letter.body_html
    assert "käräjäoikeuden" in letter.body_html


def test_an_extension_letter_gives_the_reason_and_both_deadlines():
    received = timezone.localdate() - datetime.timedelta(days=3)
    request = VerifiedRequestFactory(received_on=received)
    services.request_extend(
        request=request,
        due_on=services.request_latest_due_on(received),
        reason="Pyyntö koskee useaa yritystä.",
        subject_told_on=timezone.localdate(),
    )
    letter = write(request, LetterKind.EXTENSION)
    latest = services.request_latest_due_on(received)
    assert "Pyyntö koskee useaa yritystä." in letter.body_html
    assert f"{latest.day}.{latest.month}.{latest.year}" in letter.body_html


def test_a_consent_letter_lists_each_purpose_with_the_choice_recorded():
    request = VerifiedRequestFactory(request_type=RequestType.OBJECTION, response_language="en")
    contact = ContactFactory()
    ConsentFactory(contact=contact, purpose="ad_targeting", state=ConsentState.OBJECTED, request=request)
    ConsentFactory(contact=contact, purpose="direct_marketing", state=ConsentState.WITHDRAWN, request=request)
    letter = write(request, LetterKind.CONSENT)
    assert "Targeting advertising in our own and other online services" in letter.body_html
    assert "Objected (Art. 21)" in letter.body_html
    assert "Electronic and direct marketing" in letter.body_html
    assert "Consent withdrawn" in letter.body_html


def test_a_restriction_letter_names_the_company_and_the_reason():
    request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION)
    contact = ContactFactory(company=CompanyFactory(name="Kalajoen Kala Oy"))
    ProcessingRestrictionFactory(contact=contact, request=request, reason="Tietojen paikkansapitävyys kiistetty")
    letter = write(request, LetterKind.RESTRICTION_APPLIED)
    assert "Kalajoen Kala Oy" in letter.body_html
    assert "Tietojen paikkansapitävyys kiistetty" in letter.body_html


def test_a_rectification_letter_shows_the_corrected_values():
    contact = ContactFactory(first_name="Maija", title="Toimitusjohtaja")
    request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    services.contact_rectify(request=request, contact=contact, title="Hallituksen puheenjohtaja")
    letter = write(request, LetterKind.RECTIFICATION)
    assert "Hallituksen puheenjohtaja" in letter.body_html
    assert "Toimitusjohtaja" not in letter.body_html


def test_the_erasure_confirmation_says_what_was_kept_and_on_which_ground():
    company = CompanyFactory(legal_hold_until=timezone.localdate() + datetime.timedelta(days=30))
    company.legal_hold_reason = "Kirjanpitolaki 2:10 §"
    company.save()
    kept = ContactFactory(company=company)
    gone = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[kept, gone])
    services.subject_erase(request=request, by=None)
    letter = Letter.objects.get(request=request, kind=LetterKind.ERASURE)
    assert "Poistimme asiakasrekisteristämme sinusta 1 yhteyshenkilötiedon" in letter.body_html
    assert "Kirjanpitolaki 2:10 §" in letter.body_html
    assert company.name in letter.body_html


def test_the_erasure_confirmation_is_written_inside_the_erasures_transaction():
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    letter_kinds = []

    original = services.erasure_letter.letter_erasure_confirmation

    def spy(**kwargs):
        letter = original(**kwargs)
        # Still inside: the request is completed but not yet anonymised, and the address is on the letter.
        letter_kinds.append((letter.kind, letter.to_address == request.requester_email))
        return letter

    services.erasure.letter_erasure_confirmation = spy
    try:
        services.subject_erase(request=request, by=None)
    finally:
        services.erasure.letter_erasure_confirmation = original
    assert letter_kinds == [(LetterKind.ERASURE, True)]


def test_a_failed_erasure_leaves_no_confirmation_behind(monkeypatch):
    contact = ContactFactory()
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])

    def broken(pks):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.erasure, "_anonymize_requests", broken)
    with pytest.raises(RuntimeError):
        services.subject_erase(request=request, by=None)
    assert not Letter.objects.exists()


# --- profiling (Art. 4(4), 15(1)(h), 22) from the notice's purposes ---


def pdf_streams(pdf):
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            continue


def access_letter(language="en"):
    contact = ContactFactory()
    request = VerifiedRequestFactory(response_language=language, contacts=[contact], requester_email=contact.email)
    return write(request, LetterKind.ACCESS)


def test_the_access_letter_says_what_the_ad_targeting_does_with_the_data():
    letter = access_letter()
    assert "Targeting advertising in our own and other online services." in letter.body_html
    assert "(your name, email address and your company&#x27;s name)" in letter.body_html
    assert "This is profiling" in letter.body_html
    assert "we make no automated decisions" in letter.body_html.lower()


def test_the_access_letter_no_longer_denies_all_profiling():
    assert "make no automated decisions or profiling" not in access_letter().body_html


def test_without_a_profiling_purpose_the_letter_says_none_of_the_purposes_profiles(version_1):
    NoticePurpose.objects.filter(version=version_1).update(profiling_fi="", profiling_en="")
    letter = access_letter()
    assert "None of the purposes in our privacy notice involves profiling." in letter.body_html


def test_a_purpose_with_automated_decisions_is_named_with_the_persons_rights(version_1):
    NoticePurpose.objects.filter(version=version_1, code="ad_targeting").update(automated_decisions=True)
    letter = access_letter()
    assert "We make automated decisions that can have legal or similarly significant effects" in letter.body_html
    assert "ask for a person to review such a decision" in letter.body_html


# The EDPB Guidelines 01/2022 on the right of access (version 2.1): its three components (confirmation, the
# data itself, and the information on the processing of section 4.3: Art. 15(1)(a)-(h) and 15(2)), which an answer
# to an access request must contain. Each item is checked in the letter as sent, in both languages.
EDPB_ACCESS_CHECKLIST = {
    "en": {
        "confirmation whether data is processed (Art. 15(1))": "Our customer register holds 1 record about you",
        "a copy of the data (Art. 15(3))": "A complete copy is enclosed",
        "(a) purposes": "Electronic and direct marketing",
        "(a) the legal basis of each purpose": "legal basis: legitimate interest",
        "(b) categories of data": "Contact details of the customer",
        "(c) recipients, named": "Ficolo Oy",
        "(c) and Art. 15(2): transfers outside the EU/EEA": "Transfers outside the EU/EEA",
        "(d) retention period": "24 months",
        "(e) rectification, erasure, restriction, objection": "rectify or erase your data or to restrict",
        "(f) complaint to a supervisory authority": "lodge a complaint with the supervisory authority",
        "(g) the source of the data": "The data subject",
        "(h) profiling: the logic and what it does": "This is profiling",
        "(h) automated decisions under Art. 22": "Article 22",
        "the controller's identity and contact details": "Kalakuja 2-4 B105",
        "how to exercise the rights (Art. 12(2))": "Contact person: Santtu Harjuhahto",
        "the request it answers and the date": "Reference: request no.",
    },
    "fi": {
        "confirmation whether data is processed (Art. 15(1))": "Asiakasrekisterissämme on sinusta 1",
        "a copy of the data (Art. 15(3))": "Täydellinen jäljennös on liitteenä",
        "(a) purposes": "Sähköinen markkinointi ja suoramarkkinointi",
        "(a) the legal basis of each purpose": "käsittelyperuste: oikeutettu etu",
        "(b) categories of data": "Asiakkaan yhteyshenkilön yhteystiedot",
        "(c) recipients, named": "Ficolo Oy",
        "(c) and Art. 15(2): transfers outside the EU/EEA": "Siirrot EU:n tai ETA-alueen ulkopuolelle",
        "(d) retention period": "24 kuukautta",
        "(e) rectification, erasure, restriction, objection": "oikaisemaan tai poistamaan tietosi tai rajoittamaan",
        "(f) complaint to a supervisory authority": "oikeus tehdä valitus valvontaviranomaiselle",
        "(g) the source of the data": "Rekisteröity itse",
        "(h) profiling: the logic and what it does": "Tämä on profilointia",
        "(h) automated decisions under Art. 22": "22 artikla",
        "the controller's identity and contact details": "Kalakuja 2-4 B105",
        "how to exercise the rights (Art. 12(2))": "Yhteyshenkilö: Santtu Harjuhahto",
        "the request it answers and the date": "Viite: pyyntö nro",
    },
}


@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_access_letter_answers_every_item_of_the_edpb_access_list(language):
    letter = access_letter(language)
    missing = [item for item, text in EDPB_ACCESS_CHECKLIST[language].items() if text not in letter.body_html]
    assert missing == []


def test_the_access_letter_carries_the_copy_of_the_data_as_the_export_zip():
    letter = access_letter()
    files = unzip(bytes(letter.attachment))
    assert json.loads(files["data.json"])["data_held"] is True
    assert letter.attachment_name.startswith(f"subject-export-request-{letter.request.pk}-")


# --- PDF, audit trail, export ---


@needs_pango
def test_the_pdf_is_the_same_letter_with_finnish_letters_embedded():
    letter = write(RefusedRequestFactory(), LetterKind.REFUSAL)
    pdf = bytes(letter.pdf)
    assert pdf.startswith(b"%PDF-")
    assert any(b"+DejaVu-Serif" in stream for stream in pdf_streams(pdf))  # the font with ä, ö and å
    assert letter.pdf_sha256 == services.letter_render.pdf_digest(pdf)


def test_a_letter_is_in_the_requests_audit_trail_without_its_address():
    letter = write(RefusedRequestFactory(), LetterKind.REFUSAL)
    entry = LogEntry.objects.get_for_object(letter).get(action=LogEntry.Action.CREATE)
    assert entry.additional_data["data_subject_request"] == letter.request.pk
    assert letter.to_address not in json.dumps(entry.changes)


def test_recording_a_posted_letter_keeps_the_day_it_was_posted():
    request = RefusedRequestFactory(requester_email="", requester_contact="Kalakuja 2, 85100 Kalajoki")
    letter = write(request, LetterKind.REFUSAL, delivery=LetterDelivery.POST)
    services.letter_record_posted(letter=letter, posted_on=timezone.localdate(), by=None)
    letter.refresh_from_db()
    assert (letter.status, letter.posted_on) == (LetterStatus.POSTED, timezone.localdate())


def test_a_letter_cannot_be_recorded_as_posted_tomorrow():
    request = RefusedRequestFactory(requester_email="", requester_contact="Kalakuja 2, 85100 Kalajoki")
    letter = write(request, LetterKind.REFUSAL, delivery=LetterDelivery.POST)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.letter_record_posted(
            letter=letter, posted_on=timezone.localdate() + datetime.timedelta(days=1), by=None
        )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.TO_POST


def test_an_email_letter_cannot_be_recorded_as_posted():
    letter = write(RefusedRequestFactory(), LetterKind.REFUSAL)
    with pytest.raises(ValidationError, match="only a letter waiting to be posted"):
        services.letter_record_posted(letter=letter, posted_on=timezone.localdate(), by=None)


def test_the_subjects_export_lists_the_letters_written_to_them():
    contact = ContactFactory()
    request = RefusedRequestFactory(contacts=[contact], requester_email=contact.email, status=RequestStatus.REFUSED)
    letter = write(request, LetterKind.REFUSAL)
    data = services.subject_export(email=contact.email, language="en").data
    assert [(item["id"], item["kind"]) for item in data["letters"]] == [(letter.pk, "refusal")]


def test_without_pango_an_email_letter_still_goes_as_html_and_a_posted_one_is_refused(monkeypatch):
    monkeypatch.setattr(services.letter_render, "HTML", None)
    emailed = write(RefusedRequestFactory(), LetterKind.REFUSAL)
    assert (bytes(emailed.pdf), emailed.pdf_sha256) == (b"", "")
    assert "Emme voi toteuttaa pyyntöäsi" in emailed.body_html
    posted = RefusedRequestFactory(requester_email="", requester_contact="Kalakuja 2, 85100 Kalajoki")
    with pytest.raises(services.PdfUnavailable):
        write(posted, LetterKind.REFUSAL, delivery=LetterDelivery.POST)
    assert Letter.objects.count() == 1
