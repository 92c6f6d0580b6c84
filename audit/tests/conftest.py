import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType


@pytest.fixture
def entries_for():
    """All audit entries about one object, oldest first."""

    def _entries(obj, model=None, pk=None):
        model = model or type(obj)
        pk = obj.pk if obj is not None else pk
        return list(
            LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)).order_by(
                "timestamp", "pk"
            )
        )

    return _entries
