"""The daily deadline digest and the § 13 announcements of a significant notice version."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, sign_in_verified
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import Letter, LetterKind, LetterStatus, NoticeStatus
from privacy.tests.factories import (
    DataSubjectRequestFactory,
    LetterFactory,
    ProcessingRestrictionFactory,
    PublishedNoticeVersionFactory,
    VerifiedRequestFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n):
    return TODAY() + datetime.timedelta(days=n)


# --- remind_deadlines ---


def test_no_digest_is_sent_when_nothing_is_due(mailoutbox, django_capture_on_commit_callbacks):
    PrivacyOfficerFactory()
    DataSubjectRequestFactory(due_on=days(8))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_deadlines", stdout=StringIO())
    assert mailoutbox == []
    assert not Letter.objects.exists()


def test_a_request_due_in_seven_days_is_in_the_digest(mailoutbox, django_capture_on_commit_callbacks):
    officer = PrivacyOfficerFactory()
    request = DataSubjectRequestFactory(due_on=days(7))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_deadlines", stdout=StringIO())
    [message] = mailoutbox
    assert message.to == [officer.email]
    assert "Erääntyy 7 päivän kuluessa / Due within 7 days:" in message.body
    assert f"#{request.pk} " in message.body


def test_an_overdue_request_is_listed_as_overdue():
    PrivacyOfficerFactory()
    request = DataSubjectRequestFactory(due_on=days(-1))
    digest = services.deadline_digest()
    assert digest.overdue == [request]
    assert digest.due_soon == []


def test_a_closed_request_is_never_in_the_digest():
    DataSubjectRequestFactory(due_on=days(-1), status="completed")
    assert services.deadline_digest().is_empty


def test_an_extension_without_its_letter_sent_is_listed_until_the_letter_goes_out():
    request = DataSubjectRequestFactory(due_on=days(40), extension_reason="Monta yritystä.")
    assert services.deadline_digest().extensions_not_told == [request]
    LetterFactory(request=request, kind=LetterKind.EXTENSION, status=LetterStatus.SENT)
    assert services.deadline_digest().extensions_not_told == []


def test_each_privacy_officer_gets_one_digest_a_day_and_staff_none(django_capture_on_commit_callbacks):
    officers = PrivacyOfficerFactory.create_batch(2)
    StaffUserFactory()
    DataSubjectRequestFactory(due_on=days(-3))
    assert services.deadlines_remind() == 2
    assert services.deadlines_remind() == 0
    assert sorted(Letter.objects.values_list("to_address", flat=True)) == sorted(o.email for o in officers)


# --- § 13 announcements ---


@pytest.fixture
def significant_version(version_1):
    return PublishedNoticeVersionFactory(
        number=2,
        effective_on=days(0),
        significant_change=True,
        change_summary_fi="Lisäsimme uuden käsittelijän.",
        change_summary_en="We added a new processor.",
    )


def test_an_announcement_goes_to_each_contact_with_an_email_once(significant_version):
    reachable = ContactFactory.create_batch(3)
    ContactFactory(email="")

    assert services.notice_announce(version=significant_version, batch_size=2) == 3
    assert services.notice_announce(version=significant_version) == 0

    letters = Letter.objects.filter(kind=LetterKind.ANNOUNCEMENT)
    assert sorted(letters.values_list("contact_id", flat=True)) == sorted(c.pk for c in reachable)


def test_an_announcement_stopped_half_way_continues_where_it_ended(significant_version):
    ContactFactory.create_batch(5)
    assert services.notice_announce(version=significant_version, batch_size=2, limit=3) == 3
    assert services.notice_announce(version=significant_version, batch_size=2) == 2
    assert Letter.objects.filter(kind=LetterKind.ANNOUNCEMENT).count() == 5


def test_a_restricted_contact_is_not_announced_to(significant_version):
    restricted = ContactFactory()
    ProcessingRestrictionFactory(contact=restricted)
    ContactFactory()
    services.notice_announce(version=significant_version)
    assert not Letter.objects.filter(contact=restricted).exists()


def test_the_counts_say_sent_failed_waiting_and_skipped_without_email(significant_version):
    ContactFactory.create_batch(3)
    ContactFactory(email="")
    services.notice_announce(version=significant_version)
    first, second, _third = Letter.objects.filter(kind=LetterKind.ANNOUNCEMENT).order_by("pk")
    Letter.objects.filter(pk=first.pk).update(status=LetterStatus.SENT)
    Letter.objects.filter(pk=second.pk).update(status=LetterStatus.FAILED)

    counts = services.announcement_counts(version=significant_version)

    assert (counts.sent, counts.failed, counts.queued, counts.skipped_without_email) == (1, 1, 1, 1)
    assert counts.still_to_announce == 0


def test_the_announcement_is_in_finnish_for_a_finnish_company_and_english_otherwise(significant_version):
    finnish = ContactFactory(company=CompanyFactory(country="FI"))
    swedish = ContactFactory(company=CompanyFactory(country="SE"))
    services.notice_announce(version=significant_version)
    assert "Lisäsimme uuden käsittelijän." in Letter.objects.get(contact=finnish).body_html
    assert "We added a new processor." in Letter.objects.get(contact=swedish).body_html


def test_a_version_not_marked_significant_is_not_announced(version_1):
    ContactFactory()
    with pytest.raises(Exception, match="not marked as a significant change"):
        services.notice_announce(version=version_1)
    assert not Letter.objects.exists()


def test_a_draft_is_not_announced():
    draft = PublishedNoticeVersionFactory(status=NoticeStatus.DRAFT, effective_on=None, published_at=None)
    with pytest.raises(Exception, match="only a published version can be announced"):
        services.notice_announce(version=draft)


def test_erasing_a_contact_takes_its_announcement_with_it(significant_version):
    contact = ContactFactory()
    services.notice_announce(version=significant_version)
    request = VerifiedRequestFactory(request_type="erasure", contacts=[contact], requester_email=contact.email)
    services.subject_erase(request=request, by=None)
    assert not Letter.objects.filter(kind=LetterKind.ANNOUNCEMENT).exists()


def test_announce_notice_command_reports_the_counts(significant_version):
    ContactFactory.create_batch(2)
    ContactFactory(email="")
    out = StringIO()
    call_command("announce_notice", "--notice-version", "2", stdout=out)
    assert out.getvalue().strip() == (
        "queued now 2; in all: waiting 2, sent 0, failed 0, skipped without an email address 1"
    )


def test_announce_notice_names_a_missing_version():
    with pytest.raises(CommandError, match="no privacy notice version 9"):
        call_command("announce_notice", "--notice-version", "9")


def test_the_version_page_shows_the_counts_and_the_button_queues_announcements(client, significant_version):
    ContactFactory.create_batch(2)
    sign_in_verified(client, PrivacyOfficerFactory())
    url = f"/admin/privacy/privacynoticeversion/{significant_version.pk}/"

    page = client.get(f"{url}change/").content.decode()
    assert 'id="announcement"' in page
    client.post(f"{url}announce/")

    assert Letter.objects.filter(kind=LetterKind.ANNOUNCEMENT).count() == 2
