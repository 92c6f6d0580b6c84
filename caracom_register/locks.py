"""One run at a time across hosts: a PostgreSQL session advisory lock around a nightly job."""

import contextlib

from django.db import connection


@contextlib.contextmanager
def advisory_lock(key: int):
    """Yields True when this process holds the lock `key` (a fixed 64-bit number per job), False when another does.

    The lock belongs to the database session, not a transaction, so the job can commit batch by batch while
    holding it. SQLite (development copies) has no such lock and always yields True.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:  # audit: read-only SQL (a lock, no data)
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:  # audit: read-only SQL (a lock, no data)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
