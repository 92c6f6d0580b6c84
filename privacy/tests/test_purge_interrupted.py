"""A purge killed half-way (kill -9) is marked interrupted by the next run, and the retention review says so."""

import datetime
import os
import signal
import subprocess
import sys
import time
from io import StringIO

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, sign_in_verified
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import PurgeRun

TODAY = timezone.localdate


def left_running(**kwargs):
    """The record a killed run leaves: outcome running, no end."""
    return PurgeRun.objects.create(as_of=TODAY(), **kwargs)


@pytest.mark.django_db
def test_a_run_left_running_is_marked_interrupted_by_the_next_run():
    killed = left_running(contacts_deleted=5000)
    run = services.retention_purge(as_of=TODAY())
    killed.refresh_from_db()
    assert killed.outcome == PurgeRun.Outcome.INTERRUPTED
    assert killed.error == f"Stopped before it finished; found still marked running by run #{run.pk}."
    assert killed.contacts_deleted == 5000  # what its finished batches did stays counted
    assert killed.finished_at is None
    assert run.outcome == PurgeRun.Outcome.SUCCEEDED


@pytest.mark.django_db
def test_a_dry_run_that_takes_the_lock_also_marks_a_run_left_running():
    killed = left_running()
    call_command("purge_expired", "--dry-run", stdout=StringIO())
    killed.refresh_from_db()
    assert killed.outcome == PurgeRun.Outcome.INTERRUPTED


@pytest.mark.django_db
def test_finished_runs_are_left_as_they_ended():
    done = PurgeRun.objects.create(as_of=TODAY(), outcome=PurgeRun.Outcome.SUCCEEDED, finished_at=timezone.now())
    failed = PurgeRun.objects.create(as_of=TODAY(), outcome=PurgeRun.Outcome.FAILED, error="OperationalError")
    services.retention_purge(as_of=TODAY())
    assert set(PurgeRun.objects.filter(pk__in=[done.pk, failed.pk]).values_list("outcome", flat=True)) == {
        PurgeRun.Outcome.SUCCEEDED,
        PurgeRun.Outcome.FAILED,
    }


def other_connection():
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None, password=db["PASSWORD"]
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_run_that_finds_the_lock_taken_leaves_the_running_run_alone(postgres_only):
    running = left_running()
    other = other_connection()
    try:
        with other.cursor() as cursor:  # audit: read-only SQL (takes the lock)
            cursor.execute("SELECT pg_advisory_lock(%s)", [services.PURGE_LOCK_KEY])
        services.retention_purge(as_of=TODAY())
    finally:
        other.close()
    running.refresh_from_db()
    assert running.outcome == PurgeRun.Outcome.RUNNING


def wait_for(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def scalar(conn, sql, params=()):
    with conn.cursor() as cursor:  # audit: read-only SQL (lock and activity views)
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_purge_killed_with_sigkill_is_marked_interrupted_by_the_next_run(postgres_only):
    company = CompanyFactory(relationship_start=datetime.date(2015, 1, 1), relationship_end=datetime.date(2020, 1, 1))
    contact = ContactFactory(company=company)
    db = connection.settings_dict
    watcher = other_connection()
    blocker = other_connection()
    try:
        # Hold the expired contact's row, so the purge is stopped mid-batch where kill -9 finds it.
        with blocker.cursor() as cursor:  # audit: read-only SQL (a row lock, no change)
            cursor.execute("SELECT id FROM customers_contact WHERE id = %s FOR UPDATE", [contact.pk])
        env = os.environ | {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "DJANGO_READ_ENV_FILE": "false",
            "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
            "ERASURE_LEDGER_KEY": settings.ERASURE_LEDGER_KEY,
            "ERASURE_LEDGER_PATH": settings.ERASURE_LEDGER_PATH,
        }
        purge = subprocess.Popen([sys.executable, "manage.py", "purge_expired"], cwd=settings.BASE_DIR, env=env)
        watcher.autocommit = True
        wait_for(lambda: scalar(watcher, "SELECT count(*) FROM pg_locks WHERE NOT granted") > 0, "the purge to block")
        os.kill(purge.pid, signal.SIGKILL)
        purge.wait()
        blocker.rollback()
        # The dead client's server process ends once it finds the socket closed, releasing the purge lock.
        wait_for(
            lambda: scalar(watcher, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == 0,
            "the killed purge's session to end",
        )
    finally:
        blocker.close()
        watcher.close()
    killed = PurgeRun.objects.get()
    assert (killed.outcome, killed.finished_at) == (PurgeRun.Outcome.RUNNING, None)
    assert Contact.objects.filter(pk=contact.pk).exists()  # its unfinished batch left nothing half-done

    run = services.retention_purge(as_of=TODAY())

    killed.refresh_from_db()
    assert killed.outcome == PurgeRun.Outcome.INTERRUPTED
    assert run.outcome == PurgeRun.Outcome.SUCCEEDED
    assert not Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.django_db
def test_the_retention_review_shows_an_interrupted_run(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    left_running()
    services.retention_purge(as_of=TODAY())
    page = client.get("/admin/privacy/purgerun/review/").content.decode()
    assert "was interrupted before it finished" in page
    assert "Interrupted: stopped before it finished" in page


@pytest.mark.django_db
def test_the_retention_review_warns_of_nothing_when_no_run_was_interrupted(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    services.retention_purge(as_of=TODAY())
    page = client.get("/admin/privacy/purgerun/review/").content.decode()
    assert "was interrupted before it finished" not in page
