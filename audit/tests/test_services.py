import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.context import system_actor
from audit.models import SecurityEvent
from audit.services import REDACTED, purge_expired_entries, redact_entries_for
from audit.tests.factories import LogEntryFactory, SecurityEventFactory
from customers import services
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 6, 1, 12, 0))


def aged(days):
    return NOW - datetime.timedelta(days=days)


def test_purge_deletes_entries_731_days_old_and_keeps_729_days_old():
    keep = LogEntryFactory(timestamp=aged(729))
    drop = LogEntryFactory(timestamp=aged(731))
    counts = purge_expired_entries(as_of=NOW)
    assert LogEntry.objects.filter(pk=keep.pk).exists()
    assert not LogEntry.objects.filter(pk=drop.pk).exists()
    assert counts["log_entries"] == 1


def test_purge_deletes_security_events_731_days_old_and_keeps_729_days_old():
    keep = SecurityEventFactory(timestamp=aged(729))
    drop = SecurityEventFactory(timestamp=aged(731))
    purge_expired_entries(as_of=NOW)
    assert list(SecurityEvent.objects.filter(pk__in=[keep.pk, drop.pk])) == [keep]


def test_purge_works_through_many_batches():
    LogEntryFactory.create_batch(7, timestamp=aged(800))
    assert purge_expired_entries(as_of=NOW, batch_size=2)["log_entries"] == 7
    assert not LogEntry.objects.filter(timestamp__lt=aged(730)).exists()


@override_settings(AUDIT_LOG_RETENTION_DAYS=30)
def test_purge_follows_the_retention_setting():
    keep = LogEntryFactory(timestamp=aged(29))
    LogEntryFactory(timestamp=aged(31))
    purge_expired_entries(as_of=NOW)
    assert list(LogEntry.objects.filter(timestamp__lt=NOW - datetime.timedelta(days=1))) == [keep]


def test_purge_refuses_a_batch_size_below_one():
    with pytest.raises(ValueError, match="batch_size"):
        purge_expired_entries(as_of=NOW, batch_size=0)


@pytest.fixture
def logged_contact():
    officer = UserFactory(email="officer@caracom.example")
    with system_actor("demo-import"):
        contact = services.contact_create(
            company=CompanyFactory(name="Asiakas Oy"),
            first_name="Matti",
            last_name="Meikäläinen",
            email="matti@asiakas.example",
            legal_basis="contract",
        )
    from django.test import RequestFactory

    from audit.context import request_actor

    request = RequestFactory().get("/")
    request.user = officer
    with request_actor(request, remote_addr="192.0.2.10"):
        services.contact_update(contact=contact, phone="0456393329", title="Myyjä")
    return contact


def test_redaction_removes_personal_values_and_keeps_who_when_what_and_which_fields(logged_contact, entries_for):
    before = entries_for(logged_contact)
    assert redact_entries_for(logged_contact) == 2
    after = entries_for(logged_contact)
    for old, new in zip(before, after, strict=True):
        assert (new.actor_id, new.actor_email, new.timestamp, new.action, new.remote_addr) == (
            old.actor_id,
            old.actor_email,
            old.timestamp,
            old.action,
            old.remote_addr,
        )
        assert set(new.changes) == set(old.changes)
        assert new.object_repr == f"Contact #{logged_contact.pk}"
        assert new.serialized_data is None
    created, updated = after
    assert created.changes["first_name"] == [None, REDACTED]
    assert created.changes["email"] == [None, REDACTED]
    assert created.changes["legal_basis"] == [None, "contract"]
    assert updated.changes["phone"] == ["", REDACTED]
    assert updated.actor_email == "officer@caracom.example"
    flat = str([e.changes for e in after]) + str([e.object_repr for e in after])
    for value in ("Matti", "Meikäläinen", "matti@asiakas.example", "+358456393329", "Asiakas Oy"):
        assert value not in flat


