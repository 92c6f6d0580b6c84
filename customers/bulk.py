"""Ending many contacts or customer relationships at once, each row through its service (and its audit entry)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from customers import services


@transaction.atomic
def contacts_end(*, contacts, ended_on) -> int:
    """Set "no longer a contact since" on every contact; all or nothing. Returns how many changed."""
    changed = 0
    errors = []
    for contact in contacts.select_related("company").order_by("pk"):
        if contact.ended_on == ended_on:
            continue
        try:
            services.contact_update(contact=contact, ended_on=ended_on)
        except ValidationError as exc:
            errors.extend(f"#{contact.pk}: {message}" for message in exc.messages)
        else:
            changed += 1
    if errors:
        raise ValidationError(errors)
    return changed


@transaction.atomic
def companies_end_relationship(*, companies, ended_on) -> int:
    """Set the customer relationship's end on every company; all or nothing. Returns how many changed."""
    changed = 0
    errors = []
    for company in companies.order_by("pk"):
        if company.relationship_end == ended_on:
            continue
        try:
            services.company_update(company=company, relationship_end=ended_on)
        except ValidationError as exc:
            errors.extend(f"{company.name}: {message}" for message in exc.messages)
        else:
            changed += 1
    if errors:
        raise ValidationError(errors)
    return changed
