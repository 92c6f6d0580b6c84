"""The transaction-local permissions the PostgreSQL triggers on the log tables check
(migration audit/0008): only redaction may UPDATE, only the purge may DELETE (entries older
than the cutoff it names). SQLite has no triggers; there the MAC chain alone detects changes.
"""

import contextlib

from django.db import connections, transaction

REDACTION = "audit.redaction"
PURGE_BEFORE = "audit.purge_before"


def _set(using, name, value):
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:  # audit: read-only SQL (a transaction-local setting, no data)
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


@contextlib.contextmanager
def _allowed(using, name, value, off):
    # A savepoint: if the block fails, rolling it back also undoes the setting (PostgreSQL
    # undoes set_config on a rollback to savepoint), so no later statement inherits it.
    with transaction.atomic(using=using):
        _set(using, name, value)
        yield
        _set(using, name, off)


def redaction_allowed(using):
    """The redaction's UPDATEs inside pass the triggers; nothing after the block does."""
    return _allowed(using, REDACTION, "on", "off")


def purge_allowed(using, cutoff):
    """DELETEs of entries older than `cutoff` (and of their purged chain links) pass the triggers."""
    return _allowed(using, PURGE_BEFORE, cutoff.isoformat(), "")
