import pytest
from django.db import connection

from privacy.checks import check_notice_retention_matches_settings
from privacy.services import notice_draft_from
from privacy.tests.factories import PublishedNoticeVersionFactory

pytestmark = pytest.mark.django_db


def _ids(messages):
    return [message.id for message in messages]


def test_check_passes_when_notice_and_settings_agree(version_1, settings):
    settings.RETENTION_MONTHS_AFTER_RELATIONSHIP = 24
    settings.AUDIT_LOG_RETENTION_DAYS = 730

    assert check_notice_retention_matches_settings(databases=["default"]) == []


def test_check_fails_when_retention_months_differ(version_1, settings):
    settings.RETENTION_MONTHS_AFTER_RELATIONSHIP = 12

    messages = check_notice_retention_matches_settings(databases=["default"])

    assert _ids(messages) == ["privacy.E001"]
    assert "24 months" in messages[0].msg
    assert "is 12" in messages[0].msg


def test_check_fails_when_audit_log_days_differ(version_1, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 365

    assert _ids(check_notice_retention_matches_settings(databases=["default"])) == ["privacy.E002"]


def test_check_compares_the_version_in_force_not_a_draft(version_1, settings):
    draft = notice_draft_from(version=version_1)
    draft.retention_months_after_relationship = 12
    draft.save()

    assert check_notice_retention_matches_settings(databases=["default"]) == []


def test_check_follows_a_newly_published_version(version_1, settings):
    PublishedNoticeVersionFactory(retention_months_after_relationship=36)

    assert _ids(check_notice_retention_matches_settings(databases=["default"])) == ["privacy.E001"]
    settings.RETENTION_MONTHS_AFTER_RELATIONSHIP = 36
    assert check_notice_retention_matches_settings(databases=["default"]) == []


def test_check_is_skipped_when_no_database_is_checked(version_1, settings):
    settings.RETENTION_MONTHS_AFTER_RELATIONSHIP = 12

    assert check_notice_retention_matches_settings(databases=None) == []


def test_check_does_not_crash_before_the_tables_exist(version_1, settings, monkeypatch):
    settings.RETENTION_MONTHS_AFTER_RELATIONSHIP = 12
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: [])

    assert check_notice_retention_matches_settings(databases=["default"]) == []


def test_check_runs_through_the_check_command(version_1, settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.AUDIT_LOG_RETENTION_DAYS = 365

    with pytest.raises(SystemCheckError, match=r"privacy\.E002"):
        call_command("check", databases=["default"])


def test_check_warns_when_no_version_is_in_force(version_1, monkeypatch):
    monkeypatch.setattr("privacy.checks.notice_current", lambda **kwargs: None)

    assert _ids(check_notice_retention_matches_settings(databases=["default"])) == ["privacy.W001"]
