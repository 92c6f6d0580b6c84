"""Seeding: companies and contacts through seed_demo's bulk path (audited, so each row gets its CREATE
entry), then the rest of the audit log with one set-based INSERT ... SELECT."""

import time

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection

ACTORS = tuple(f"bench-staff-{n}@caracom.example" for n in range(1, 6))
ADMIN_EMAIL = "bench-admin@caracom.example"
LOG_DAYS = 700  # inside the two-year log retention, so the purge measures only the contacts


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def reset():
    sql(
        "TRUNCATE customers_contact, customers_company, auditlog_logentry, audit_securityevent, "
        "audit_chainlink, audit_chainanchor, privacy_purgerun, django_admin_log RESTART IDENTITY CASCADE"
    )


def users():
    User = get_user_model()
    for email in ACTORS:
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(email=email, password=None, is_staff=True)
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        admin = User.objects.create_superuser(email=ADMIN_EMAIL, password=None)
    return admin


def seed(*, companies, contacts_per_company, audit_entries, log=print):
    """Returns {"contacts_seconds": ..., "log_seconds": ..., "vacuum_seconds": ...}."""
    timings = {}
    reset()
    users()
    timings["contacts_seconds"] = seed_register(companies=companies, contacts_per_company=contacts_per_company, log=log)
    timings["log_seconds"] = seed_log(audit_entries=audit_entries, log=log)
    started = time.monotonic()
    vacuum_analyze()
    timings["vacuum_seconds"] = time.monotonic() - started
    return timings


def seed_register(*, companies, contacts_per_company, log=print):
    from audit.context import system_actor
    from customers.services import register_seed_demo

    started = time.monotonic()

    def progress(made_companies, made_contacts):
        if made_companies % 20_000 == 0:
            log(f"  seeded {made_companies} companies, {made_contacts} contacts ({time.monotonic() - started:.0f} s)")

    with system_actor("bench-seed"):
        register_seed_demo(companies=companies, contacts_per_company=contacts_per_company, seed=8, progress=progress)
    seconds = time.monotonic() - started
    log(f"  companies and contacts with their CREATE entries: {seconds:.1f} s")
    return seconds


def seed_log(*, audit_entries, log=print):
    from customers.models import Contact

    started = time.monotonic()
    existing = sql("SELECT count(*) FROM auditlog_logentry")[0][0]
    missing = max(0, audit_entries - existing)
    low, high = sql("SELECT min(id), max(id) FROM customers_contact")[0]
    actor_rows = sql("SELECT id, email FROM accounts_user WHERE email = ANY(%s) ORDER BY email", [list(ACTORS)])
    if missing and low is not None:
        # Title changes spread over the contacts, the actors and the past LOG_DAYS days.
        sql(
            """
            INSERT INTO auditlog_logentry (object_pk, object_id, object_repr, action, changes, changes_text,
                                           timestamp, actor_id, actor_email, content_type_id, cid)
            SELECT c.id::text, c.id, 'Contact #' || c.id, 1,
                   jsonb_build_object('title', jsonb_build_array(c.title, 'Projektipäällikkö')), '',
                   now() - (g %% %(days)s) * interval '1 day' - (g %% 86399) * interval '1 second',
                   (%(actor_ids)s::bigint[])[1 + g %% %(actors)s], (%(actor_emails)s::text[])[1 + g %% %(actors)s],
                   %(content_type)s, 'bench-' || (g / 50)
            FROM generate_series(1, %(missing)s) AS g
            JOIN customers_contact c ON c.id = %(low)s + (g::bigint * 7919) %% (%(high)s - %(low)s + 1)
            """,
            {
                "days": LOG_DAYS,
                "actor_ids": [row[0] for row in actor_rows],
                "actor_emails": [row[1] for row in actor_rows],
                "actors": len(actor_rows),
                "content_type": ContentType.objects.get_for_model(Contact).pk,
                "missing": missing,
                "low": low,
                "high": high,
            },
        )
    seconds = time.monotonic() - started
    log(f"  {missing} more audit entries with set-based SQL: {seconds:.1f} s")
    return seconds


def vacuum_analyze():
    # Fresh statistics and visibility maps, as autovacuum would leave them on a live system.
    old = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        for table in ("customers_company", "customers_contact", "auditlog_logentry"):
            sql(f"VACUUM ANALYZE {table}")
    finally:
        connection.set_autocommit(old)