def test_redaction_does_not_take_the_actor_from_the_current_context(logged_contact, entries_for):
    from django.test import RequestFactory

    from audit.context import request_actor

    request = RequestFactory().get("/")
    request.user = UserFactory(email="eraser@caracom.example")
    with request_actor(request, remote_addr="203.0.113.1"):
        redact_entries_for(logged_contact)
    emails = [e.actor_email for e in entries_for(logged_contact)]
    assert emails == ["demo-import@system.local", "officer@caracom.example"]


def test_redaction_works_after_the_object_is_deleted(logged_contact, entries_for):
    pk = logged_contact.pk
    services.contact_delete(contact=logged_contact)
    assert redact_entries_for(model=Contact, pk=pk) == 3
    assert all(e.object_repr == f"Contact #{pk}" for e in entries_for(None, Contact, pk))


def test_redaction_leaves_other_objects_entries_alone(logged_contact, entries_for):
    other = ContactFactory(first_name="Liisa")
    redact_entries_for(logged_contact)
    assert entries_for(other)[0].changes["first_name"] == [None, "Liisa"]


def test_redaction_of_an_unaudited_model_is_refused():
    with pytest.raises(ValueError, match="not an audited model"):
        redact_entries_for(model=SecurityEvent, pk=1)


@pytest.mark.parametrize(
    "changes",
    [
        {"first_name": [None, "Matti"], "legal_basis": [None, "contract"]},
        {"phone": ["", "+358456393329"], "email": [None, ""]},
        {"first_name": "Matti", "title": ["A", "B"]},
        {"email": {"type": "m2m", "operation": "add", "objects": ["a@b.example", "c@d.example"]}},
        {"email": {"type": "m2m", "operation": "add"}},
        {"first_name": ["Matti", "", None], "last_name": ["Meikäläinen"], "phone": []},
        {"email": [{"old": "a@b.example"}, ["c@d.example"], 0, False]},
        {"first_name": None, "last_name": "", "city": {"not": "m2m"}, "title": 3},
        {"legal_basis": [None, "contract"], "company": [None, 7]},
        {},
        [None, "Matti"],
        None,
    ],
    ids=[
        "create",
        "blank-values-kept",
        "scalar",
        "m2m",
        "m2m-no-objects",
        "lists-of-other-lengths",
        "list-of-structures",
        "other-scalars-and-objects",
        "no-personal-field",
        "empty",
        "not-an-object",
        "null",
    ],
)
def test_redaction_in_the_database_matches_the_python_rewrite(postgres_only, changes):
    from audit.registry import get_audited
    from audit.services import _redact_changes

    contact = ContactFactory()
    entry = LogEntryFactory(
        content_type=ContentType.objects.get_for_model(Contact),
        object_pk=str(contact.pk),
        object_id=contact.pk,
        changes=changes,
        additional_data={"system_context": {"process": "x"}},
    )
    personal = set(get_audited(Contact).personal_fields)
    expected = _redact_changes(LogEntry.objects.get(pk=entry.pk).changes, personal)
    redact_entries_for(model=Contact, pks=[contact.pk])
    entry.refresh_from_db()
    assert entry.changes == expected
    assert entry.object_repr == f"Contact #{contact.pk}"
    assert entry.additional_data["system_context"] == {"process": "x"}
    assert "redacted_at" in entry.additional_data


def test_erasure_replaces_the_persons_name_in_djangos_admin_history_of_those_rows_only():
    from django.contrib.admin.models import CHANGE
    from django.contrib.admin.models import LogEntry as AdminLogEntry

    from audit.services import erase_objects

    erased, kept = ContactFactory.create_batch(2)
    content_type = ContentType.objects.get_for_model(Contact)
    user = UserFactory()
    for contact in (erased, kept):
        AdminLogEntry.objects.create(
            user=user,
            content_type=content_type,
            object_id=str(contact.pk),
            object_repr=f"{contact.first_name} {contact.last_name}",
            action_flag=CHANGE,
        )
    erase_objects(model=Contact, pks=[erased.pk])
    reprs = dict(AdminLogEntry.objects.values_list("object_id", "object_repr"))
    assert reprs == {str(erased.pk): f"Contact #{erased.pk}", str(kept.pk): f"{kept.first_name} {kept.last_name}"}
