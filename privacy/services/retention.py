"""The retention purge (notice § 9-10): what expired as of a day, and deleting it in batches under one lock."""

import datetime
import itertools
import logging
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import connection, transaction
from django.utils import timezone

from audit import services as audit_services
from audit.models import SecurityEvent
from audit.services import entries_about, purge_expired_entries, retention_cutoff
from caracom_register.queries import keys_in
from customers.models import Company, Contact
from privacy import retention
from privacy.models import (
    DataSubjectRequest,
    PurgeRun,
)
from privacy.services.erasure import _anonymize_requests

logger = logging.getLogger(__name__)


# Any fixed 64-bit number; all hosts running the purge must use the same one.
PURGE_LOCK_KEY = 0x43415241_50555247  # "CARA" "PURG"


# Rows per batch transaction. Each batch has a fixed cost (the rule re-checked, a statement per
# dependant table, a commit); at 5,000 rows a batch of the benchmark's contacts holds its locks for
# ~0.3 s, and the purge ran ~20% faster than at 1,000.
PURGE_BATCH_SIZE = 5000


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


def _candidate_batches(queryset_for, batch_size):
    """The keys the rule selects, `batch_size` at a time, in key order, without holding them all in Python.

    On PostgreSQL the selector runs once, through a server-side cursor (WITH HOLD outside a transaction,
    so it survives the batches' commits): one pass over the table, like the set-based DELETE it is
    measured against. Running it again per batch from the last key walked the contact-company join
    from that key each time (~25 ms a batch, and the whole table for the first batch when the expired
    rows are the newest). Elsewhere (SQLite, which gives a connection's queries no isolation from its
    own writes) each batch asks again from the last key.
    """
    if connection.vendor == "postgresql":
        keys = queryset_for().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=batch_size)
        # A cursor is planned for its first rows (cursor_tuple_fraction = 0.1), but this one is read to
        # the end: the fast-start plan of expired_companies() took 0.4 s instead of 10 ms. The setting
        # matters when the cursor is declared (the first fetch); reset at once (persistent connections).
        with connection.cursor() as cursor:  # audit: read-only SQL (a planner setting, no data)
            cursor.execute("SET cursor_tuple_fraction = 1")
        try:
            batch = list(itertools.islice(keys, batch_size))
        finally:
            with connection.cursor() as cursor:  # audit: read-only SQL (a planner setting, no data)
                cursor.execute("RESET cursor_tuple_fraction")
        while batch:
            yield batch
            batch = list(itertools.islice(keys, batch_size))
        return
    last_pk = 0
    while batch := list(queryset_for().filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size]):
        yield batch
        last_pk = batch[-1]


def _purge_in_batches(run, queryset_for, model, counter, batch_size):

    for candidates in _candidate_batches(queryset_for, batch_size):
        with transaction.atomic():
            # The rule again, over these keys' range (an index range scan): a hold, an open request or a
            # restriction added since the candidates were read keeps the row.
            pks = list(
                queryset_for()
                .filter(pk__gte=candidates[0], pk__lte=candidates[-1])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not pks:
                continue
            # Closed requests about these people keep the proof of handling, not the person (open ones
            # keep their contacts out of the purge altogether).
            requests = (
                list(DataSubjectRequest.objects.filter(keys_in("matched_contacts", pks)).values_list("pk", flat=True))
                if model is Contact
                else []
            )
            run.audit_entries_redacted += audit_services.erase_objects(model=model, pks=pks)
            if requests:
                run.audit_entries_redacted += _anonymize_requests(sorted(set(requests)))
            setattr(run, counter, getattr(run, counter) + len(pks))
            # The run's counts commit with the batch, so they always match what was done.
            run.save(update_fields=[counter, "audit_entries_redacted"])


def retention_purge(*, as_of: datetime.date, dry_run: bool = False, batch_size: int = PURGE_BATCH_SIZE) -> PurgeRun:
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
    if as_of > timezone.localdate() and not dry_run:
        # A future date would delete data still within its retention period; it is for previews only.
        raise ValueError(f"as_of {as_of.isoformat()} is in the future; use it with dry_run only")

    try:
        with _PurgeLock():
            return _retention_purge_locked(as_of=as_of, dry_run=dry_run, batch_size=batch_size)
    except PurgeAlreadyRunning:
        return PurgeRun.objects.create(
            as_of=as_of, dry_run=dry_run, outcome=PurgeRun.Outcome.SKIPPED, finished_at=timezone.now()
        )


def _retention_purge_locked(*, as_of, dry_run, batch_size):

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
        # The type only, as in the run's record: a database error's message can quote personal data.
        logger.error("purge_expired failed (run %s): %s", run.pk, type(exc).__name__)
        raise
    run.outcome = PurgeRun.Outcome.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return run
