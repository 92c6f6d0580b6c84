"""Every kind of letter, in Finnish and English, rendered to PDF and to a PNG of its first page under
e2e-screenshots/letters/ (pdftoppm from Debian's poppler-utils), for a person to look at."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import ConsentState, Letter, LetterKind, RequestStatus, RequestType
from privacy.services.letter_render import HTML as WEASYPRINT
from privacy.tests.factories import (
    ConsentFactory,
    DataSubjectRequestFactory,
    ProcessingRestrictionFactory,
    RefusedRequestFactory,
    VerifiedRequestFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(WEASYPRINT is None, reason="WeasyPrint needs Pango: run make system-deps"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is missing: apt-get install poppler-utils"),
]

OUT = Path(settings.BASE_DIR) / "e2e-screenshots" / "letters"


def _contact():
    return ContactFactory(
        first_name="Åsa",
        last_name="Järvinen-Öhman",
        title="Hankintapäällikkö",
        email="asa.jarvinen@kalajoenkala.example",
        phone="+358456393329",
        company=CompanyFactory(name="Kalajoen Kala ja Sää Oy"),
    )


def _request(language, **fields):
    fields.setdefault("requester_name", "Åsa Järvinen-Öhman")
    fields.setdefault("requester_email", "asa.jarvinen@kalajoenkala.example")
    fields.setdefault("received_on", timezone.localdate() - datetime.timedelta(days=5))
    return VerifiedRequestFactory(response_language=language, **fields)


def _letter(kind, language):
    if kind == LetterKind.ACCESS:
        request = _request(language, contacts=[_contact()])
    elif kind == LetterKind.RECTIFICATION:
        contact = _contact()
        request = _request(language, request_type=RequestType.RECTIFICATION, contacts=[contact])
        services.contact_rectify(request=request, contact=contact, title="Toimitusjohtaja")
    elif kind == LetterKind.ERASURE:
        held = CompanyFactory(name="Pidetty Yhtiö Oy", legal_hold_until=timezone.localdate() + datetime.timedelta(90))
        held.legal_hold_reason = "Kirjanpitolaki 2:10 § (tositteet 6 vuotta)"
        held.save()
        kept = ContactFactory(company=held)
        request = _request(language, request_type=RequestType.ERASURE, contacts=[_contact(), kept])
        services.subject_erase(request=request, by=None)
        return Letter.objects.get(request=request, kind=LetterKind.ERASURE)
    elif kind in (LetterKind.RESTRICTION_APPLIED, LetterKind.RESTRICTION_LIFTED):
        contact = _contact()
        request = _request(language, request_type=RequestType.RESTRICTION, contacts=[contact])
        restriction = ProcessingRestrictionFactory(
            contact=contact, request=request, reason="Tietojen paikkansapitävyys kiistetty"
        )
        if kind == LetterKind.RESTRICTION_LIFTED:
            services.contact_restriction_lift(
                request=request, restriction=restriction, subject_informed_on=timezone.localdate()
            )
    elif kind == LetterKind.CONSENT:
        request = _request(language, request_type=RequestType.OBJECTION)
        contact = _contact()
        ConsentFactory(contact=contact, purpose="direct_marketing", state=ConsentState.WITHDRAWN, request=request)
        ConsentFactory(contact=contact, purpose="ad_targeting", state=ConsentState.OBJECTED, request=request)
    elif kind == LetterKind.REFUSAL:
        request = RefusedRequestFactory(response_language=language, requester_name="Åsa Järvinen-Öhman")
    elif kind == LetterKind.EXTENSION:
        request = _request(language, status=RequestStatus.IN_PROGRESS)
        services.request_extend(
            request=request,
            due_on=services.request_latest_due_on(request.received_on),
            reason="Pyyntö koskee neljää asiakasyritystä, joiden tiedot tarkistamme yksitellen."
            if language == "fi"
            else "Your request concerns four customer companies whose records we check one by one.",
            subject_told_on=timezone.localdate(),
        )
    elif kind == LetterKind.IDENTITY:
        request = DataSubjectRequestFactory(response_language=language, requester_name="Åsa Järvinen-Öhman")
        note = (
            "Vastaa tähän viestiin siitä sähköpostiosoitteesta, joka meillä on rekisterissä, tai käy toimistollamme "
            "henkilöllisyystodistuksen kanssa."
            if language == "fi"
            else "Please reply from the email address we hold in the register, or visit our office with an "
            "identity document."
        )
        return services.letter_create(request=request, kind=kind, by=None, note=note)
    return services.letter_create(request=request, kind=kind, by=None)


REQUEST_KINDS = [kind for kind in LetterKind if kind not in (LetterKind.ANNOUNCEMENT, LetterKind.DEADLINE_DIGEST)]


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_each_letter_renders_to_a_one_or_more_page_png(kind, language):
    letter = _letter(kind, language)
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / f"{kind}_{language}.pdf"
    pdf.write_bytes(bytes(letter.pdf))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(OUT / f"{kind}_{language}")],  # noqa: S607
        check=True,
    )
    pdf.unlink()
    pages = sorted(OUT.glob(f"{kind}_{language}-*.png"))
    assert pages
    assert pages[0].stat().st_size > 10_000  # a page with text on it, not a blank
