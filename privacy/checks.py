"""The notice in force and the settings must promise the same retention (notice § 9 and § 10)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections

from privacy.models import PrivacyNoticeVersion
from privacy.services import notice_current


@register(Tags.database)
def check_notice_retention_matches_settings(app_configs=None, databases=None, **kwargs):
    # Database checks run only when asked for (migrate, `check --database`, the
    # test runner), and `migrate` runs them before the tables exist.

    messages = []
    for alias in databases or ():
        connection = connections[alias]
        try:
            if PrivacyNoticeVersion._meta.db_table not in connection.introspection.table_names():
                continue
            notice = notice_current(using=alias)
        except DatabaseError as exc:
            messages.append(
                Warning(
                    f"Could not read the privacy notice from database '{alias}' to compare its retention "
                    f"with the settings: {exc}",
                    hint="Run `manage.py migrate`, then `manage.py check --database default`.",
                    id="privacy.W002",
                )
            )
            continue
        if notice is None:
            messages.append(
                Warning(
                    f"No privacy notice version is in force in database '{alias}'.",
                    hint="Publish a version in the admin (Privacy notice versions).",
                    id="privacy.W001",
                )
            )
            continue
        if notice.retention_months_after_relationship != settings.RETENTION_MONTHS_AFTER_RELATIONSHIP:
            messages.append(
                Error(
                    f"The privacy notice in force (version {notice.number}) promises "
                    f"{notice.retention_months_after_relationship} months of retention after the customer "
                    f"relationship, but RETENTION_MONTHS_AFTER_RELATIONSHIP is "
                    f"{settings.RETENTION_MONTHS_AFTER_RELATIONSHIP}.",
                    hint="Change the setting or publish a notice version that states the new period; they must agree.",
                    obj=notice,
                    id="privacy.E001",
                )
            )
        if notice.audit_log_retention_days != settings.AUDIT_LOG_RETENTION_DAYS:
            messages.append(
                Error(
                    f"The privacy notice in force (version {notice.number}) keeps audit logs for "
                    f"{notice.audit_log_retention_days} days, but AUDIT_LOG_RETENTION_DAYS is "
                    f"{settings.AUDIT_LOG_RETENTION_DAYS}.",
                    hint="Change the setting or publish a notice version that states the new period; they must agree.",
                    obj=notice,
                    id="privacy.E002",
                )
            )
    return messages
