"""The outbox against a real SMTP server on localhost (aiosmtpd in the test process)."""

import datetime
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from customers.tests.factories import ContactFactory
from privacy import services
from privacy.models import Letter, LetterKind, LetterStatus, RequestType
from privacy.services import outbox
from privacy.services.letter_proof import address_digest
from privacy.tests.factories import LetterFactory, RefusedRequestFactory, VerifiedRequestFactory
from privacy.tests.smtp import Mailbox, free_port, point_mailer_at

pytestmark = pytest.mark.django_db


def refusal_letter(capture, **request_fields):
    request = RefusedRequestFactory(
        requester_name="Äiti Öljynen", requester_email="aiti.oljynen@example.fi", **request_fields
    )
    with capture(execute=True):
        letter = services.letter_create(request=request, kind=LetterKind.REFUSAL, by=None)
    letter.refresh_from_db()
    return letter


def test_a_letter_reaches_the_smtp_server_with_its_headers(smtp_server, django_capture_on_commit_callbacks):
    letter = refusal_letter(django_capture_on_commit_callbacks)

    [message] = smtp_server.messages
    assert message["To"] == "Äiti Öljynen <aiti.oljynen@example.fi>"
    assert message["From"] == "info@caracom.fi"
    assert message["Message-ID"] == letter.message_id
    assert message["Subject"].startswith("Päätös pyyntöösi")
    assert letter.status == LetterStatus.SENT
    assert letter.sent_at is not None
    assert letter.attempts == 1


def test_the_message_carries_the_letter_as_a_pdf_attachment(smtp_server, django_capture_on_commit_callbacks):
    letter = refusal_letter(django_capture_on_commit_callbacks)

    [message] = smtp_server.messages
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"kirje-{letter.pk}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    assert attachment.get_content() == bytes(letter.pdf)


def test_the_subject_and_both_bodies_arrive_as_utf8_finnish(smtp_server, django_capture_on_commit_callbacks):
    refusal_letter(django_capture_on_commit_callbacks)

    [message] = smtp_server.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Emme voi toteuttaa pyyntöäsi" in text
    assert "Sama pyyntö on tehty kolme kertaa tässä kuussa." in text
    assert '<html lang="fi">' in html
    assert "Tietosuojavaltuutetun toimisto" in html


