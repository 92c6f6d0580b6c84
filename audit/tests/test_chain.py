"""The MAC chain: what `verify_audit_log` catches when the log is edited with SQL, and that redaction and
the purge still verify. On PostgreSQL the tampering goes around the triggers (audit/tests/tamper.py)."""

import datetime
import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.chain.content import LOG
from audit.chain.verify import chain_verify
from audit.models import ChainAnchor, ChainLink, SecurityEvent
from audit.services import purge_expired_entries, redact_entries_for
from audit.tests.factories import LogEntryFactory, SecurityEventFactory
from audit.tests.tamper import tamper
from customers import services as customer_services
from customers.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def verify():
    return chain_verify()


def chained():
    """Entries in the log and security events: what a full walk checks (migrations write some too)."""
    return LogEntry.objects.count() + SecurityEvent.objects.count()


def position_of(entry):
    return ChainLink.objects.get(table=LOG, entry_id=entry.pk).position


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def entries():
    """Five log entries and a security event, chained in this order."""
    made = [LogEntryFactory() for _ in range(3)]
    SecurityEventFactory()
    made += [LogEntryFactory() for _ in range(2)]
    return made


def test_an_untouched_log_verifies_and_the_command_says_how_many_were_checked(entries):
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    assert f"Audit log intact: {chained()} entries checked" in out.getvalue()


def test_every_new_entry_and_security_event_gets_the_next_position(entries):
    first = position_of(entries[0])
    links = list(ChainLink.objects.filter(position__gte=first).order_by("position").values_list("position", "table"))
    assert [position for position, _ in links] == list(range(first, first + 6))
    assert [table for _, table in links].count(ChainLink.Table.SECURITY_EVENT) == 1
    assert ChainLink.objects.count() == chained()


def test_changes_written_through_the_register_verify(db):
    company = customer_services.company_create(name="Ketju Oy", city="Oulu")
    customer_services.company_update(company=company, city="Kemi")
    assert verify().ok
    assert verify().checked == LogEntry.objects.count() >= 2


def test_a_bulk_queryset_update_is_chained_too(db):
    CompanyFactory.create_batch(3, city="Oulu")
    from customers.models import Company

    Company.objects.update(city="Kemi")
    assert verify().ok
    assert verify().checked == LogEntry.objects.count() + SecurityEvent.objects.count()


def test_changing_an_entry_with_sql_is_detected_naming_the_entry(entries):
    target = entries[1]
    tamper(
        "UPDATE auditlog_logentry SET changes = %s WHERE id = %s", [json.dumps({"city": ["Oulu", "Vaasa"]}), target.pk]
    )
    report = verify()
    assert (report.failure.reason, report.failure.entry_id) == ("changed", target.pk)


def test_changing_the_actor_with_sql_is_detected(entries):
    tamper("UPDATE auditlog_logentry SET actor_email = 'someone@else.example' WHERE id = %s", [entries[2].pk])
    assert (verify().failure.reason, verify().failure.entry_id) == ("changed", entries[2].pk)


def test_changing_the_time_with_sql_is_detected(entries):
    tamper("UPDATE auditlog_logentry SET timestamp = %s WHERE id = %s", [days_ago(3), entries[0].pk])
    assert verify().failure.entry_id == entries[0].pk


def test_changing_a_personal_value_with_sql_is_detected(db):
    from customers.tests.factories import ContactFactory

    contact = ContactFactory(first_name="Aino")
    entry = LogEntry.objects.get(object_pk=str(contact.pk), content_type__model="contact")
    changes = {**entry.changes, "first_name": [None, "Eino"]}
    tamper("UPDATE auditlog_logentry SET changes = %s WHERE id = %s", [json.dumps(changes), entry.pk])
    report = verify()
    assert (report.failure.reason, report.failure.entry_id) == ("changed", entry.pk)
    assert "personal values" in report.failure.message


def test_deleting_an_entry_with_sql_is_detected_as_missing(entries):
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [entries[3].pk])
    report = verify()
    assert (report.failure.reason, report.failure.entry_id) == ("missing", entries[3].pk)


