"""Business rules of the privacy notice: which version is in force, publishing, new drafts, the retention
purge (§ 9-10), and data subject requests (§ 11-12)."""

import datetime
import io
import itertools
import json
import logging
import zipfile
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from caracom_register.queries import keys_in
from caracom_register.spreadsheet import SafeCsvWriter
from customers.models import Company, Contact, active_customer_q
from customers.validators import phone_search_variant
from privacy import retention
from privacy.models import (
    ERASED,
    NOTICE_PART_MODELS,
    OPEN_REQUEST_STATUSES,
    VERIFIED_REQUEST_STATUSES,
    Consent,
    ConsentMethod,
    ConsentState,
    DataSubjectRequest,
    NoticeDataCategory,
    NoticePurpose,
    NoticeSource,
    NoticeStatus,
    PrivacyNoticeVersion,
    ProcessingRestriction,
    PurgeRun,
    RefusalArticle,
    RequestStatus,
    RequestType,
    ResponseLanguage,
    VerificationMethod,
)
from privacy.request_context import handling_request


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
    from audit import services as audit_services

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
        # The type only, as in the run's record: a database error's message can quote personal data.
        logger.error("purge_expired failed (run %s): %s", run.pk, type(exc).__name__)
        raise
    run.outcome = PurgeRun.Outcome.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return run


# --- Data subject requests (privacy notice § 11-12, GDPR Art. 12-22) ---------------------------------------

ANSWER_WITHIN_MONTHS = 1
# Art. 12(3): one month, extendable "by two further months" when necessary.
LONGEST_EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7


def request_due_on(received_on: datetime.date) -> datetime.date:
    """One calendar month after receipt, clamped to the month's end: 31 January is due 28 (or 29) February."""
    return received_on + relativedelta(months=ANSWER_WITHIN_MONTHS)


def request_latest_due_on(received_on: datetime.date) -> datetime.date:
    return received_on + relativedelta(months=ANSWER_WITHIN_MONTHS + LONGEST_EXTENSION_MONTHS)


def _label(choices, value):
    return str(dict(choices.choices).get(value, value))


def _fresh(request: DataSubjectRequest) -> DataSubjectRequest:
    # Lock the row: two officers acting on one request must not both pass the status checks.
    return DataSubjectRequest.objects.select_for_update().get(pk=request.pk)


def _require_open(request, action):
    if request.status not in OPEN_REQUEST_STATUSES:
        raise ValidationError(
            _("Request #%(id)s is already %(status)s; it cannot be %(action)s.")
            % {"id": request.pk, "status": request.get_status_display().lower(), "action": action}
        )


def _require_verified(request, action):
    if request.status not in VERIFIED_REQUEST_STATUSES:
        if request.status == RequestStatus.RECEIVED:
            raise ValidationError(
                _(
                    "Request #%(id)s: the requester's identity has not been verified. Verify it before you "
                    "%(action)s; nothing was done."
                )
                % {"id": request.pk, "action": action}
            )
        raise ValidationError(
            _("Request #%(id)s is %(status)s; you cannot %(action)s for it any more.")
            % {"id": request.pk, "status": request.get_status_display().lower(), "action": action}
        )


def _require_type(request, types, action):
    if request.request_type not in types:
        raise ValidationError(
            _("Request #%(id)s is a request for %(type)s; to %(action)s it must be one for %(wanted)s.")
            % {
                "id": request.pk,
                "type": request.get_request_type_display(),
                "action": action,
                "wanted": ", ".join(_label(RequestType, t) for t in types),
            }
        )


def _require_matched(request, contact):
    if not request.matched_contacts.filter(pk=contact.pk).exists():
        raise ValidationError(
            _("Contact #%(contact)s is not matched to request #%(id)s; match it to the request first.")
            % {"contact": contact.pk, "id": request.pk}
        )


def _start(request):
    """The first action on a verified request puts it in progress."""
    if request.status == RequestStatus.VERIFIED:
        request.status = RequestStatus.IN_PROGRESS
        request.save(update_fields=["status", "updated_at"])


def _not_in_future(day, field_name, label):
    if day and day > timezone.localdate():
        raise ValidationError(
            {field_name: _("%(label)s %(date)s is in the future.") % {"label": label, "date": day.isoformat()}}
        )


