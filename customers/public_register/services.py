"""The trade register as a source (privacy notice § 7 and § 10): fetch, compare, accept, and the nightly sync.

Every change to a company goes through `customers.services.company_update`, so it is validated and
audited like any edit: with the signed-in user as actor from the company page, with the service user
`public-register-sync@system.local` from the sync.
"""

import contextlib
import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import system_actor
from caracom_register.locks import advisory_lock
from customers.models import Company, Source
from customers.public_register.client import PublicRegisterClient, PublicRegisterError
from customers.public_register.models import FLAGGED_STATUSES, PublicRegisterCheck, RegisterStatus
from customers.services import company_update
from customers.validators import validate_business_id

SYNC_ACTOR = "public-register-sync"
# Any fixed 64-bit number; every host running the sync uses the same one.
SYNC_LOCK_KEY = 0x43415241_59544A53  # "CARA" "YTJS"
# Companies whose checks commit together.
SYNC_BATCH_SIZE = 25
# The company's fields the register also holds, in the order they are compared and shown.
REGISTER_FIELDS = ("name", "street_address", "postal_code", "city", "country")


@dataclass(frozen=True)
class Difference:
    field: str
    ours: str
    theirs: str

    @property
    def label(self):
        return Company._meta.get_field(self.field).verbose_name


def register_differences(*, company, check) -> list[Difference]:
    """The fields where the register holds a value that differs from the company's; blanks there say nothing."""
    fields = REGISTER_FIELDS
    if check.business_id != company.business_id and check.status != RegisterStatus.NOT_FOUND:
        fields = ("business_id", *fields)
    differences = []
    for name in fields:
        theirs, ours = getattr(check, name) or "", getattr(company, name) or ""
        if theirs and theirs != ours:
            differences.append(Difference(field=name, ours=ours, theirs=theirs))
    return differences


def _check_values(result, now):
    return {
        "business_id": result.business_id,
        "checked_at": now,
        "status": result.status,
        "status_since": result.status_since,
        # The check holds more than the company's fields do, so an over-long value reaches the company's own
        # validation (and is refused there, with a reason) instead of being cut short here.
        "name": result.name[:500],
        "street_address": result.street_address[:500],
        "postal_code": result.postal_code[:50],
        "city": result.city[:200],
        "country": result.country[:2],
    }


@transaction.atomic
def public_register_check_record(*, company, result, now=None) -> PublicRegisterCheck:
    """Store what the register answered about `company` (one row per company, replaced by each check)."""
    check, _created = PublicRegisterCheck.objects.select_for_update().update_or_create(
        company=company, defaults=_check_values(result, now or timezone.now())
    )
    return check


def _business_id_or_error(value, field_name="business_id"):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: _("Type a business ID (e.g. 0112038-9) to fetch from the trade register.")})
    try:
        validate_business_id(value)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from None
    return value


def public_register_fetch(*, company, business_id=None, client=None) -> PublicRegisterCheck:
    """Ask the register about `business_id` (default: the company's own) and store its answer for review.

    Raises ValidationError for a missing or invalid business ID and PublicRegisterError when the register
    gives no answer; either way nothing is stored.
    """
    business_id = _business_id_or_error(business_id or company.business_id)
    result = (client or PublicRegisterClient()).company(business_id)
    return public_register_check_record(company=company, result=result)


