"""What the audit trail knows of each audited model: its personal-data fields, what it never logs, and how an
entry names an object. Filled by audit.registry.register_audited(); read by the receivers and querysets."""

from dataclasses import dataclass, field

from django.db.models import Model


@dataclass(frozen=True)
class AuditedModel:
    model: type[Model]
    personal_fields: tuple[str, ...]
    exclude_fields: tuple[str, ...]
    m2m_fields: tuple[str, ...]
    object_repr: object = None
    repr_related: tuple[str, ...] = field(default_factory=tuple)

    def repr_for(self, instance):
        """The text stored as `object_repr`: never a person's name for personal-data models."""
        if self.object_repr is not None:
            return self.object_repr(instance)
        return str(instance)

    def redacted_repr(self, pk):
        return f"{self.model._meta.object_name} #{pk}"


_registry: dict[type[Model], AuditedModel] = {}


def get_audited(model) -> AuditedModel | None:
    return _registry.get(model)


def audited_models():
    return list(_registry)
