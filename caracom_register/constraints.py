"""A unique key lost to a concurrent writer becomes the field error a form shows, never a server error.

A form's (and a service's) `full_clean()` checks a unique key before the row is written, but two writers
can both pass that check before either commits; the database's unique index then refuses the second one
with an IntegrityError. That is a known rule, not a fault: the writer who lost is told on the field, as
if it had come a moment later.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint


def violated_unique_constraint(model, exc):
    """The model's UniqueConstraint that `exc` reports, or None for any other integrity error."""
    # PostgreSQL names the constraint; SQLite names it (an expression index) or its table.columns.
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    text = str(exc)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, UniqueConstraint):
            continue
        if name == constraint.name or f"'{constraint.name}'" in text:
            return constraint
        columns = [model._meta.get_field(f).column for f in constraint.fields]
        if columns and all(f"{model._meta.db_table}.{column}" in text for column in columns):
            return constraint
    return None


def _field_error(instance, constraint):
    field = constraint.fields[0] if len(constraint.fields) == 1 else constraint.fields[-1]
    return ValidationError({field: constraint.get_violation_error_message()})


@contextmanager
def unique_race_as_field_error(instance):
    """Run the save inside; a unique constraint of `instance` that a rival won first raises ValidationError.

    The error is the one the model's own validation gives now that the rival's row is committed (so the
    admin form, the service and an import all say the same), or the constraint's message on its field.
    The save is a savepoint: the caller's transaction stays usable and nothing of this save remains.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        constraint = violated_unique_constraint(type(instance), exc)
        if constraint is None:
            raise
        if instance._state.adding:
            # The failed INSERT gave the instance no key; the rival's row must not look like "itself".
            instance.pk = None
        try:
            instance.full_clean()
        except ValidationError as error:
            raise error from None
        raise _field_error(instance, constraint) from None
