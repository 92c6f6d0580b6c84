"""The request page's letters through the admin: preview, an explicit Send, printing, posting, sending again."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, sign_in_verified
from privacy.models import Letter, LetterStatus
from privacy.tests.factories import LetterFactory, RefusedRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/privacy/datasubjectrequest/"


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    return client


def test_the_request_page_shows_its_letters_block_with_a_write_button(officer_client):
    request = RefusedRequestFactory()
    page = officer_client.get(f"{BASE}{request.pk}/change/").content.decode()
    assert 'id="letters"' in page
    assert f"{BASE}{request.pk}/letters/new/" in page


def test_preview_shows_the_letter_and_stores_nothing(officer_client):
    request = RefusedRequestFactory()
    response = officer_client.post(
        f"{BASE}{request.pk}/letters/new/", {"kind": "refusal", "delivery": "email", "note": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Emme voi toteuttaa pyyntöäsi" in page
    assert 'name="send" value="1"' in page
    assert "<style nonce=" in page  # the admin's CSP lets the letter's own style through
    assert not Letter.objects.exists()


def test_send_after_preview_queues_the_letter_and_sends_it_after_commit(
    officer_client, mailoutbox, django_capture_on_commit_callbacks
):
    request = RefusedRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            f"{BASE}{request.pk}/letters/new/", {"kind": "refusal", "delivery": "email", "note": "", "send": "1"}
        )
    assert response.status_code == 302
    letter = Letter.objects.get(request=request)
    assert letter.status == LetterStatus.SENT
    [message] = mailoutbox
    assert message.to[0].endswith(f"<{request.requester_email}>")


def test_a_letter_that_does_not_fit_is_refused_on_the_form_with_nothing_stored(officer_client):
    request = RefusedRequestFactory()
    response = officer_client.post(
        f"{BASE}{request.pk}/letters/new/", {"kind": "erasure", "delivery": "email", "send": "1"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Letter.objects.exists()


def test_a_letter_by_post_is_printed_from_its_pdf(officer_client):
    letter = LetterFactory(delivery="post", status=LetterStatus.TO_POST, pdf=b"%PDF-1.7 test")
    response = officer_client.get(f"{BASE}{letter.request.pk}/letters/{letter.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 test"


def test_recording_a_posting_in_finnish_date_format_shows_sent_by_post_on_that_day(officer_client):
    letter = LetterFactory(delivery="post", status=LetterStatus.TO_POST)
    today = timezone.localdate()
    officer_client.cookies["django_language"] = "fi"

    response = officer_client.post(
        f"{BASE}{letter.request.pk}/letters/{letter.pk}/posted/",
        {"posted_on": f"{today.day}.{today.month}.{today.year}"},
        HTTP_ACCEPT_LANGUAGE="fi",
        follow=True,
    )

    letter.refresh_from_db()
    assert (letter.status, letter.posted_on) == (LetterStatus.POSTED, today)
    assert f"postitse {today.day}.{today.month}.{today.year}" in response.content.decode()


def test_a_posting_date_in_the_future_is_refused_and_changes_nothing(officer_client):
    letter = LetterFactory(delivery="post", status=LetterStatus.TO_POST)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = officer_client.post(
        f"{BASE}{letter.request.pk}/letters/{letter.pk}/posted/", {"posted_on": tomorrow.isoformat()}, follow=True
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.TO_POST
    assert "cannot be in the future" in response.content.decode()


def test_send_again_from_the_request_page_requeues_a_failed_letter(
    officer_client, mailoutbox, django_capture_on_commit_callbacks
):
    letter = LetterFactory(status=LetterStatus.FAILED, attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"{BASE}{letter.request.pk}/letters/{letter.pk}/send-again/")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert len(mailoutbox) == 1


def test_staff_cannot_write_or_read_letters(client):
    sign_in_verified(client, StaffUserFactory())
    letter = LetterFactory(pdf=b"%PDF-1.7 test")
    assert client.post(f"{BASE}{letter.request.pk}/letters/new/", {"kind": "refusal"}).status_code == 403
    assert client.get(f"{BASE}{letter.request.pk}/letters/{letter.pk}/pdf/").status_code == 403
