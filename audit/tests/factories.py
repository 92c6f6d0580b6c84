import factory
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from audit.models import SecurityEvent
from customers.models import Company


class LogEntryFactory(factory.django.DjangoModelFactory):
    """An entry about a company; pass timestamp= to age it."""

    class Meta:
        model = LogEntry

    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Company))
    object_pk = factory.Sequence(lambda n: str(1000 + n))
    object_id = factory.LazyAttribute(lambda o: int(o.object_pk))
    object_repr = factory.LazyAttribute(lambda o: f"Company #{o.object_pk}")
    action = LogEntry.Action.UPDATE
    changes = factory.LazyFunction(lambda: {"city": ["Oulu", "Kemi"]})
    actor_email = "officer@caracom.example"
    timestamp = factory.LazyFunction(timezone.now)


class SecurityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityEvent

    kind = SecurityEvent.Kind.SIGN_IN
    email = factory.Sequence(lambda n: f"user{n}@caracom.example")
    timestamp = factory.LazyFunction(timezone.now)
