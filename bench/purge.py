"""One purge in its own process, so its peak RSS is its own: `python -m bench.purge service|raw AS_OF`.

Prints one JSON line: {"seconds", "contacts", "entries", "peak_rss_mb"}.
"""

import datetime
import json
import resource
import sys
import time


def expired_where(limit):
    # The selector's rule (privacy.retention.expired_contacts) written as one SQL condition.
    return (
        "(c.ended_on <= %(limit)s OR co.relationship_end <= %(limit)s)"
        " AND (c.legal_hold_until IS NULL OR c.legal_hold_until < %(as_of)s)"
        " AND (co.legal_hold_until IS NULL OR co.legal_hold_until < %(as_of)s)"
    )


def run_service(as_of):
    from audit.context import system_actor
    from privacy.services import retention_purge

    with system_actor("bench-purge"):
        run = retention_purge(as_of=as_of)
    return run.contacts_deleted, run.audit_entries_redacted


def run_raw(as_of):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from customers.models import Contact
    from privacy.retention import last_expired_clock_start

    params = {"limit": last_expired_clock_start(as_of), "as_of": as_of}
    content_type = ContentType.objects.get_for_model(Contact).pk
    with transaction.atomic(), connection.cursor() as cursor:
        # The baseline is a bare DELETE: it goes around the log's guard triggers (superuser only).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE bench_doomed ON COMMIT DROP AS SELECT c.id FROM customers_contact c "
            f"JOIN customers_company co ON co.id = c.company_id WHERE {expired_where(params['limit'])}",
            params,
        )
        cursor.execute(
            "DELETE FROM auditlog_logentry WHERE content_type_id = %s AND object_id IN (SELECT id FROM bench_doomed)",
            [content_type],
        )
        entries = cursor.rowcount
        cursor.execute("DELETE FROM customers_contact WHERE id IN (SELECT id FROM bench_doomed)")
        contacts = cursor.rowcount
    return contacts, entries


def main(argv):
    from bench.setup import django_setup

    django_setup()
    mode, as_of = argv[0], datetime.date.fromisoformat(argv[1])
    started = time.monotonic()
    contacts, entries = (run_service if mode == "service" else run_raw)(as_of)
    seconds = time.monotonic() - started
    print(json.dumps({"seconds": seconds, "contacts": contacts, "entries": entries, "peak_rss_mb": peak_rss_mb()}))


def peak_rss_mb():
    # VmHWM is this process's own peak; getrusage's ru_maxrss survives exec() and would
    # report the parent's peak whenever that is higher.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1:])
