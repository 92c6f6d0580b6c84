import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.roles import PRIVACY_OFFICER
from accounts.tests.factories import UserFactory
from privacy.models import NoticeStatus, PrivacyNoticeVersion
from privacy.services import notice_current, notice_draft_from, notice_history, notice_publish

pytestmark = pytest.mark.django_db


def _snapshot(version):
    version = PrivacyNoticeVersion.objects.get(pk=version.pk)
    return (
        model_to_dict(version),
        [model_to_dict(p) for p in version.purposes.all()],
        [model_to_dict(c) for c in version.data_categories.all()],
        [model_to_dict(s) for s in version.sources.all()],
        [model_to_dict(r) for r in version.recipients.all()],
    )


def _draft_with_summary(version):
    draft = notice_draft_from(version=version)
    draft.change_summary_fi = "Uusi käsittelijä."
    draft.change_summary_en = "A new processor."
    draft.save()
    return draft


def test_version_1_from_the_migration_is_the_notice_in_force(version_1):
    assert notice_current() == version_1
    assert version_1.is_published
    assert version_1.effective_on == datetime.date(2026, 1, 1)


def test_no_notice_is_in_force_before_version_1_takes_effect(version_1):
    assert notice_current(on=datetime.date(2025, 12, 31)) is None
    assert notice_current(on=datetime.date(2026, 1, 1)) == version_1


def test_draft_from_a_version_copies_its_facts_and_lists_under_the_next_number(version_1):
    draft = notice_draft_from(version=version_1)

    assert draft.number == 2
    assert draft.status == NoticeStatus.DRAFT
    assert draft.effective_on is None
    assert draft.controller_name == "Caracom Group Oy"
    assert draft.retention_months_after_relationship == 24
    assert list(draft.purposes.values_list("code", "legal_basis", "can_be_refused")) == list(
        version_1.purposes.values_list("code", "legal_basis", "can_be_refused")
    )
    assert list(draft.recipients.values_list("name", flat=True)) == ["Ficolo Oy"]
    assert draft.sources.count() == 3
    assert draft.data_categories.count() == 1


def test_publishing_makes_a_new_version_and_never_changes_the_old_one(version_1):
    before = _snapshot(version_1)
    draft = _draft_with_summary(version_1)
    draft.contact_email = "tietosuoja@caracom.fi"
    draft.save()
    purpose = draft.purposes.get(code="ad_targeting")
    purpose.delete()

    notice_publish(version=draft, effective_on=timezone.localdate(), user=UserFactory(roles=[PRIVACY_OFFICER]))

    assert _snapshot(version_1) == before
    assert notice_current().number == 2
    assert notice_current().contact_email == "tietosuoja@caracom.fi"
    assert not notice_current().purposes.filter(code="ad_targeting").exists()
    assert version_1.purposes.filter(code="ad_targeting").exists()
    assert [v.number for v in notice_history()] == [2, 1]


def test_publishing_records_who_published_and_when(version_1):
    officer = UserFactory(roles=[PRIVACY_OFFICER])
    draft = _draft_with_summary(version_1)

    published = notice_publish(version=draft, effective_on=timezone.localdate(), user=officer)

    assert published.published_by == officer
    assert published.published_at is not None
    assert published.status == NoticeStatus.PUBLISHED


def test_a_version_published_for_tomorrow_is_not_yet_in_force(version_1):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    draft = _draft_with_summary(version_1)

    notice_publish(version=draft, effective_on=tomorrow, user=UserFactory(roles=[PRIVACY_OFFICER]))

    assert notice_current() == version_1
    assert notice_current(on=tomorrow) == draft


def test_publishing_refuses_an_effective_date_in_the_past(version_1):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    draft = _draft_with_summary(version_1)

    with pytest.raises(ValidationError, match="in the past"):
        notice_publish(version=draft, effective_on=yesterday, user=UserFactory(roles=[PRIVACY_OFFICER]))

    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT
    assert draft.effective_on is None


def test_publishing_refuses_a_date_before_the_latest_published_version(version_1):
    officer = UserFactory(roles=[PRIVACY_OFFICER])
    later = timezone.localdate() + datetime.timedelta(days=10)
    notice_publish(version=_draft_with_summary(version_1), effective_on=later, user=officer)
    draft = _draft_with_summary(version_1)

    with pytest.raises(ValidationError, match="versions take effect in order"):
        notice_publish(version=draft, effective_on=later - datetime.timedelta(days=1), user=officer)
    notice_publish(version=draft, effective_on=later, user=officer)
    assert notice_current(on=later) == draft


def test_publishing_a_later_version_requires_saying_what_changed(version_1):
    draft = notice_draft_from(version=version_1)

    with pytest.raises(ValidationError) as excinfo:
        notice_publish(version=draft, effective_on=timezone.localdate(), user=UserFactory(roles=[PRIVACY_OFFICER]))

    assert set(excinfo.value.message_dict) == {"change_summary_fi", "change_summary_en"}
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT


def test_publishing_refuses_a_version_without_purposes(version_1):
    draft = _draft_with_summary(version_1)
    for purpose in draft.purposes.all():
        purpose.delete()

    with pytest.raises(ValidationError, match="purposes"):
        notice_publish(version=draft, effective_on=timezone.localdate(), user=UserFactory(roles=[PRIVACY_OFFICER]))


def test_publishing_an_already_published_version_is_refused(version_1):
    with pytest.raises(ValidationError, match="already published"):
        notice_publish(version=version_1, effective_on=timezone.localdate(), user=UserFactory(roles=[PRIVACY_OFFICER]))