def test_deleting_an_entry_and_its_link_is_detected_as_a_gap(entries):
    gone = position_of(entries[1])
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [entries[1].pk])
    tamper("DELETE FROM audit_chainlink WHERE position = %s", [gone])
    report = verify()
    assert report.failure.reason == "missing"
    assert report.failure.entry_id == entries[2].pk
    assert f"positions {gone}-{gone} are gone" in report.failure.message


def test_deleting_an_entry_and_closing_the_gap_in_positions_is_still_detected(entries):
    gone = position_of(entries[1])
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [entries[1].pk])
    tamper("DELETE FROM audit_chainlink WHERE position = %s", [gone])
    # Renumbered from the front, one row at a time, so the unique position never collides.
    for position in range(gone + 1, ChainLink.objects.order_by("-position").first().position + 1):
        tamper("UPDATE audit_chainlink SET position = position - 1 WHERE position = %s", [position])
    report = verify()
    assert (report.failure.reason, report.failure.entry_id) == ("missing", entries[2].pk)


def test_inserting_an_entry_with_sql_is_detected(entries):
    source = LogEntry.objects.get(pk=entries[0].pk)
    tamper(
        "INSERT INTO auditlog_logentry (content_type_id, object_pk, object_id, object_repr, action, changes_text, "
        "changes, cid, timestamp, actor_email) VALUES (%s, '1', 1, 'Company #1', 1, '', %s, '', %s, 'x@caracom.fi')",
        [source.content_type_id, json.dumps({"city": ["A", "B"]}), days_ago(400)],
    )
    inserted = LogEntry.objects.order_by("-pk").first()
    report = verify()
    assert (report.failure.reason, report.failure.entry_id) == ("inserted", inserted.pk)


def test_swapping_two_entries_in_the_chain_is_detected_as_a_changed_order(entries):
    a, b = position_of(entries[1]), position_of(entries[2])
    tamper("UPDATE audit_chainlink SET position = -position WHERE position IN (%s, %s)", [a, b])
    tamper("UPDATE audit_chainlink SET position = %s WHERE position = %s", [b, -a])
    tamper("UPDATE audit_chainlink SET position = %s WHERE position = %s", [a, -b])
    report = verify()
    assert (report.failure.reason, report.failure.entry_id, report.failure.position) == (
        "reordered",
        entries[2].pk,
        a,
    )


def test_ids_need_not_follow_time_an_imported_old_entry_verifies(db):
    LogEntryFactory()
    LogEntryFactory(timestamp=days_ago(500))
    LogEntryFactory()
    assert verify().ok


def test_changing_a_security_event_with_sql_is_detected(entries):
    event = SecurityEvent.objects.get()
    tamper("UPDATE audit_securityevent SET email = 'other@caracom.example' WHERE id = %s", [event.pk])
    report = verify()
    assert (report.failure.reason, report.failure.table, report.failure.entry_id) == (
        "changed",
        "security_event",
        event.pk,
    )


def test_removing_an_entrys_secret_without_redacting_it_is_detected(entries):
    tamper('UPDATE audit_chainlink SET secret = NULL WHERE entry_id = %s AND "table" = 1', [entries[0].pk])
    report = verify()
    assert (report.failure.reason, report.failure.entry_id) == ("changed", entries[0].pk)
    assert "not redacted" in report.failure.message


def test_a_redacted_entry_still_verifies_as_redacted(db):
    from customers.tests.factories import ContactFactory

    contact = ContactFactory(first_name="Aino")
    customer_services.contact_update(contact=contact, phone="0401234567")
    redact_entries_for(contact)
    report = verify()
    assert report.ok, report.failure
    assert report.redacted == 2


def test_redaction_deletes_the_secrets_of_the_entries_it_redacts(db):
    from customers.tests.factories import ContactFactory

    contact = ContactFactory()
    other = ContactFactory()
    redact_entries_for(contact)
    secrets = dict(
        ChainLink.objects.filter(table=LOG)
        .filter(entry_id__in=LogEntry.objects.filter(object_pk__in=[str(contact.pk), str(other.pk)]).values("pk"))
        .values_list("entry_id", "secret")
    )
    redacted = LogEntry.objects.get(object_pk=str(contact.pk), content_type__model="contact").pk
    kept = LogEntry.objects.get(object_pk=str(other.pk), content_type__model="contact").pk
    assert secrets[redacted] is None
    assert secrets[kept] is not None


