"""On PostgreSQL the log tables refuse changes through the app's own connection, and concurrent writers
never fork the chain."""

import threading

import pytest
from auditlog.models import LogEntry
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from accounts.tests.factories import UserFactory
from audit.chain.verify import chain_verify
from audit.models import ChainLink, SecurityEvent
from audit.services import redact_entries_for
from audit.tests.factories import LogEntryFactory, SecurityEventFactory
from customers import services as customer_services
from customers.models import Company
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.postgres


def run_sql(sql, params=()):
    # The app's own connection, exactly as any code (or a stolen credential) would use it.
    with transaction.atomic(), connection.cursor() as cursor:  # audit: read-only SQL (expected to be refused)
        cursor.execute(sql, params)


def test_a_plain_update_of_an_entry_through_the_apps_connection_fails(postgres_only):
    entry = LogEntryFactory()
    with pytest.raises(DatabaseError, match="audit records cannot be changed"):
        run_sql("UPDATE auditlog_logentry SET changes = '{}'::jsonb WHERE id = %s", [entry.pk])
    assert LogEntry.objects.get(pk=entry.pk).changes == {"city": ["Oulu", "Kemi"]}


def test_a_plain_delete_of_an_entry_through_the_apps_connection_fails(postgres_only):
    entry = LogEntryFactory()
    with pytest.raises(DatabaseError, match="audit records cannot be deleted"):
        run_sql("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_a_plain_update_of_a_security_event_fails(postgres_only):
    event = SecurityEventFactory()
    with pytest.raises(DatabaseError, match="audit records cannot be changed"):
        run_sql("UPDATE audit_securityevent SET email = 'x@y.example' WHERE id = %s", [event.pk])


def test_a_plain_update_or_delete_of_a_chain_link_fails(postgres_only):
    entry = LogEntryFactory()
    with pytest.raises(DatabaseError, match="audit records cannot be changed"):
        run_sql('UPDATE audit_chainlink SET secret = NULL WHERE entry_id = %s AND "table" = 1', [entry.pk])
    with pytest.raises(DatabaseError, match="audit records cannot be deleted"):
        run_sql('DELETE FROM audit_chainlink WHERE entry_id = %s AND "table" = 1', [entry.pk])


def test_the_orm_cannot_update_entries_either(postgres_only):
    entry = LogEntryFactory()
    with pytest.raises(DatabaseError, match="audit records cannot be changed"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(actor_email="someone@else.example")


def test_a_purge_permission_does_not_let_a_young_entry_be_deleted(postgres_only):
    import datetime

    from django.utils import timezone

    from audit.chain.guard import purge_allowed

    entry = LogEntryFactory()
    cutoff = timezone.now() - datetime.timedelta(days=730)
    with (
        pytest.raises(DatabaseError, match="audit records cannot be deleted"),
        transaction.atomic(),
        purge_allowed("default", cutoff),
    ):
        LogEntry.objects.filter(pk=entry.pk).delete()


def test_the_redaction_permission_ends_with_the_redaction(postgres_only):
    contact = ContactFactory()
    with transaction.atomic():
        redact_entries_for(contact)
        with pytest.raises(DatabaseError, match="audit records cannot be changed"), transaction.atomic():
            LogEntry.objects.filter(object_pk=str(contact.pk)).update(actor_email="later@else.example")


def test_deleting_a_user_clears_only_the_user_of_their_entries_and_the_log_still_verifies(postgres_only):
    user = UserFactory()
    LogEntryFactory(actor=user, actor_email=user.email)
    SecurityEventFactory(user=user, email=user.email)
    user.delete()
    assert LogEntry.objects.filter(actor_email=user.email, actor__isnull=True).exists()
    assert SecurityEvent.objects.filter(email=user.email, user__isnull=True).exists()
    assert chain_verify().ok


def test_the_redaction_in_sql_still_verifies(postgres_only):
    contact = ContactFactory(first_name="Aino")
    customer_services.contact_update(contact=contact, phone="0401234567")
    redact_entries_for(contact)
    report = chain_verify()
    assert report.ok, report.failure
    assert report.redacted == 2


WRITERS, WRITES_EACH = 8, 5


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_writers_do_not_fork_the_chain(postgres_only):
    companies = CompanyFactory.create_batch(WRITERS, city="Oulu")
    before = ChainLink.objects.count()
    start = threading.Barrier(WRITERS)
    errors = []

    def write(company_pk):
        try:
            start.wait()
            for n in range(WRITES_EACH):
                with transaction.atomic():
                    company = Company.objects.get(pk=company_pk)
                    customer_services.company_update(company=company, city=f"Kaupunki {n}")
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(company.pk,)) for company in companies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    positions = list(ChainLink.objects.order_by("position").values_list("position", flat=True))
    assert len(positions) == before + WRITERS * WRITES_EACH
    assert positions == list(range(positions[0], positions[0] + len(positions)))
    report = chain_verify()
    assert report.ok, report.failure
    assert report.checked == LogEntry.objects.count() + SecurityEvent.objects.count()
