"""Which models the audit trail covers, and how.

Every audited model is registered here explicitly (never AUDITLOG_INCLUDE_ALL_MODELS):

    from audit.registry import register_audited
    register_audited(ConsentRecord, m2m_fields=("purposes",))

Call it from the registering app's ``AppConfig.ready()``. The model's
``PERSONAL_DATA_FIELDS`` declaration says which values `redact_entries_for()`
removes from the log; pass ``personal_fields=`` only for models that cannot
declare it (third-party models). ``mask_personal_data=True`` masks those values
already when the entry is written (for data the log should never hold in clear).
"""

from auditlog.registry import auditlog
from django.db.models.signals import post_save, pre_save

from audit import receivers
from audit.declarations import AuditedModel, _registry, audited_models, get_audited

__all__ = ["AuditedModel", "audited_models", "get_audited", "register_audited", "register_third_party_models"]

# Fields that are noise (timestamps the database sets) or secrets (password
# hashes, login times) and never go into the log.
DEFAULT_EXCLUDED_FIELDS = ("created_at", "updated_at")


def _install_receivers():
    # django-auditlog writes the UPDATE entry in pre_save, before the row is
    # written: a save that then fails outside a transaction leaves a phantom
    # entry, and loaddata overwrites (raw saves of "new" instances) are never
    # logged. Swap in receivers that read the old row in pre_save and write the
    # entry in post_save. This must happen before the first registration.
    if auditlog._signals.get(post_save) is not receivers.log_save:
        if auditlog.get_models():
            raise RuntimeError("audit.registry must install its receivers before any model is registered.")
        auditlog._signals[pre_save] = receivers.remember_old_row
        auditlog._signals[post_save] = receivers.log_save


def register_audited(
    model,
    *,
    exclude_fields=(),
    m2m_fields=(),
    personal_fields=None,
    object_repr=None,
    repr_related=(),
    mask_personal_data=False,
):
    """Log every create, update, delete (and m2m change of `m2m_fields`) of `model`.

    `object_repr` is a callable(instance) -> str for the text stored with each
    entry; models holding personal data must not show a person's name there.
    `repr_related` lists forward relations that callable reads, so bulk paths
    can fetch them in one query.
    """
    _install_receivers()
    if personal_fields is None:
        personal_fields = tuple(getattr(model, "PERSONAL_DATA_FIELDS", ()))
    # Reverse relations ("contacts" on a company) are other models' rows, not this one's fields.
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    exclude = tuple(dict.fromkeys((*DEFAULT_EXCLUDED_FIELDS, *reverse, *exclude_fields)))
    config = AuditedModel(
        model=model,
        personal_fields=tuple(personal_fields),
        exclude_fields=exclude,
        m2m_fields=tuple(m2m_fields),
        object_repr=object_repr,
        repr_related=tuple(repr_related),
    )
    auditlog.unregister(model)
    auditlog.register(
        model,
        exclude_fields=list(exclude),
        m2m_fields=set(m2m_fields),
        mask_fields=list(config.personal_fields) if mask_personal_data else None,
        serialize_data=False,  # a full copy of each row would only multiply the personal data held
    )
    _registry[model] = config
    return config


def register_third_party_models():
    """auth.Group belongs to no app of ours; each of our apps registers its own models from its ready()."""
    from django.contrib.auth.models import Group

    register_audited(Group, m2m_fields=("permissions",), personal_fields=())
