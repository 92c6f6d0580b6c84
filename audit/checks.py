"""System checks that keep unlogged write paths out of the audited models."""

from django.core import checks
from django.db import models

from audit.declarations import audited_models
from audit.querysets import AuditedQuerySet

# These on_delete handlers change audited rows with a bare SQL UPDATE that no
# signal or QuerySet sees; the log would miss the change.
UNLOGGED_ON_DELETE = (models.SET_NULL, models.SET_DEFAULT, models.DO_NOTHING)


def _is_unlogged_handler(on_delete):
    if on_delete in UNLOGGED_ON_DELETE:
        return True
    # models.SET(value) returns a closure named set_on_delete.
    return getattr(on_delete, "__name__", "") == "set_on_delete"


def check_audited_models(app_configs=None, models_to_check=None, **kwargs):
    errors = []
    for model in models_to_check or audited_models():
        for field in model._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and _is_unlogged_handler(field.remote_field.on_delete):
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} uses on_delete={field.remote_field.on_delete.__name__}, "
                        "which rewrites audited rows without an audit entry.",
                        hint="Use PROTECT or CASCADE, or clear the reference in a service that saves each row.",
                        obj=field,
                        id="audit.E001",
                    )
                )
        if not isinstance(model._default_manager.all(), AuditedQuerySet):
            errors.append(
                checks.Error(
                    f"The default manager of audited model {model._meta.label} does not use AuditedQuerySet, so its "
                    "update()/bulk_create()/bulk_update() would not be logged.",
                    hint="Use audit.querysets.AuditedManager (or .from_queryset(AuditedQuerySet)).",
                    obj=model,
                    id="audit.E002",
                )
            )
    return errors