def test_a_temporary_refusal_leaves_the_letter_queued_for_a_later_attempt(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse("451 4.3.0 Try again later")
    before = timezone.now()

    letter = refusal_letter(django_capture_on_commit_callbacks)

    assert smtp_server.messages == []
    assert letter.status == LetterStatus.QUEUED
    assert letter.attempts == 1
    assert letter.last_error == "SMTPDataError: 451"
    assert letter.next_attempt_at >= before + outbox.backoff(1)


def test_after_a_temporary_refusal_the_next_run_delivers_the_letter_once(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse("451 4.3.0 Try again later")
    letter = refusal_letter(django_capture_on_commit_callbacks)

    run = services.outbox_send(now=letter.next_attempt_at)

    letter.refresh_from_db()
    assert run.sent == 1
    assert letter.status == LetterStatus.SENT
    assert letter.attempts == 2
    assert len(smtp_server.messages) == 1


def test_a_run_before_the_backoff_has_passed_sends_nothing(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.refuse("451 4.3.0 Try again later")
    letter = refusal_letter(django_capture_on_commit_callbacks)

    run = services.outbox_send(now=letter.next_attempt_at - datetime.timedelta(seconds=1))

    letter.refresh_from_db()
    assert run.sent == 0
    assert letter.status == LetterStatus.QUEUED
    assert smtp_server.messages == []


def test_a_permanent_refusal_marks_the_letter_failed_without_retrying(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.refuse("550 5.1.1 Mailbox unavailable")

    letter = refusal_letter(django_capture_on_commit_callbacks)

    assert letter.status == LetterStatus.FAILED
    assert letter.last_error == "SMTPDataError: 550"
    assert services.outbox_send(now=timezone.now() + datetime.timedelta(days=1)).sent == 0


def test_the_last_allowed_attempt_that_fails_marks_the_letter_failed(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    letter = LetterFactory(attempts=2)
    smtp_server.refuse("451 4.3.0 Try again later")

    services.outbox_send()

    letter.refresh_from_db()
    assert (letter.attempts, letter.status) == (3, LetterStatus.FAILED)


def test_a_failed_attempt_below_the_limit_is_retried(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    letter = LetterFactory(attempts=1)
    smtp_server.refuse("451 4.3.0 Try again later")

    services.outbox_send()

    letter.refresh_from_db()
    assert (letter.attempts, letter.status) == (2, LetterStatus.QUEUED)


def test_with_the_server_down_the_request_action_succeeds_and_the_letter_waits(
    smtp_server_down, django_capture_on_commit_callbacks
):
    letter = refusal_letter(django_capture_on_commit_callbacks)

    assert Letter.objects.filter(pk=letter.pk).exists()
    assert letter.status == LetterStatus.QUEUED
    assert letter.last_error == "ConnectionRefusedError"
    assert letter.next_attempt_at is not None


def test_a_letter_queued_while_the_server_was_down_goes_out_when_it_is_back(
    smtp_server_down, django_capture_on_commit_callbacks, settings
):
    letter = refusal_letter(django_capture_on_commit_callbacks)
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        point_mailer_at(settings, port)
        services.outbox_send(now=letter.next_attempt_at)
    finally:
        controller.stop()

    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert [m["Message-ID"] for m in mailbox.messages] == [letter.message_id]


class Crash(Exception):
    pass


def crash_after_the_hand_over(monkeypatch):
    def crash(letter_pk):
        raise Crash("the process died after the server accepted the message")

    monkeypatch.setattr(outbox, "_record_sent", crash)


def test_a_crash_between_send_and_record_leaves_the_letter_marked_as_being_sent(smtp_server, monkeypatch):
    letter = LetterFactory()
    crash_after_the_hand_over(monkeypatch)

    with pytest.raises(Crash):
        services.outbox_send()

    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENDING
    assert len(smtp_server.messages) == 1


def test_a_letter_crashed_mid_send_is_not_sent_again_by_the_next_runs(smtp_server, monkeypatch, settings):
    letter = LetterFactory()
    crash_after_the_hand_over(monkeypatch)
    with pytest.raises(Crash):
        services.outbox_send()
    monkeypatch.undo()
    timeout = datetime.timedelta(minutes=settings.OUTBOX_SENDING_TIMEOUT_MINUTES)

    within = services.outbox_send(now=timezone.now() + timeout - datetime.timedelta(minutes=1))
    letter.refresh_from_db()
    assert (within.sent, letter.status) == (0, LetterStatus.SENDING)

    after = services.outbox_send(now=timezone.now() + timeout + datetime.timedelta(minutes=1))
    letter.refresh_from_db()
    assert (after.sent, after.uncertain, letter.status) == (0, 1, LetterStatus.UNCERTAIN)
    assert len(smtp_server.messages) == 1


def test_the_officer_can_send_a_letter_of_unknown_outcome_again_with_the_same_message_id(
    smtp_server, monkeypatch, settings, django_capture_on_commit_callbacks
):
    letter = LetterFactory()
    crash_after_the_hand_over(monkeypatch)
    with pytest.raises(Crash):
        services.outbox_send()
    monkeypatch.undo()
    services.outbox_mark_uncertain(now=timezone.now() + datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        services.letter_send_again(letter=Letter.objects.get(pk=letter.pk))

    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert [m["Message-ID"] for m in smtp_server.messages] == [letter.message_id, letter.message_id]


def test_a_sent_letter_cannot_be_sent_again(smtp_server, django_capture_on_commit_callbacks):
    letter = refusal_letter(django_capture_on_commit_callbacks)

    with pytest.raises(Exception, match="only a failed letter"):
        services.letter_send_again(letter=letter)
    assert len(smtp_server.messages) == 1


def test_send_outbox_sends_what_is_queued_and_reports_the_counts(smtp_server):
    LetterFactory.create_batch(3)
    out = StringIO()

    call_command("send_outbox", "--batch-size", "2", stdout=out)

    assert out.getvalue().strip() == "sent 3, waiting for a retry 0, failed 0, outcome unknown 0"
    assert len(smtp_server.messages) == 3
    assert not Letter.objects.exclude(status=LetterStatus.SENT).exists()


def test_send_outbox_refuses_a_batch_size_of_zero(smtp_server):
    with pytest.raises(Exception, match="at least 1"):
        call_command("send_outbox", "--batch-size", "0")


def test_an_erasure_confirmation_keeps_only_its_proof_once_delivered(smtp_server, django_capture_on_commit_callbacks):
    contact = ContactFactory(email="poistettava@example.fi")
    request = VerifiedRequestFactory(
        request_type=RequestType.ERASURE, requester_email="poistettava@example.fi", contacts=[contact]
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.subject_erase(request=request, by=None)

    [message] = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == "poistettava@example.fi"
    assert message["Subject"] == "Tietojesi poistaminen – Caracom Group Oy"
    letter = Letter.objects.get(request=request)
    assert (letter.kind, letter.status) == (LetterKind.ERASURE, LetterStatus.SENT)
    assert (letter.to_address, letter.to_name, letter.body_html, bytes(letter.pdf)) == ("", "", "", b"")
    assert letter.to_masked == "p***@e***.fi"
    assert letter.to_digest == address_digest("poistettava@example.fi")
    assert letter.pdf_sha256 and letter.message_id and letter.minimised_at
