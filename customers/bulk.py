"""Ending many contacts or customer relationships at once, each row through its service (and its audit entry)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from customers import services


def _set_on_each(rows, *, field, value, update, label) -> int:
    """Set `field` to `value` on every row through `update`; all or nothing, every refusal named by `label`."""
    changed = 0
    errors = []
    for row in rows:
        if getattr(row, field) == value:
            continue
        try:
            update(row, value)
        except ValidationError as exc:
            errors.extend(f"{label(row)}: {message}" for message in exc.messages)
        else:
            changed += 1
    if errors:
        raise ValidationError(errors)
    return changed


@transaction.atomic
def contacts_end(*, contacts, ended_on) -> int:
    """Set "no longer a contact since" on every contact; all or nothing. Returns how many changed."""
    return _set_on_each(
        contacts.select_related("company").order_by("pk"),
        field="ended_on",
        value=ended_on,
        update=lambda contact, day: services.contact_update(contact=contact, ended_on=day),
        label=lambda contact: f"#{contact.pk}",
    )


@transaction.atomic
def companies_end_relationship(*, companies, ended_on) -> int:
    """Set the customer relationship's end on every company; all or nothing. Returns how many changed."""
    return _set_on_each(
        companies.order_by("pk"),
        field="relationship_end",
        value=ended_on,
        update=lambda company, day: services.company_update(company=company, relationship_end=day),
        label=lambda company: company.name,
    )
