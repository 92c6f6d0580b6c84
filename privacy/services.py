"""Business rules of the privacy notice: which version is in force, publishing, new drafts, and the retention
purge (§ 9-10)."""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Company, Contact
from privacy import retention
from privacy.models import (
    NOTICE_PART_MODELS,
    NoticeDataCategory,
    NoticePurpose,
    NoticeSource,
    NoticeStatus,
    PrivacyNoticeVersion,
    PurgeRun,
)


def notice_current(*, on: datetime.date | None = None, using: str = "default") -> PrivacyNoticeVersion | None:
    """The published version in force on the given day (today by default), or None before the first one."""
    on = on or timezone.localdate()
    return (
        PrivacyNoticeVersion.objects.using(using)
        .filter(status=NoticeStatus.PUBLISHED, effective_on__lte=on)
        .order_by("-effective_on", "-number")
        .first()
    )


def notice_history():
    """All published versions, newest first, including ones announced for a future date."""
    return PrivacyNoticeVersion.objects.published().order_by("-effective_on", "-number")


@transaction.atomic
def notice_publish(*, version: PrivacyNoticeVersion, effective_on: datetime.date, user) -> PrivacyNoticeVersion:
    """Publish a draft, in force from effective_on. The draft row becomes the frozen published version."""
    version = PrivacyNoticeVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(
            _("Version %(number)s is already published; create a new draft from it to make a change.")
            % {"number": version.number}
        )
    today = timezone.localdate()
    if effective_on < today:
        raise ValidationError(
            {
                "effective_on": _(
                    "The effective date %(date)s is in the past: a notice cannot take effect retroactively. "
                    "Choose today (%(today)s) or a later day."
                )
                % {"date": effective_on.isoformat(), "today": today.isoformat()}
            }
        )
    latest = PrivacyNoticeVersion.objects.published().order_by("-effective_on").first()
    if latest is not None and effective_on < latest.effective_on:
        raise ValidationError(
            {
                "effective_on": _(
                    "The effective date %(date)s is before version %(number)s takes effect (%(latest)s); "
                    "versions take effect in order."
                )
                % {"date": effective_on.isoformat(), "number": latest.number, "latest": latest.effective_on.isoformat()}
            }
        )
    # The first version has nothing to compare with; every later one says what changed (§ 13).
    missing = [f for f in ("change_summary_fi", "change_summary_en") if not getattr(version, f).strip()]
    if missing and latest is not None:
        raise ValidationError(
            {field: _("Say what changed in this version (shown in the notice's history).") for field in missing}
        )
    required_lists = (NoticePurpose, NoticeDataCategory, NoticeSource)
    empty_lists = [
        model._meta.verbose_name_plural
        for model in required_lists
        if not model.objects.filter(version=version).exists()
    ]
    if empty_lists:
        raise ValidationError(
            _("Version %(number)s has no %(lists)s; a notice must list them before it is published.")
            % {"number": version.number, "lists": ", ".join(str(name) for name in empty_lists)}
        )
    version.full_clean()
    version.status = NoticeStatus.PUBLISHED
    version.effective_on = effective_on
    version.published_at = timezone.now()
    version.published_by = user
    version.save()
    return version


@transaction.atomic
def notice_draft_from(*, version: PrivacyNoticeVersion) -> PrivacyNoticeVersion:
    """A new draft with the next number, copying every fact and list of the given version."""
    # Two officers drafting at once would both pick N+1; the unique number makes the second fail loudly.
    next_number = (PrivacyNoticeVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    parts = {model: list(model.objects.filter(version=version)) for model in NOTICE_PART_MODELS}
    draft = PrivacyNoticeVersion.objects.get(pk=version.pk)
    draft.pk = None
    draft.id = None
    draft.number = next_number
    draft.status = NoticeStatus.DRAFT
    draft.effective_on = None
    draft.published_at = None
    draft.published_by = None
    draft.change_summary_fi = ""
    draft.change_summary_en = ""
    draft._state.adding = True
    draft.full_clean()
    draft.save()
    for rows in parts.values():
        for row in rows:
            row.pk = None
            row.id = None
            row.version = draft
            row._state.adding = True
            row.full_clean()
            row.save()
    return draft


logger = logging.getLogger(__name__)

# Any fixed 64-bit number; all hosts running the purge must use the same one.
PURGE_LOCK_KEY = 0x43415241_50555247  # "CARA" "PURG"


class PurgeAlreadyRunning(Exception):
    pass


@dataclass(frozen=True)
class PurgePlan:
    """What a purge as of a date removes; what `--dry-run` and the review page report."""

    as_of: datetime.date
    contacts: int
    companies: int
    audit_entries_deleted: int
    audit_entries_redacted: int


def audit_as_of(as_of: datetime.date | None) -> datetime.datetime:
    """The moment the audit-log retention (§ 9: two years from creation) is measured from."""
    if as_of is None or as_of == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.min))


