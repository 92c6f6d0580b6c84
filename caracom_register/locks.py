"""One run at a time across hosts: a PostgreSQL session advisory lock around a nightly job."""

import contextlib

from django.db import connection, transaction


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


def transaction_lock(key: int) -> None:
    """Wait for the lock `key` until the current transaction ends (PostgreSQL; nothing on SQLite).

    For a job whose second run on another host must see the first one's rows before deciding what to do (e.g.
    "one digest a day"): the second waits, then reads what the first committed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transaction_lock() holds until the transaction ends: call it inside transaction.atomic.")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:  # audit: read-only SQL (a lock, no data)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
