"""Business rules for the register's companies and contact persons.

Every writer (admin, import, request handling, demo data) goes through these
functions so that validation and the audit trail apply the same way.
"""

from django.db import transaction

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


@transaction.atomic
def company_create(**data) -> Company:
    company = Company()
    _apply(company, COMPANY_EDITABLE_FIELDS, data)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_update(*, company: Company, **data) -> Company:
    _apply(company, COMPANY_EDITABLE_FIELDS, data)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def contact_create(**data) -> Contact:
    contact = Contact()
    _apply(contact, CONTACT_EDITABLE_FIELDS, data)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, **data) -> Contact:
    _apply(contact, CONTACT_EDITABLE_FIELDS, data)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    contact.delete()
