import datetime
import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import sign_in_verified
from audit.tests.factories import LogEntryFactory
from customers import services as customer_services
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import retention
from privacy.models import PurgeRun

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 15)


def months_before(day, months):
    from dateutil.relativedelta import relativedelta

    return day - relativedelta(months=months)


def purge(*args):
    out = StringIO()
    call_command("purge_expired", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


def ended_company(months_ago, **kwargs):
    return CompanyFactory(
        relationship_start=datetime.date(2015, 1, 1), relationship_end=months_before(AS_OF, months_ago), **kwargs
    )


# --- the rules, each on both sides of its boundary ---------------------------------------------


def test_contact_of_company_ended_25_months_ago_is_purged():
    contact = ContactFactory(company=ended_company(25))
    purge()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contact_of_company_ended_23_months_ago_is_kept():
    contact = ContactFactory(company=ended_company(23))
    purge()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_expiring_exactly_on_the_as_of_date_is_kept_until_the_day_after():
    contact = ContactFactory(company=ended_company(24))
    assert not retention.expired_contacts(AS_OF).filter(pk=contact.pk).exists()
    assert retention.expired_contacts(AS_OF + datetime.timedelta(days=1)).filter(pk=contact.pk).exists()


def test_leap_day_plus_24_months_is_the_last_day_of_february():
    assert retention.add_months(datetime.date(2024, 2, 29), 24) == datetime.date(2026, 2, 28)


def test_relationship_ended_on_leap_day_expires_on_the_first_of_march_two_years_later():
    company = CompanyFactory(relationship_start=datetime.date(2020, 1, 1), relationship_end=datetime.date(2024, 2, 29))
    contact = ContactFactory(company=company)
    assert not retention.expired_contacts(datetime.date(2026, 2, 28)).filter(pk=contact.pk).exists()
    assert retention.expired_contacts(datetime.date(2026, 3, 1)).filter(pk=contact.pk).exists()


def test_contact_who_left_an_active_customer_25_months_ago_is_purged():
    company = CompanyFactory()
    left = ContactFactory(company=company, ended_on=months_before(AS_OF, 25))
    stays = ContactFactory(company=company)
    purge()
    assert not Contact.objects.filter(pk=left.pk).exists()
    assert Contact.objects.filter(pk=stays.pk).exists()
    assert Company.objects.filter(pk=company.pk).exists()


def test_contact_who_left_an_active_customer_23_months_ago_is_kept():
    contact = ContactFactory(company=CompanyFactory(), ended_on=months_before(AS_OF, 23))
    purge()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_clock_starts_at_the_earlier_of_own_end_and_company_end():
    company = ended_company(10)
    contact = ContactFactory(company=company, ended_on=months_before(AS_OF, 25))
    purge()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_purge_keeps_contacts_under_legal_hold_until_tomorrow():
    contact = ContactFactory(
        company=ended_company(25), legal_hold_until=AS_OF + datetime.timedelta(days=1), legal_hold_reason="Contract 7"
    )
    purge()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_purge_keeps_contacts_whose_hold_ends_on_the_as_of_date():
    contact = ContactFactory(company=ended_company(25), legal_hold_until=AS_OF, legal_hold_reason="Contract 7")
    purge()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_purge_removes_contacts_whose_hold_lapsed_yesterday():
    contact = ContactFactory(
        company=ended_company(25), legal_hold_until=AS_OF - datetime.timedelta(days=1), legal_hold_reason="Contract 7"
    )
    purge()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_company_hold_keeps_the_company_and_its_contacts():
    company = ended_company(25, legal_hold_until=AS_OF + datetime.timedelta(days=1), legal_hold_reason="Audit")
    contact = ContactFactory(company=company)
    purge()
    assert Company.objects.filter(pk=company.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_company_is_kept_because_one_contact_is_held():
    company = ended_company(25)
    held = ContactFactory(company=company, legal_hold_until=AS_OF, legal_hold_reason="Court case")
    other = ContactFactory(company=company)
    purge()
    assert Company.objects.filter(pk=company.pk).exists()
    assert Contact.objects.filter(pk=held.pk).exists()
    assert not Contact.objects.filter(pk=other.pk).exists()


def test_company_ended_25_months_ago_is_purged_with_its_contacts():
    company = ended_company(25)
    ContactFactory.create_batch(2, company=company)
    purge()
    assert not Company.objects.filter(pk=company.pk).exists()


def test_company_ended_23_months_ago_is_kept():
    company = ended_company(23)
    purge()
    assert Company.objects.filter(pk=company.pk).exists()


def test_active_company_is_never_purged():
    company = CompanyFactory(relationship_start=datetime.date(2001, 1, 1))
    purge()
    assert Company.objects.filter(pk=company.pk).exists()


def test_retention_months_come_from_the_setting(settings):
    settings.RETENTION_MONTHS_AFTER_RELATIONSHIP = 12
    contact = ContactFactory(company=ended_company(13))
    purge()
    assert not Contact.objects.filter(pk=contact.pk).exists()


# --- the audit trail -----------------------------------------------------------------------------


def make_entry(days_old):
    # Written with its old time: entries cannot be changed afterwards (the database refuses it).
    company = CompanyFactory()
    return LogEntryFactory(object_pk=str(company.pk), timestamp=timezone.now() - datetime.timedelta(days=days_old))


def test_audit_entry_731_days_old_is_deleted():
    entry = make_entry(731)
    call_command("purge_expired", stdout=StringIO())
    assert not LogEntry.objects.filter(pk=entry.pk).exists()


def test_audit_entry_729_days_old_is_kept():
    entry = make_entry(729)
    call_command("purge_expired", stdout=StringIO())
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_recent_audit_entries_about_a_purged_contact_are_redacted_not_deleted():
    contact = customer_services.contact_create(
        company=ended_company(25), first_name="Ritva", last_name="Purgeable", email="ritva@purge.example"
    )
    customer_services.contact_update(contact=contact, phone="0401234567")
    entry_ids = list(
        LogEntry.objects.filter(content_type__model="contact", object_pk=str(contact.pk)).values_list("pk", flat=True)
    )
    purge()
    entries = LogEntry.objects.filter(pk__in=entry_ids)
    assert entries.count() == len(entry_ids) >= 2
    for entry in entries:
        text = json.dumps([entry.changes, entry.serialized_data, entry.object_repr], default=str)
        assert "Purgeable" not in text
        assert "ritva@purge.example" not in text
        assert "+358401234567" not in text
        assert entry.actor_email


def test_after_a_purge_no_text_column_of_any_table_holds_the_persons_data(client, find_in_database):
    from accounts.tests.factories import StaffUserFactory

    user = StaffUserFactory()
    sign_in_verified(client, user)
    company = ended_company(25)
    contact = customer_services.contact_create(
        company=company,
        first_name="Tuulikki",
        last_name="Traceless",
        email="tuulikki@trace.example",
        phone="045 111 2233",
    )
    client.get(f"/admin/customers/contact/{contact.pk}/change/")
    needles = ("Traceless", "tuulikki@trace.example", "+358451112233")
    assert {hit[2] for hit in find_in_database(*needles)} == set(needles)  # the search does find them
    purge()
    assert find_in_database(*needles) == []


# --- the command ---------------------------------------------------------------------------------


def test_dry_run_changes_nothing_and_reports_what_would_go():
    ContactFactory.create_batch(3, company=ended_company(25))
    out = purge("--dry-run", "--json")
    assert json.loads(out)["contacts_deleted"] == 3
    assert Contact.objects.count() == 3


def test_dry_run_counts_equal_what_the_real_run_removes():
    ContactFactory.create_batch(2, company=ended_company(25))
    ContactFactory(company=CompanyFactory(), ended_on=months_before(AS_OF, 30))
    ContactFactory(company=ended_company(5))
    dry = json.loads(purge("--dry-run", "--json"))
    real = json.loads(purge("--json"))
    assert {k: v for k, v in dry.items() if k != "dry_run"} == {k: v for k, v in real.items() if k != "dry_run"}


def test_json_output_has_the_date_the_mode_and_every_count():
    ContactFactory(company=ended_company(25))
    result = json.loads(purge("--json"))
    assert result == {
        "as_of": AS_OF.isoformat(),
        "dry_run": False,
        "contacts_deleted": 1,
        "companies_deleted": 1,
        "audit_entries_deleted": 0,
        "audit_entries_redacted": result["audit_entries_redacted"],
    }
    assert result["audit_entries_redacted"] >= 2


def test_second_run_is_a_no_op():
    ContactFactory.create_batch(2, company=ended_company(25))
    purge()
    second = json.loads(purge("--json"))
    assert (second["contacts_deleted"], second["companies_deleted"], second["audit_entries_redacted"]) == (0, 0, 0)


def test_plain_output_says_what_was_removed():
    ContactFactory(company=ended_company(25))
    assert "Removed as of 2026-06-15: 1 contacts, 1 companies" in purge()


def test_verbosity_zero_prints_nothing():
    ContactFactory(company=ended_company(25))
    assert purge("--verbosity", "0") == ""


@pytest.mark.parametrize("bad", [["--as-of", "2026-13-01"], ["--batch-size", "-5"], ["--batch-size", "many"]])
def test_bad_arguments_are_refused_before_anything_is_touched(bad):
    ContactFactory(company=ended_company(25))
    with pytest.raises(CommandError):
        call_command("purge_expired", *bad, stdout=StringIO())
    assert Contact.objects.count() == 1
    assert not PurgeRun.objects.exists()


def test_each_run_is_recorded_without_personal_data():
    ContactFactory(company=ended_company(25), last_name="Recordless")
    purge()
    run = PurgeRun.objects.get()
    assert (run.outcome, run.contacts_deleted, run.companies_deleted, run.dry_run) == ("succeeded", 1, 1, False)
    assert run.finished_at is not None
    assert "Recordless" not in json.dumps(run.counts()) + run.error + str(run)


def test_query_count_does_not_grow_with_the_number_of_expired_contacts():
    def queries(n):
        ContactFactory.create_batch(n, company=ended_company(25))
        with CaptureQueriesContext(connection) as ctx:
            purge("--batch-size", "500")
        return len(ctx)

    assert queries(3) == queries(30)


def test_failure_in_a_batch_keeps_earlier_batches_and_leaves_the_failed_one_untouched(monkeypatch):
    company = CompanyFactory()
    contacts = [ContactFactory(company=company, ended_on=months_before(AS_OF, 30)) for _ in range(4)]
    from audit import services as audit_services

    real = audit_services.erase_objects
    calls = {"n": 0}

    def failing_after_erasing(**kwargs):
        # The second batch fails after its rows are already deleted: all of it must roll back.
        # Only the batches count, not erase_objects' own recursion into dependants (consents, restrictions).
        top_level = kwargs["model"] is Contact
        calls["n"] += top_level
        result = real(**kwargs)
        if top_level and calls["n"] == 2:
            raise RuntimeError("injected failure")
        return result

    monkeypatch.setattr(audit_services, "erase_objects", failing_after_erasing)
    with pytest.raises(RuntimeError):
        purge("--batch-size", "2")
    remaining = set(Contact.objects.values_list("pk", flat=True))
    assert remaining == {contacts[2].pk, contacts[3].pk}
    run = PurgeRun.objects.get()
    assert (run.outcome, run.contacts_deleted) == ("failed", 2)
    assert run.error.startswith("RuntimeError")
    monkeypatch.setattr(audit_services, "erase_objects", real)
    purge("--batch-size", "2")
    assert not Contact.objects.filter(company=company).exists()


def test_a_hold_placed_while_the_purge_runs_keeps_a_contact_of_a_later_batch(monkeypatch):
    company = CompanyFactory()
    _first, second = (ContactFactory(company=company, ended_on=months_before(AS_OF, 30)) for _ in range(2))
    from audit import services as audit_services

    real = audit_services.erase_objects

    def hold_the_second_during_the_first_batch(**kwargs):
        # Both were read as expired before the first batch; the hold comes after that.
        Contact.objects.filter(pk=second.pk).update(legal_hold_until=AS_OF, legal_hold_reason="Court case")
        return real(**kwargs)

    monkeypatch.setattr(audit_services, "erase_objects", hold_the_second_during_the_first_batch)
    purge("--batch-size", "1")
    assert set(Contact.objects.values_list("pk", flat=True)) == {second.pk}
    assert PurgeRun.objects.get().contacts_deleted == 1


def test_the_purge_leaves_the_connections_planner_settings_as_it_found_them(postgres_only):
    ContactFactory.create_batch(3, company=ended_company(25))
    with connection.cursor() as cursor:  # audit: read-only SQL (a planner setting)
        cursor.execute("SHOW cursor_tuple_fraction")
        before = cursor.fetchone()[0]
        purge("--batch-size", "2")
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == before


def test_second_concurrent_run_on_postgresql_exits_cleanly_without_deleting(postgres_only):
    import psycopg2
    from django.conf import settings as django_settings

    from privacy.services import PURGE_LOCK_KEY

    contact = ContactFactory(company=ended_company(25))
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None, password=db["PASSWORD"]
    )
    try:
        with other.cursor() as cursor:  # audit: read-only SQL (takes the lock)
            cursor.execute("SELECT pg_advisory_lock(%s)", [PURGE_LOCK_KEY])
        out = purge("--json")
    finally:
        other.close()
    assert json.loads(out)["skipped"] is True
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_review_page_shows_what_expires_within_30_days(client):
    from accounts.tests.factories import PrivacyOfficerFactory

    sign_in_verified(client, PrivacyOfficerFactory())
    today = timezone.localdate()
    company = CompanyFactory(
        relationship_start=datetime.date(2015, 1, 1),
        relationship_end=months_before(today, 24) + datetime.timedelta(days=10),
    )
    ContactFactory(company=company, last_name="Soonexpiring")
    in_30_days = (today + datetime.timedelta(days=30)).isoformat()
    response = client.get(f"/admin/privacy/purgerun/review/?as_of={in_30_days}")
    assert response.status_code == 200
    assert [row[0].last_name for row in response.context["contact_rows"]] == ["Soonexpiring"]
    assert "Soonexpiring" in response.content.decode()


def test_review_page_is_forbidden_to_staff(client):
    from accounts.tests.factories import StaffUserFactory

    sign_in_verified(client, StaffUserFactory())
    assert client.get("/admin/privacy/purgerun/review/").status_code == 403


# --- data subject requests and restrictions keep what they concern -------------------------------


def test_purge_keeps_a_contact_with_an_open_data_subject_request():
    from privacy.tests.factories import DataSubjectRequestFactory

    company = ended_company(25)
    contact = ContactFactory(company=company)
    DataSubjectRequestFactory(contacts=[contact])
    purge()
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert Company.objects.filter(pk=company.pk).exists()


def test_purge_removes_a_contact_whose_request_is_closed():
    from privacy.models import RequestStatus
    from privacy.tests.factories import DataSubjectRequestFactory

    contact = ContactFactory(company=ended_company(25))
    DataSubjectRequestFactory(contacts=[contact], status=RequestStatus.COMPLETED)
    purge()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_purge_keeps_a_restricted_contact():
    from privacy.tests.factories import ProcessingRestrictionFactory

    contact = ContactFactory(company=ended_company(25))
    ProcessingRestrictionFactory(contact=contact)
    purge()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_purge_removes_a_contact_whose_restriction_was_lifted():
    from privacy.tests.factories import ProcessingRestrictionFactory

    contact = ContactFactory(company=ended_company(25))
    ProcessingRestrictionFactory(contact=contact, lifted_at=timezone.now(), subject_informed_on=AS_OF)
    purge()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_purge_leaves_no_trace_of_a_contact_in_a_closed_request_about_them(find_in_database):
    from privacy.models import DataSubjectRequest, RequestStatus
    from privacy.tests.factories import VerifiedRequestFactory

    contact = customer_services.contact_create(
        company=ended_company(25), first_name="Reeta", last_name="Requestrace", email="reeta@trace.example"
    )
    request = VerifiedRequestFactory(
        contacts=[contact], requester_name="Reeta Requestrace", requester_email="reeta@trace.example"
    )
    DataSubjectRequest.objects.filter(pk=request.pk).update(status=RequestStatus.COMPLETED)
    needles = ("Requestrace", "reeta@trace.example")
    assert find_in_database(*needles)
    purge()
    assert find_in_database(*needles) == []
    assert DataSubjectRequest.objects.filter(pk=request.pk).exists()


def test_a_future_as_of_date_is_refused_for_a_real_run():
    contact = ContactFactory(company=CompanyFactory(relationship_end=timezone.localdate()))
    with pytest.raises(CommandError, match="in the future"):
        call_command("purge_expired", "--as-of", "2099-01-01", stdout=StringIO())
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not PurgeRun.objects.exists()


def test_a_future_as_of_date_is_allowed_for_a_dry_run():
    ContactFactory(company=CompanyFactory(relationship_end=timezone.localdate()))
    out = StringIO()
    call_command("purge_expired", "--as-of", "2099-01-01", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["contacts_deleted"] == 1
    assert Contact.objects.count() == 1
