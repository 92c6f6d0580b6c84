"""SQL that a DBA or an attacker with the database could run, for the tests that prove it is detected.

On PostgreSQL the guard triggers would refuse it; `session_replication_role = replica` (a
superuser's switch, as a table owner could also drop the triggers) turns them off for the
statement's transaction, so what is left to catch it is the MAC chain.
"""

from django.db import connection, transaction


def tamper(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:  # audit: tampering test
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # audit: tampering test
        cursor.execute(sql, params)  # audit: tampering test
        return cursor.rowcount