def test_the_purge_of_entries_anywhere_in_the_chain_still_verifies(db):
    new = LogEntryFactory()
    old_in_the_middle = LogEntryFactory(timestamp=days_ago(800))
    SecurityEventFactory(timestamp=days_ago(900))
    newest = LogEntryFactory()
    purge_expired_entries()
    assert not LogEntry.objects.filter(pk=old_in_the_middle.pk).exists()
    report = verify()
    assert report.ok, report.failure
    assert (report.checked, report.purged) == (chained() + 2, 2)
    assert {new.pk, newest.pk} <= set(LogEntry.objects.values_list("pk", flat=True))


def test_the_purge_of_the_oldest_links_leaves_a_signed_anchor_the_chain_continues_from(db):
    LogEntryFactory()
    everything = chained()
    # Two years on, everything written so far has expired.
    purge_expired_entries(as_of=timezone.now() + datetime.timedelta(days=731))
    anchor = ChainAnchor.objects.get()
    assert (anchor.position, anchor.removed) == (everything, everything)
    assert not ChainLink.objects.exists()
    LogEntryFactory()
    report = verify()
    assert report.ok, report.failure
    assert (report.start_position, report.checked) == (everything, 1)


def test_a_forged_anchor_is_detected(db):
    LogEntryFactory()
    purge_expired_entries(as_of=timezone.now() + datetime.timedelta(days=731))
    tamper("UPDATE audit_chainanchor SET removed = 1")
    assert "anchor" in verify().failure.message


def test_the_command_names_the_failing_entry_and_exits_non_zero(entries):
    tamper("UPDATE auditlog_logentry SET object_pk = '999' WHERE id = %s", [entries[4].pk])
    with pytest.raises(CommandError, match=f"log entry #{entries[4].pk}"):
        call_command("verify_audit_log", stdout=StringIO())


def test_the_command_prints_json_when_asked(entries):
    out = StringIO()
    call_command("verify_audit_log", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["ok"], result["checked"]) == (True, chained())


def test_the_command_refuses_a_since_that_is_not_a_date(db):
    with pytest.raises(CommandError, match=r"--since '30\.11\.2026' is not a date in the form YYYY-MM-DD"):
        call_command("verify_audit_log", "--since", "30.11.2026", stdout=StringIO())


def test_since_checks_only_the_links_chained_from_that_day(entries):
    tamper("UPDATE auditlog_logentry SET actor_email = 'x@y.example' WHERE id = %s", [entries[0].pk])
    tamper("UPDATE audit_chainlink SET chained_at = %s WHERE position <= %s", [days_ago(10), position_of(entries[0])])
    report = chain_verify(since=days_ago(5))
    assert report.ok, report.failure
    assert report.checked == 5


def test_a_different_key_fails_at_the_first_entry(entries, settings):
    settings.AUDIT_CHAIN_KEY = "another-key-entirely"
    report = verify()
    assert (report.failure.reason, report.failure.position) == ("changed", 1)
    assert verify().failure.message.startswith("Content changed")


def test_without_a_chain_key_nothing_audited_is_written(db, settings):
    from customers.models import Company

    before = LogEntry.objects.count()
    settings.AUDIT_CHAIN_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="AUDIT_CHAIN_KEY is not set"):
        customer_services.company_create(name="Avaimeton Oy")
    assert not Company.objects.filter(name="Avaimeton Oy").exists()
    assert LogEntry.objects.count() == before


def test_check_deploy_warns_when_the_chain_key_is_missing(settings):
    from audit.checks import check_chain_key

    settings.AUDIT_CHAIN_KEY = ""
    assert [message.id for message in check_chain_key()] == ["audit.W001"]


def test_check_deploy_is_quiet_when_the_chain_key_is_set(settings):
    from audit.checks import check_chain_key

    settings.AUDIT_CHAIN_KEY = "a-real-key-of-enough-length-0123456789"
    assert check_chain_key() == []


def test_check_deploy_warns_when_the_erasure_ledger_is_not_configured(settings):
    from audit.checks import check_chain_key

    settings.ERASURE_LEDGER_KEY = ""
    settings.ERASURE_LEDGER_PATH = ""
    assert [message.id for message in check_chain_key()] == ["audit.W002", "audit.W003"]