@transaction.atomic
def public_register_accept(*, company, fields, fetched_at) -> Company:
    """Save the register's values of `fields` to the company; its source becomes the public register.

    `fetched_at` is the fetch the person reviewed: if the register was asked again since, nothing is saved
    and they review the new answer instead.
    """
    check = PublicRegisterCheck.objects.select_for_update().filter(company=company).first()
    if check is None:
        raise ValidationError(_("Fetch the company's details from the trade register first."))
    if fetched_at is None or check.checked_at != fetched_at:
        raise ValidationError(
            _("The trade register was asked again after you fetched its details; review the new details.")
        )
    fields = list(dict.fromkeys(fields))
    if not fields:
        raise ValidationError(_("Choose at least one detail to accept from the trade register."))
    differences = {d.field: d for d in register_differences(company=company, check=check)}
    unknown = [name for name in fields if name not in differences]
    if unknown:
        raise ValidationError(
            _("The trade register has no different value to accept for: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    data = {name: differences[name].theirs for name in fields}
    company = company_update(company=company, **data, source=Source.PUBLIC_REGISTER)
    check.accepted_fetch_at = check.checked_at
    check.save(update_fields=["accepted_fetch_at"])
    return company


# --- the nightly sync --------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    dry_run: bool = False
    mode: str = "update"
    skipped: bool = False
    checked: int = 0
    unchanged: int = 0
    updated: list = field(default_factory=list)
    proposed: list = field(default_factory=list)
    flagged: list = field(default_factory=list)
    error: str = ""

    def as_dict(self):
        return {
            "dry_run": self.dry_run,
            "mode": self.mode,
            "skipped": self.skipped,
            "checked": self.checked,
            "unchanged": self.unchanged,
            "updated": self.updated,
            "proposed": self.proposed,
            "flagged": self.flagged,
            "error": self.error,
        }


@dataclass(frozen=True)
class SyncOptions:
    check_days: int
    delay: float
    limit: int
    mode: str

    @classmethod
    def from_settings(cls, limit=None):
        options = cls(
            check_days=settings.PUBLIC_REGISTER_CHECK_DAYS,
            delay=settings.PUBLIC_REGISTER_DELAY_SECONDS,
            limit=settings.PUBLIC_REGISTER_LIMIT_PER_RUN if limit is None else limit,
            mode=settings.PUBLIC_REGISTER_SYNC_MODE,
        )
        for name, value, least in (
            ("PUBLIC_REGISTER_CHECK_DAYS", options.check_days, 0),
            ("PUBLIC_REGISTER_DELAY_SECONDS", options.delay, 0),
            ("PUBLIC_REGISTER_LIMIT_PER_RUN", options.limit, 1),
        ):
            if value < least:
                raise ValueError(f"{name} must be at least {least}, got {value}.")
        if options.mode not in ("update", "propose"):
            raise ValueError(f"PUBLIC_REGISTER_SYNC_MODE must be 'update' or 'propose', got {options.mode!r}.")
        return options


def companies_due(*, now, check_days):
    """Companies with a business ID never checked, or last checked `check_days` or more days ago; oldest first."""
    cutoff = now - datetime.timedelta(days=check_days)
    return (
        Company.objects.exclude(business_id="")
        .filter(Q(public_register_check__isnull=True) | Q(public_register_check__checked_at__lte=cutoff))
        .order_by(F("public_register_check__checked_at").asc(nulls_first=True), "pk")
    )


def _companies_named(business_ids):
    wanted = []
    for value in business_ids:
        try:
            wanted.append(_business_id_or_error(value))
        except ValidationError as exc:
            raise ValueError(f"--business-id {value!r}: {' '.join(exc.messages)}") from None
    found = dict(Company.objects.filter(business_id__in=wanted).values_list("business_id", "pk"))
    missing = [value for value in wanted if value not in found]
    if missing:
        raise ValueError(f"No company in the register has the business ID {', '.join(missing)}.")
    return [found[value] for value in dict.fromkeys(wanted)]


def _apply(report, options, pk, result, now):
    company = Company.objects.select_for_update().filter(pk=pk).first()
    if company is None or company.business_id != result.business_id:
        return  # deleted or given another business ID while the register was asked: the next run checks it
    report.checked += 1
    if result.status in FLAGGED_STATUSES:
        report.flagged.append({"business_id": result.business_id, "status": str(result.status)})
    if report.dry_run:
        check = PublicRegisterCheck(**_check_values(result, now))
    else:
        check = public_register_check_record(company=company, result=result, now=now)
    differences = register_differences(company=company, check=check)
    if not differences:
        report.unchanged += 1
        return
    change = {"business_id": company.business_id, "fields": [d.field for d in differences]}
    if options.mode == "propose" or report.dry_run:
        (report.proposed if options.mode == "propose" else report.updated).append(change)
        return
    try:
        with transaction.atomic():
            company_update(company=company, **{d.field: d.theirs for d in differences}, source=Source.PUBLIC_REGISTER)
            check.accepted_fetch_at = check.checked_at
            check.save(update_fields=["accepted_fetch_at"])
    except ValidationError as exc:
        # The register's value breaks one of our rules (a name longer than ours holds, a country code we do
        # not know): a person decides.
        company.refresh_from_db()
        report.proposed.append({**change, "refused": " ".join(exc.messages)})
        return
    report.updated.append(change)


def _sync_in_batches(report, options, client, pks, ids, sleep, now):
    calls = 0
    for start in range(0, len(pks), SYNC_BATCH_SIZE):
        answered = []
        try:
            for pk in pks[start : start + SYNC_BATCH_SIZE]:
                if pk not in ids:
                    continue
                if calls and options.delay:
                    sleep(options.delay)
                calls += 1
                answered.append((pk, client.company(ids[pk])))
        except PublicRegisterError as exc:
            report.error = str(exc)
        # The answers already in are complete checks: they are kept even when a later call failed.
        with transaction.atomic():
            for pk, result in answered:
                _apply(report, options, pk, result, now)
        if report.error:
            return


def public_register_sync(
    *, business_ids=None, dry_run=False, limit=None, client=None, sleep=time.sleep, now=None
) -> SyncReport:
    """Check the companies that are due (or those named) against the register, in batches that commit as they go.

    A changed name or address is saved (PUBLIC_REGISTER_SYNC_MODE "update") or left for a person to accept
    ("propose"); a ceased company, one in liquidation, bankruptcy or restructuring, or a business ID the
    register does not know is flagged, never ended or deleted. When the register stops answering, the
    checks already answered are kept, nothing of the failing company is written, and `report.error` says why.
    """
    options = SyncOptions.from_settings(limit=limit)
    now = now or timezone.now()
    pks = _companies_named(business_ids) if business_ids else None
    report = SyncReport(dry_run=dry_run, mode=options.mode)
    with advisory_lock(SYNC_LOCK_KEY) as held:
        if not held:
            report.skipped = True
            return report
        if pks is None:
            pks = list(
                companies_due(now=now, check_days=options.check_days).values_list("pk", flat=True)[: options.limit]
            )
        ids = dict(Company.objects.filter(pk__in=pks).values_list("pk", "business_id"))
        with contextlib.ExitStack() as stack:
            if client is None:
                client = stack.enter_context(PublicRegisterClient(sleep=sleep))
            stack.enter_context(system_actor(SYNC_ACTOR))
            _sync_in_batches(report, options, client, pks, ids, sleep, now)
    return report