def retention_plan(*, as_of: datetime.date) -> PurgePlan:
    from auditlog.models import LogEntry

    from audit.models import SecurityEvent
    from audit.services import entries_about, retention_cutoff

    cutoff = retention_cutoff(as_of=audit_as_of(as_of))
    contacts = retention.expired_contacts(as_of).values("pk")
    companies = retention.expired_companies(as_of).values("pk")
    # Entries old enough to be deleted anyway are not counted as redacted too.
    to_redact = sum(
        entries_about(model=model, pks=pks).filter(timestamp__gte=cutoff).count()
        for model, pks in ((Contact, contacts), (Company, companies))
    )
    return PurgePlan(
        as_of=as_of,
        contacts=retention.expired_contacts(as_of).count(),
        companies=retention.expired_companies(as_of).count(),
        audit_entries_deleted=LogEntry.objects.filter(timestamp__lt=cutoff).count()
        + SecurityEvent.objects.filter(timestamp__lt=cutoff).count(),
        audit_entries_redacted=to_redact,
    )


class _PurgeLock:
    """A PostgreSQL session advisory lock, so cron on several hosts never runs two purges at once."""

    def __enter__(self):
        self.held = False
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:  # audit: read-only SQL (a lock, no data)
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [PURGE_LOCK_KEY])
            self.held = cursor.fetchone()[0]
        if not self.held:
            raise PurgeAlreadyRunning("Another purge_expired is running; this run did nothing.")
        return self

    def __exit__(self, *exc):
        if self.held:
            with connection.cursor() as cursor:  # audit: read-only SQL (a lock, no data)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PURGE_LOCK_KEY])


def _purge_in_batches(run, queryset_for, model, counter, batch_size):
    from audit import services as audit_services

    last_pk = 0
    while True:
        with transaction.atomic():
            pks = list(queryset_for().filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not pks:
                return
            run.audit_entries_redacted += audit_services.erase_objects(model=model, pks=pks)
            setattr(run, counter, getattr(run, counter) + len(pks))
            # The run's counts commit with the batch, so they always match what was done.
            run.save(update_fields=[counter, "audit_entries_redacted"])
        last_pk = pks[-1]


def retention_purge(*, as_of: datetime.date, dry_run: bool = False, batch_size: int = 1000) -> PurgeRun:
    """Remove what the privacy notice says must go as of `as_of`, and record the run.

    Contacts 24 months (RETENTION_MONTHS_AFTER_RELATIONSHIP) after their own end
    or their company's, then companies with nothing left to keep, then audit
    entries older than AUDIT_LOG_RETENTION_DAYS; legal holds keep records. The
    audit entries about what is deleted are redacted, not kept in clear.

    Each batch is one transaction: a run killed half-way leaves finished batches
    done and the unfinished one untouched, and the next run carries on.
    """
    if not isinstance(as_of, datetime.date):
        raise TypeError(f"as_of must be a date, got {as_of!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")

    try:
        with _PurgeLock():
            return _retention_purge_locked(as_of=as_of, dry_run=dry_run, batch_size=batch_size)
    except PurgeAlreadyRunning:
        return PurgeRun.objects.create(
            as_of=as_of, dry_run=dry_run, outcome=PurgeRun.Outcome.SKIPPED, finished_at=timezone.now()
        )


def _retention_purge_locked(*, as_of, dry_run, batch_size):
    from audit.services import purge_expired_entries

    run = PurgeRun.objects.create(as_of=as_of, dry_run=dry_run)
    try:
        if dry_run:
            plan = retention_plan(as_of=as_of)
            run.contacts_deleted = plan.contacts
            run.companies_deleted = plan.companies
            run.audit_entries_deleted = plan.audit_entries_deleted
            run.audit_entries_redacted = plan.audit_entries_redacted
        else:
            _purge_in_batches(run, lambda: retention.expired_contacts(as_of), Contact, "contacts_deleted", batch_size)
            _purge_in_batches(run, lambda: retention.expired_companies(as_of), Company, "companies_deleted", batch_size)
            run.audit_entries_deleted = sum(
                purge_expired_entries(as_of=audit_as_of(as_of), batch_size=batch_size).values()
            )
    except Exception as exc:
        # Only the error's type: messages of database errors can quote personal data.
        run.outcome = PurgeRun.Outcome.FAILED
        run.error = f"{type(exc).__name__} (see the server log)"
        run.finished_at = timezone.now()
        run.save()
        logger.exception("purge_expired failed (run %s)", run.pk)
        raise
    run.outcome = PurgeRun.Outcome.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return run
