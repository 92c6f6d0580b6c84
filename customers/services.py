"""Business rules for the register's companies and contact persons.

Every writer (admin, import, request handling, demo data) goes through these
functions so that validation and the audit trail apply the same way.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caracom_register.constraints import unique_race_as_field_error
from customers import guards
from customers.demo import DemoDataGenerator
from customers.models import Company, Contact

COMPANY_EDITABLE_FIELDS = (
    "name",
    "business_id",
    "street_address",
    "postal_code",
    "city",
    "country",
    "relationship_start",
    "relationship_end",
    "legal_hold_until",
    "legal_hold_reason",
    "source",
)
CONTACT_EDITABLE_FIELDS = (
    "company",
    "first_name",
    "last_name",
    "title",
    "email",
    "phone",
    "street_address",
    "postal_code",
    "city",
    "country",
    "legal_basis",
    "source",
    "ended_on",
    "legal_hold_until",
    "legal_hold_reason",
)


def _apply(instance, allowed, data):
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable field(s): {', '.join(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _save(instance):
    # full_clean() checked the unique keys, but a concurrent writer may have taken one since.
    with unique_race_as_field_error(instance):
        instance.save()


@transaction.atomic
def company_create(**data) -> Company:
    company = Company()
    _apply(company, COMPANY_EDITABLE_FIELDS, data)
    company.full_clean()
    _save(company)
    return company


@transaction.atomic
def company_update(*, company: Company, **data) -> Company:
    _apply(company, COMPANY_EDITABLE_FIELDS, data)
    company.full_clean()
    _save(company)
    return company


@transaction.atomic
def contact_create(**data) -> Contact:
    contact = Contact()
    _apply(contact, CONTACT_EDITABLE_FIELDS, data)
    contact.full_clean()
    _save(contact)
    return contact


def _refuse_if_guarded(contact):
    refusal = guards.edit_refusal(contact)
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def contact_update(*, contact: Contact, rectification_request=None, **data) -> Contact:
    """`rectification_request`: the data subject request a restricted contact is corrected for (privacy app)."""
    if rectification_request is None:
        _refuse_if_guarded(contact)
    _apply(contact, CONTACT_EDITABLE_FIELDS, data)
    contact.full_clean()
    _save(contact)
    return contact


def contact_delete_refusal(contact) -> str | None:
    """Why this contact must not be deleted by hand now, or None.

    A legal hold (the contact's or its company's) is a duty to keep the record; the other apps' guards add
    their own reasons (customers.guards): an open data subject request, a restriction (Art. 18).
    """
    today = timezone.localdate()
    for holder in (contact, contact.company):
        if holder.legal_hold_until and holder.legal_hold_until >= today:
            return _("Contact #%(id)s is under a legal hold until %(date)s (%(reason)s) and cannot be deleted.") % {
                "id": contact.pk,
                "date": date_format(holder.legal_hold_until, "SHORT_DATE_FORMAT"),
                "reason": holder.legal_hold_reason,
            }
    return guards.delete_refusal(contact)


@transaction.atomic
def legal_hold_set(*, contacts=(), companies=(), until, reason: str) -> int:
    """Put contacts and companies under a legal hold until `until`, for `reason`; all or none.

    Used from the retention review before a purge. A hold only keeps a record longer, so it is
    allowed on a restricted contact too (Art. 18 allows storage). Returns how many records were held.
    """
    if not contacts and not companies:
        raise ValidationError(_("Choose at least one contact person or company to hold."))
    if until is None or until < timezone.localdate():
        raise ValidationError({"legal_hold_until": _("A legal hold must last until today or later; nothing was held.")})
    held = 0
    for record in [*contacts, *companies]:
        record.legal_hold_until = until
        record.legal_hold_reason = (reason or "").strip()
        record.full_clean()
        record.save()
        held += 1
    return held


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    refusal = contact_delete_refusal(contact)
    if refusal:
        raise ValidationError(refusal)
    contact.delete()


def register_seed_demo(
    *, companies: int, contacts_per_company: int, seed=None, batch_size: int = 2000, progress=None
) -> tuple[int, int]:
    """Bulk-insert realistic demo companies and contacts; returns (companies, contacts) created.

    Each batch commits on its own so a million-contact seed neither holds one
    huge transaction nor keeps all rows in memory.
    """

    if companies < 0 or contacts_per_company < 0:
        raise ValueError("companies and contacts_per_company must be zero or more")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    generator = DemoDataGenerator(seed=seed)
    today = timezone.localdate()
    made_companies = made_contacts = 0
    contact_counter = 0
    while made_companies < companies:
        size = min(batch_size, companies - made_companies)
        with transaction.atomic():
            batch = Company.objects.bulk_create([generator.company(today) for _ in range(size)])
            contacts = []
            for company in batch:
                for _ in range(contacts_per_company):
                    contact_counter += 1
                    contacts.append(generator.contact(company, contact_counter, today))
            Contact.objects.bulk_create(contacts, batch_size=5000)
        made_companies += size
        made_contacts += len(contacts)
        if progress:
            progress(made_companies, made_contacts)
    return made_companies, made_contacts
