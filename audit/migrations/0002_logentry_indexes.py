# Composite indexes on django-auditlog's table for the admin at millions of rows:
# an object's history (content type + object pk, newest first) and an actor's
# entries (actor email, newest first). LogEntry belongs to a third-party app, so
# the indexes are created here with the schema editor (portable between SQLite
# and PostgreSQL) and are not part of any model state.
#
# On a large existing PostgreSQL table, create them beforehand with
# CREATE INDEX CONCURRENTLY using the same names; this migration then skips them.

from django.db import migrations, models

INDEXES = (
    models.Index(fields=["content_type", "object_pk", "timestamp"], name="audit_logentry_object_ts"),
    models.Index(fields=["actor_email", "timestamp"], name="audit_logentry_actor_ts"),
)


def _existing(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:  # audit: read-only SQL (introspection)
        return set(schema_editor.connection.introspection.get_constraints(cursor, table))


def add_indexes(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    existing = _existing(schema_editor, LogEntry._meta.db_table)
    for index in INDEXES:
        if index.name not in existing:
            schema_editor.add_index(LogEntry, index)


def remove_indexes(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    existing = _existing(schema_editor, LogEntry._meta.db_table)
    for index in INDEXES:
        if index.name in existing:
            schema_editor.remove_index(LogEntry, index)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
