# Room on each page of django-auditlog's table for a second version of its rows, on PostgreSQL only.
#
# The retention purge keeps the entries about the contacts it erases and redacts them: an UPDATE of
# every such entry. A redaction changes no indexed column, so PostgreSQL can write it as a heap-only
# (HOT) update, with no new entry in any of the table's twelve indexes, but only if the new version
# fits on the same page. Entries written together (an import, a company's contacts) expire together,
# so a purge rewrites most rows of a page at once: fillfactor 80 left room for a fifth of them and
# made no difference; at 50 the redaction is HOT and about twice as fast, which is what brings the
# purge to half the speed of a plain DELETE (docs/benchmarks.md).
#
# The cost: pages written from now on are filled to half, so the log's table (not its indexes) takes
# up to twice the disk. The setting applies to pages written after it; existing rows keep their
# packing until rewritten (VACUUM FULL or pg_repack). SQLite has no such setting; there this
# migration does nothing.

from django.db import migrations

FILLFACTOR = 50


def _table(apps):
    return apps.get_model("auditlog", "LogEntry")._meta.db_table


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(_table(apps))
    schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(_table(apps))} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_security_event_second_factor"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
