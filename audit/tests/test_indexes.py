from unittest.mock import patch

import pytest
from auditlog.models import LogEntry
from django.db import connection

from audit.admin import EstimatedCountPaginator
from audit.tests.factories import LogEntryFactory

pytestmark = pytest.mark.django_db


def test_the_history_and_actor_indexes_exist_on_the_log_table():
    with connection.cursor() as cursor:  # audit: read-only SQL (introspection)
        constraints = connection.introspection.get_constraints(cursor, LogEntry._meta.db_table)
    columns = {name: c["columns"] for name, c in constraints.items() if c["index"]}
    assert columns["audit_logentry_object_ts"] == ["content_type_id", "object_pk", "timestamp"]
    assert columns["audit_logentry_actor_ts"] == ["actor_email", "timestamp"]


def test_an_unfiltered_list_on_postgresql_uses_the_planner_estimate(postgres_only):
    LogEntryFactory.create_batch(5)
    with connection.cursor() as cursor:  # audit: read-only SQL (refresh planner statistics)
        cursor.execute(f"ANALYZE {LogEntry._meta.db_table}")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [LogEntry._meta.db_table])
        estimate = cursor.fetchone()[0]
    with patch("audit.admin.COUNT_CAP", 2):
        assert EstimatedCountPaginator(LogEntry.objects.all(), 100).count == estimate
        assert EstimatedCountPaginator(LogEntry.objects.filter(action=LogEntry.Action.UPDATE), 100).count == 2


def test_the_log_table_leaves_room_on_each_page_for_a_redacted_version_on_postgresql(postgres_only):
    with connection.cursor() as cursor:  # audit: read-only SQL (introspection)
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [LogEntry._meta.db_table])
        options = cursor.fetchone()[0] or []
    assert "fillfactor=50" in options
