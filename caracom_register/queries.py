"""Query helpers for batches of keys, shared by the audit trail, the retention purge and the admin search."""

import contextlib

from django.db import connection, connections, transaction
from django.db.models import F, Lookup, Q, Value


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the keys as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def keys_in(field_path, keys):
    """A filter for `field_path IN keys`, for batches of keys (`Model.objects.filter(keys_in("pk", pks))`).

    On PostgreSQL the keys go as one array parameter: `IN (%s, %s, ...)` over a batch of a thousand
    keys costs ~4 ms per statement (Django prepares each value, PostgreSQL parses each literal), and
    the retention purge runs several such statements per batch.
    """
    keys = list(keys)
    if connection.vendor != "postgresql" or not keys:
        return Q(**{f"{field_path}__in": keys})
    return _AnyOf(F(field_path), Value(array_literal(keys)))


def array_literal(keys):
    """Integer keys (or their text) as one array literal, '{1,2,3}', which PostgreSQL types from the column.

    A list parameter becomes ARRAY[1, 2, 3], an expression per key: ~1.5 ms per thousand keys to parse,
    against ~0.1 ms for the literal.
    """
    text = [str(key) for key in keys]
    if not all(t.isascii() and t.isdigit() for t in text):
        return keys
    return "{" + ",".join(text) + "}"


@contextlib.contextmanager
def planner_settings(using, **settings):
    """PostgreSQL planner switches (enable_seqscan="off", ...) for the queries inside the block only.

    For a query whose best plan depends on what the data holds, which the
    planner cannot know (customers/admin_search.py). The switches are set with
    `set_config(..., true)` in a savepoint that is rolled back at the end, so
    they never outlive the block, whether it ends normally or by an error.
    Read-only queries only: anything written inside is rolled back too.
    On another database the block runs as it is.
    """
    if connections[using].vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:  # audit: read-only SQL (planner settings, no data)
            for name, value in settings.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield
        transaction.set_rollback(True, using=using)