def _valid_email(value, field_name="email"):
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            {field_name: _("“%(value)s” is not a valid email address.") % {"value": value[:254]}}
        ) from None
    return value


REQUEST_INTAKE_FIELDS = (
    "request_type",
    "channel",
    "received_on",
    "requester_name",
    "requester_email",
    "requester_contact",
    "description",
    "response_language",
)


@transaction.atomic
def request_register(
    *,
    request_type,
    channel,
    received_on: datetime.date,
    requester_name,
    requester_email="",
    requester_contact="",
    description="",
    response_language=ResponseLanguage.FI,
    matched_contacts=(),
) -> DataSubjectRequest:
    """Log a request as it arrived; the deadline starts from the day it was received."""
    request = DataSubjectRequest(
        request_type=request_type,
        channel=channel,
        received_on=received_on,
        requester_name=(requester_name or "").strip(),
        requester_email=(requester_email or "").strip().lower(),
        requester_contact=(requester_contact or "").strip(),
        description=(description or "").strip(),
        response_language=response_language,
    )
    request_check_intake(request=request)
    request.due_on = request_due_on(received_on)
    request.full_clean()
    request.save()
    if matched_contacts:
        request.matched_contacts.set(matched_contacts)
    return request


def request_check_intake(*, request: DataSubjectRequest) -> None:
    """The intake rules the model cannot express (also run by the admin form before saving)."""
    if not isinstance(request.received_on, datetime.date):
        raise ValidationError({"received_on": _("Give the day the request was received (YYYY-MM-DD).")})
    _not_in_future(request.received_on, "received_on", _("The receipt date"))
    if not request.requester_name or request.requester_name == ERASED:
        raise ValidationError({"requester_name": _("Give the requester's name as it appears in the request.")})
    if request.requester_email:
        request.requester_email = _valid_email(request.requester_email, "requester_email")


@transaction.atomic
def request_update(*, request: DataSubjectRequest, **data) -> DataSubjectRequest:
    """Correct the intake details of an open request; a new receipt date moves an unextended deadline."""
    unknown = sorted(set(data) - set(REQUEST_INTAKE_FIELDS))
    if unknown:
        raise TypeError(f"DataSubjectRequest has no editable intake field(s): {', '.join(unknown)}")
    request = _fresh(request)
    _require_open(request, _("changed"))
    if request.extension_reason and "received_on" in data and data["received_on"] != request.received_on:
        # The extended deadline and the day the subject was told were worked out from this date (Art. 12(3)).
        raise ValidationError(
            {
                "received_on": _(
                    "The deadline of request #%(id)s has been extended, so its receipt date (%(date)s) can no longer "
                    "change."
                )
                % {"id": request.pk, "date": request.received_on.isoformat()}
            }
        )
    for name, value in data.items():
        setattr(request, name, value.strip() if isinstance(value, str) and name != "request_type" else value)
    request.requester_email = (request.requester_email or "").lower()
    request_check_intake(request=request)
    if not request.extension_reason:
        request.due_on = request_due_on(request.received_on)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_match(*, request: DataSubjectRequest, contacts) -> DataSubjectRequest:
    """Set which contacts of the register are the requester (an empty list is a valid answer)."""
    request = _fresh(request)
    _require_open(request, _("matched"))
    request.matched_contacts.set(contacts)
    return request


@transaction.atomic
def request_match_add(*, request: DataSubjectRequest, contacts) -> DataSubjectRequest:
    """Add contacts found by a subject lookup to those already matched to the request."""
    request = _fresh(request)
    _require_open(request, _("matched"))
    request.matched_contacts.add(*contacts)
    return request


@transaction.atomic
def request_verify_identity(*, request: DataSubjectRequest, method, by, note="") -> DataSubjectRequest:
    """Record how the requester proved who they are; nothing is disclosed or erased before this."""
    request = _fresh(request)
    if request.status != RequestStatus.RECEIVED:
        raise ValidationError(
            _("Request #%(id)s is %(status)s; identity is verified once, on a received request.")
            % {"id": request.pk, "status": request.get_status_display().lower()}
        )
    if method not in VerificationMethod.values:
        raise ValidationError(
            {"verification_method": _("Choose how the identity was verified (e.g. identity document seen in person).")}
        )
    note = (note or "").strip()
    if method == VerificationMethod.OTHER and not note:
        raise ValidationError({"verification_note": _("Say in the note how the identity was verified.")})
    request.verification_method = method
    request.verification_note = note
    request.verified_by = by
    request.verified_at = timezone.now()
    request.status = RequestStatus.VERIFIED
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_extend(
    *, request: DataSubjectRequest, due_on: datetime.date, reason, subject_told_on: datetime.date
) -> DataSubjectRequest:
    """Art. 12(3): extend by at most two more months, with a reason the subject was told within the first month."""
    request = _fresh(request)
    _require_open(request, _("extended"))
    original = request_due_on(request.received_on)
    latest = request_latest_due_on(request.received_on)
    errors = {}
    if not isinstance(due_on, datetime.date) or due_on <= original:
        errors["due_on"] = _("The new due date must be after the original one (%(date)s).") % {
            "date": original.isoformat()
        }
    elif due_on > latest:
        errors["due_on"] = _(
            "%(date)s is too late: the deadline can be extended by at most two months, to %(latest)s "
            "(three months after receipt, GDPR Art. 12(3))."
        ) % {"date": due_on.isoformat(), "latest": latest.isoformat()}
    if not (reason or "").strip():
        errors["extension_reason"] = _("Give the reason for the extension; the subject must be told why.")
    if not isinstance(subject_told_on, datetime.date):
        errors["extension_told_on"] = _("Give the day the subject was told of the extension.")
    elif subject_told_on < request.received_on or subject_told_on > original:
        errors["extension_told_on"] = _(
            "The subject must be told within the first month, between %(start)s and %(end)s."
        ) % {"start": request.received_on.isoformat(), "end": original.isoformat()}
    elif subject_told_on > timezone.localdate():
        errors["extension_told_on"] = _("%(date)s is in the future.") % {"date": subject_told_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    request.due_on = due_on
    request.extension_reason = reason.strip()
    request.extension_told_on = subject_told_on
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_refuse(*, request: DataSubjectRequest, article, ground, by) -> DataSubjectRequest:
    """Decline on a legal ground; the answer names it and the right to complain to the Ombudsman."""
    request = _fresh(request)
    _require_open(request, _("refused"))
    errors = {}
    if article not in RefusalArticle.values:
        errors["refusal_article"] = _("Choose the GDPR article the refusal rests on.")
    if not (ground or "").strip():
        errors["refusal_ground"] = _("A refusal needs its legal ground: explain why the request is declined.")
    if errors:
        raise ValidationError(errors)
    notice = notice_current()
    authority = (
        f"{notice.supervisory_authority_en} ({notice.supervisory_authority_url})"
        if notice
        else "Office of the Data Protection Ombudsman (https://tietosuoja.fi/)"
    )
    request.refusal_article = article
    request.refusal_ground = ground.strip()
    request.status = RequestStatus.REFUSED
    request.outcome = _(
        "Refused under %(article)s. The subject was told the ground and that they may lodge a complaint with "
        "%(authority)s."
    ) % {"article": _label(RefusalArticle, article), "authority": authority}
    request.closed_by = by
    request.closed_at = timezone.now()
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_complete(*, request: DataSubjectRequest, outcome, by) -> DataSubjectRequest:
    """Close a verified request, saying what was done (never personal data)."""
    request = _fresh(request)
    _require_verified(request, _("complete the request"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say what was done (and what was kept) before completing the request.")})
    request.outcome = outcome.strip()
    request.status = RequestStatus.COMPLETED
    request.closed_by = by
    request.closed_at = timezone.now()
    request.full_clean()
    request.save()
    return request


@dataclass
class SubjectLookupResult:
    contacts: list
    requests: list


def subject_lookup(*, email="", name="", phone="") -> SubjectLookupResult:
    """Every contact (with its company) and past request matching any of the terms; logged as access.

    Email and name ignore case; a phone number matches however it is written (045 639 3329 or +358456393329).
    """
    email, name, phone = (email or "").strip(), (name or "").strip(), (phone or "").strip()
    if not (email or name or phone):
        raise ValidationError(_("Give an email address, a name or a phone number to look for."))
    contact_q, request_q = Q(pk__in=[]), Q(pk__in=[])
    if email:
        email = _valid_email(email)
        contact_q |= Q(email__iexact=email)
        request_q |= Q(requester_email__iexact=email)
    if name:
        words = name.split()
        name_q = Q()
        for word in words:
            name_q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        contact_q |= name_q
        request_q |= Q(requester_name__icontains=name)
    if phone:
        variant = phone_search_variant(phone)
        if variant is None:
            raise ValidationError(
                {
                    "phone": _("“%(value)s” is not a phone number; give it as +358 45 639 3329 or 045 639 3329.")
                    % {"value": phone[:50]}
                }
            )
        contact_q |= Q(phone=variant)
        request_q |= Q(requester_contact__contains=variant)
    contacts = list(Contact.objects.filter(contact_q).select_related("company").order_by("last_name", "pk"))
    for contact in contacts:
        access_record_contact(contact)
    requests = list(
        DataSubjectRequest.objects.filter(request_q | Q(matched_contacts__in=[c.pk for c in contacts]))
        .distinct()
        .order_by("-received_on", "-pk")
    )
    return SubjectLookupResult(contacts=contacts, requests=requests)


def access_record_contact(contact):
    from audit.services import access_record

    access_record(instance=contact)


# --- the export (Art. 15 access, Art. 20 portability) ---

EXPORT_FORMAT = "caracom-subject-export/1"
CSV_EXTRA_COLUMNS = ("source", "legal_basis", "ended_on", "legal_hold_until", "consents", "restricted")


@dataclass
class SubjectExport:
    content: bytes
    filename: str
    contact_count: int
    data: dict = field(repr=False, default_factory=dict)


def _contact_record(contact, notice, language):
    from audit.services import entries_about

    company = contact.company
    restriction = next((r for r in contact.restrictions.all() if r.is_active), None)
    source = notice.sources.filter(code=contact.source).first() if notice else None
    history = entries_about(model=Contact, pks=[contact.pk]).order_by("timestamp", "pk")
    return {
        "id": contact.pk,
        "personal_data": contact.personal_data(),
        "company": {"id": company.pk, "business_id": company.business_id, "country": company.country}
        | company.personal_data(),
        "source": contact.source,
        "source_description": source.localized("title", language) if source else contact.get_source_display(),
        "legal_basis": contact.legal_basis,
        "ended_on": contact.ended_on,
        "legal_hold_until": contact.legal_hold_until,
        "legal_hold_reason": contact.legal_hold_reason,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "consents": [
            {
                "purpose": c.purpose,
                "state": c.state,
                "decided_on": c.decided_on,
                "method": c.method,
                "request": c.request_id,
            }
            for c in contact.consents.all()
        ],
        "restriction": {
            "restricted": restriction is not None,
            "since": restriction.restricted_at if restriction else None,
            "reason": restriction.reason if restriction else "",
        },
        "audit_history": [
            {
                "timestamp": entry.timestamp,
                "action": entry.get_action_display(),
                "changes": entry.changes if isinstance(entry.changes, dict) else {},
                "request": (entry.additional_data or {}).get("data_subject_request")
                if isinstance(entry.additional_data, dict)
                else None,
            }
            for entry in history
        ],
    }


def _export_csv(records):
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(
        ["contact_id", "company_name", "company_business_id", *Contact.PERSONAL_DATA_FIELDS, *CSV_EXTRA_COLUMNS]
    )
    for record in records:
        consents = "; ".join(f"{c['purpose']}={c['state']}" for c in record["consents"])
        writer.writerow(
            [
                record["id"],
                record["company"]["name"],
                record["company"]["business_id"],
                *(record["personal_data"][name] for name in Contact.PERSONAL_DATA_FIELDS),
                record["source"],
                record["legal_basis"],
                record["ended_on"].isoformat() if record["ended_on"] else "",
                record["legal_hold_until"].isoformat() if record["legal_hold_until"] else "",
                consents,
                "yes" if record["restriction"]["restricted"] else "no",
            ]
        )
    return out.getvalue()


@transaction.atomic
def subject_export(*, email, request: DataSubjectRequest | None = None, language=None) -> SubjectExport:
    """The ZIP a data subject receives: data.json, data.csv and a cover letter (response.html).

    With a request, the request must be verified and exactly its matched contacts are included; without one
    (the shell), the contacts with this email. Every contact disclosed is logged as access (with the request's
    id). Nothing matched, or an email nobody has, gets a "no data held" answer.
    """
    email = _valid_email(email)
    if request is not None:
        request = _fresh(request)
        _require_verified(request, _("export the data"))
        language = request.response_language
    language = language or ResponseLanguage.FI
    if language not in ResponseLanguage.values:
        raise ValidationError(
            {"language": _("“%(value)s” is not a response language (fi or en).") % {"value": language}}
        )
    if request is not None:
        # Only what the officer matched to this verified request: an email typed on the form may be shared
        # (info@...) or mistyped, and must never pull another person's records into the answer.
        contacts = Contact.objects.filter(pk__in=request.matched_contacts.values("pk"))
    else:
        contacts = Contact.objects.filter(email__iexact=email)
    contacts = list(
        contacts.distinct().select_related("company").prefetch_related("consents", "restrictions").order_by("pk")
    )
    notice = notice_current()
    with handling_request(request):
        for contact in contacts:
            access_record_contact(contact)
        if request is not None:
            _start(request)
    records = [_contact_record(contact, notice, language) for contact in contacts]
    same_person = Q(matched_contacts__in=[c.pk for c in contacts])
    if request is not None:
        same_person |= Q(pk=request.pk)
    else:
        same_person |= Q(requester_email__iexact=email)
    past_requests = DataSubjectRequest.objects.filter(same_person).distinct().order_by("received_on", "pk")
    data = {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "controller": notice.controller_name if notice else "",
        "email": email,
        "request": {"id": request.pk, "type": request.request_type, "received_on": request.received_on}
        if request
        else None,
        "data_held": bool(records),
        "contacts": records,
        "requests": [
            {
                "id": r.pk,
                "type": r.request_type,
                "received_on": r.received_on,
                "status": r.status,
                "due_on": r.due_on,
                "closed_at": r.closed_at,
            }
            for r in past_requests
        ],
    }
    sources = []
    for record in records:
        if record["source_description"] not in sources:
            sources.append(record["source_description"])
    letter = render_to_string(
        f"privacy/subject_response_{language}.html",
        {
            "notice": notice,
            "language": language,
            "email": email,
            "request": request,
            "records": records,
            "sources": sources,
            "today": timezone.localdate(),
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archive.writestr("data.csv", _export_csv(records))
        archive.writestr("response.html", letter)
    stamp = timezone.localdate().isoformat()
    filename = f"subject-export-request-{request.pk}-{stamp}.zip" if request else f"subject-export-{stamp}.zip"
    return SubjectExport(content=buffer.getvalue(), filename=filename, contact_count=len(records), data=data)


# --- rectification, erasure, restriction ---


@transaction.atomic
def contact_rectify(*, request: DataSubjectRequest, contact: Contact, **data) -> Contact:
    """Art. 16: correct a contact for a verified rectification request; the audit entry names the request."""
    from customers.services import contact_update

    request = _fresh(request)
    _require_verified(request, _("rectify the data"))
    _require_type(request, (RequestType.RECTIFICATION,), _("rectify a contact"))
    _require_matched(request, contact)
    with handling_request(request):
        contact = contact_update(contact=contact, rectification_request=request, **data)
        _start(request)
    return contact


@dataclass
class ErasureOutcome:
    erased: list
    kept: list  # (contact id, until, reason)
    audit_entries_redacted: int
    summary: str


def _hold_of(contact, today):
    """The later of the contact's and its company's active legal holds, as (until, reason), or None."""
    holds = [
        (owner.legal_hold_until, owner.legal_hold_reason)
        for owner in (contact, contact.company)
        if owner.legal_hold_until and owner.legal_hold_until >= today
    ]
    return max(holds, key=lambda hold: hold[0]) if holds else None


def _anonymize_requests(pks):
    from audit.services import redact_entries_for

    for request in DataSubjectRequest.objects.filter(pk__in=pks):
        request.requester_name = ERASED
        request.requester_email = ""
        request.requester_contact = ""
        request.description = ""
        request.verification_note = ""
        request.save()
    # Last: the entries just written (and the older m2m entries naming the contacts) hold the values too.
    return redact_entries_for(model=DataSubjectRequest, pks=list(pks))


@transaction.atomic
def subject_erase(*, request: DataSubjectRequest, by) -> ErasureOutcome:
    """Art. 17: erase the matched contacts and redact the trail about them, in one transaction.

    Contacts under a legal hold (their own or their company's) are kept and the outcome says why and until when.
    When everything was erased, the request keeps only the proof of handling: type, dates, who verified and
    closed it, and what was done.
    """
    from audit.services import erase_objects

    request = _fresh(request)
    _require_verified(request, _("erase the data"))
    _require_type(request, (RequestType.ERASURE,), _("erase data"))
    today = timezone.localdate()
    contacts = list(request.matched_contacts.select_related("company").order_by("pk"))
    kept, erase = [], []
    for contact in contacts:
        hold = _hold_of(contact, today)
        if hold:
            kept.append((contact.pk, hold[0], hold[1]))
        else:
            erase.append(contact.pk)
    linked = set()
    if erase:
        linked = set(
            DataSubjectRequest.objects.filter(matched_contacts__in=erase)
            .exclude(pk=request.pk)
            .values_list("pk", flat=True)
        )
    with handling_request(request):
        redacted = erase_objects(model=Contact, pks=erase)
    lines = []
    if erase:
        lines.append(
            _("Erased %(count)s contact record(s) (%(ids)s) and redacted %(entries)s audit entries.")
            % {"count": len(erase), "ids": ", ".join(f"#{pk}" for pk in erase), "entries": redacted}
        )
    elif not kept:
        lines.append(_("No data about the requester was held; nothing to erase."))
    for pk, until, reason in kept:
        lines.append(
            _("Kept contact #%(id)s under a legal hold until %(until)s: %(reason)s")
            % {"id": pk, "until": until.isoformat(), "reason": reason}
        )
    if linked:
        lines.append(
            _("Removed the personal details from earlier request(s) %(ids)s.")
            % {"ids": ", ".join(f"#{pk}" for pk in sorted(linked))}
        )
    summary = "\n".join(lines)
    request.status = RequestStatus.COMPLETED
    request.outcome = summary
    request.closed_by = by
    request.closed_at = timezone.now()
    request.save()
    to_anonymize = set(linked)
    if not kept:
        to_anonymize.add(request.pk)
    if to_anonymize:
        redacted += _anonymize_requests(to_anonymize)
    return ErasureOutcome(erased=erase, kept=kept, audit_entries_redacted=redacted, summary=summary)


@transaction.atomic
def contact_restrict(*, request: DataSubjectRequest, contact: Contact, reason) -> ProcessingRestriction:
    """Art. 18: from now on the contact is only stored: staff cannot edit it and no marketing list includes it."""
    request = _fresh(request)
    _require_verified(request, _("restrict processing"))
    _require_type(request, (RequestType.RESTRICTION, RequestType.OBJECTION), _("restrict processing"))
    _require_matched(request, contact)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the restriction (e.g. accuracy contested).")})
    if ProcessingRestriction.objects.filter(contact=contact, lifted_at__isnull=True).exists():
        raise ValidationError(_("Contact #%(id)s is already restricted.") % {"id": contact.pk})
    with handling_request(request):
        restriction = ProcessingRestriction(contact=contact, reason=reason.strip(), request=request)
        restriction.full_clean()
        restriction.save()
        _start(request)
    return restriction


@transaction.atomic
def contact_restriction_lift(
    *, request: DataSubjectRequest, restriction: ProcessingRestriction, subject_informed_on: datetime.date
) -> ProcessingRestriction:
    """Art. 18(3): a restriction is lifted only once the subject has been told, from a verified request about them."""
    request = _fresh(request)
    _require_verified(request, _("lift a restriction"))
    _require_type(request, (RequestType.RESTRICTION, RequestType.OBJECTION), _("lift a restriction"))
    restriction = ProcessingRestriction.objects.select_for_update().get(pk=restriction.pk)
    _require_matched(request, restriction.contact)
    if not restriction.is_active:
        raise ValidationError(_("This restriction was already lifted."))
    if not isinstance(subject_informed_on, datetime.date):
        raise ValidationError(
            {"subject_informed_on": _("Give the day the subject was told the restriction is lifted (Art. 18(3)).")}
        )
    _not_in_future(subject_informed_on, "subject_informed_on", _("The day the subject was told"))
    if subject_informed_on < timezone.localtime(restriction.restricted_at).date():
        raise ValidationError(
            {"subject_informed_on": _("The subject cannot have been told before the restriction began.")}
        )
    with handling_request(request):
        restriction.lifted_at = timezone.now()
        restriction.subject_informed_on = subject_informed_on
        restriction.full_clean()
        restriction.save()
    return restriction


# --- consent and objection (privacy notice § 4: direct marketing and ad targeting can be refused) ---


def refusable_purposes():
    notice = notice_current()
    return list(notice.purposes.filter(can_be_refused=True)) if notice else []


@transaction.atomic
def consent_record(
    *,
    contacts,
    purpose,
    state,
    decided_on: datetime.date,
    method,
    request: DataSubjectRequest | None = None,
    note="",
) -> list:
    """Record a consent, its withdrawal or an objection for a refusable purpose of the notice in force.

    Withdrawing and objecting always succeed, also before the identity is verified: stopping processing
    harms no one, and Art. 21(3) makes an objection to direct marketing absolute. Giving consent on a
    request needs a verified identity.
    """
    codes = [p.code for p in refusable_purposes()]
    errors = {}
    if purpose not in codes:
        errors["purpose"] = _(
            "“%(value)s” is not a purpose of the privacy notice that can be refused; choose one of: %(codes)s."
        ) % {
            "value": purpose,
            "codes": ", ".join(codes) or "-",
        }
    if state not in ConsentState.values:
        errors["state"] = _("Choose whether consent was given, withdrawn or objected to.")
    if method not in ConsentMethod.values:
        errors["method"] = _("Choose how the consent was given or withdrawn.")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = _("Give the day consent was given or withdrawn.")
    if errors:
        raise ValidationError(errors)
    _not_in_future(decided_on, "decided_on", _("The day"))
    contacts = list(contacts)
    if not contacts:
        raise ValidationError(_("No contact to record the consent for: match the request to a contact first."))
    if request is not None:
        request = _fresh(request)
        _require_open(request, _("used to record consent"))
        if state == ConsentState.GIVEN:
            _require_verified(request, _("record a consent"))
        for contact in contacts:
            _require_matched(request, contact)
    saved = []
    with handling_request(request):
        for contact in contacts:
            consent = Consent.objects.filter(contact=contact, purpose=purpose).first() or Consent(
                contact=contact, purpose=purpose
            )
            consent.state = state
            consent.decided_on = decided_on
            consent.method = method
            consent.note = (note or "").strip()
            consent.request = request
            consent.full_clean()
            consent.save()
            saved.append(consent)
        if request is not None:
            _start(request)
    return saved


DIRECT_MARKETING = "direct_marketing"
MARKETING_CSV_COLUMNS = ("email", "first_name", "last_name", "company")


def marketing_audience(*, today: datetime.date | None = None):
    """Contacts who may be sent electronic direct marketing today.

    Current contacts of active customers with an email address, except those who withdrew consent or
    objected, and those whose processing is restricted.
    """
    from privacy.selectors import restricted_exists

    today = today or timezone.localdate()
    refused = Consent.objects.filter(
        purpose=DIRECT_MARKETING, state__in=[ConsentState.WITHDRAWN, ConsentState.OBJECTED]
    ).values("contact_id")
    return (
        Contact.objects.exclude(email="")
        .filter(ended_on__isnull=True)
        .filter(active_customer_q(today, prefix="company__"))
        .exclude(pk__in=refused)
        .exclude(restricted_exists())
        .select_related("company")
        .order_by("company__name", "last_name", "pk")
    )


def marketing_audience_csv(*, today: datetime.date | None = None) -> str:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(MARKETING_CSV_COLUMNS)
    for contact in marketing_audience(today=today).iterator(chunk_size=2000):
        writer.writerow([contact.email, contact.first_name, contact.last_name, contact.company.name])
    return out.getvalue()
