"""Every way of writing an audited model, and whether it is logged or refused.

Logged: save (create/update), delete, QuerySet.update/delete, bulk_create,
bulk_update, get_or_create, update_or_create, related-manager update,
loaddata (new rows and overwrites), many-to-many add/remove/clear, group
deletion removing memberships.
Refused: bulk_create with conflict handling (error), on_delete=SET_NULL /
SET_DEFAULT / SET() / DO_NOTHING on audited models (system check audit.E001),
a default manager without AuditedQuerySet (audit.E002).
Not loggable, so forbidden in project code: raw SQL and Django's private write
APIs (test_source_scan.py proves the project uses none).
"""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from accounts.models import User
from accounts.tests.factories import UserFactory
from audit.checks import check_audited_models
from audit.querysets import AuditBypassError
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def actions(entries):
    return [e.action for e in entries]


def test_save_of_a_new_company_is_logged_as_create(entries_for):
    company = CompanyFactory(name="Uusi Oy")
    [entry] = entries_for(company)
    assert entry.action == CREATE
    assert entry.changes["name"] == [None, "Uusi Oy"]


def test_save_of_a_changed_contact_is_logged_with_only_the_changed_field(entries_for):
    contact = ContactFactory(title="Myyjä")
    contact.title = "Toimitusjohtaja"
    contact.save()
    entry = entries_for(contact)[-1]
    assert entry.action == UPDATE
    assert entry.changes == {"title": ["Myyjä", "Toimitusjohtaja"]}


def test_save_without_changes_writes_no_entry(entries_for):
    contact = ContactFactory()
    contact.save()
    assert actions(entries_for(contact)) == [CREATE]


def test_create_entry_does_not_list_reverse_relations_or_timestamps(entries_for):
    company = CompanyFactory()
    assert not {"contacts", "created_at", "updated_at"} & set(entries_for(company)[0].changes)


def test_model_delete_is_logged(entries_for):
    contact = ContactFactory()
    pk = contact.pk
    contact.delete()
    assert actions(entries_for(None, Contact, pk)) == [CREATE, DELETE]


def test_queryset_delete_logs_each_deleted_row(entries_for):
    contacts = ContactFactory.create_batch(3, city="Raahe")
    Contact.objects.filter(city="Raahe").delete()
    for contact in contacts:
        assert actions(entries_for(None, Contact, contact.pk)) == [CREATE, DELETE]


def test_queryset_update_logs_one_entry_per_changed_row_with_the_changed_fields(entries_for):
    moved = ContactFactory.create_batch(2, city="Oulu")
    stayed = ContactFactory(city="Kemi")
    updated = Contact.objects.filter(city__in=["Oulu", "Kemi"]).update(city="Kemi")
    assert updated == 3
    for contact in moved:
        entry = entries_for(contact)[-1]
        assert (entry.action, entry.changes) == (UPDATE, {"city": ["Oulu", "Kemi"]})
    assert actions(entries_for(stayed)) == [CREATE]


def test_queryset_update_of_a_filtered_field_still_logs_every_row(entries_for):
    contacts = ContactFactory.create_batch(2, city="Oulu")
    Contact.objects.filter(city="Oulu").update(city="Kemi")
    assert all(entries_for(c)[-1].changes == {"city": ["Oulu", "Kemi"]} for c in contacts)


def test_related_manager_update_is_logged(entries_for):
    contact = ContactFactory(title="A")
    contact.company.contacts.update(title="B")
    assert entries_for(contact)[-1].changes == {"title": ["A", "B"]}


def test_bulk_create_logs_a_create_entry_per_row(entries_for):
    company = CompanyFactory()
    created = Contact.objects.bulk_create(
        [
            Contact(company=company, first_name="Aino", last_name="A"),
            Contact(company=company, first_name="Eino", last_name="E"),
        ]
    )
    for contact in created:
        [entry] = entries_for(contact)
        assert entry.action == CREATE
        assert entry.object_repr == f"Contact #{contact.pk} ({company.name})"


def test_bulk_create_ignoring_conflicts_is_refused_and_writes_nothing():
    with pytest.raises(AuditBypassError, match="ignore_conflicts"):
        Company.objects.bulk_create([Company(name="X Oy")], ignore_conflicts=True)
    assert not Company.objects.filter(name="X Oy").exists()


def test_bulk_create_updating_conflicts_is_refused():
    with pytest.raises(AuditBypassError):
        Company.objects.bulk_create(
            [Company(name="X Oy", business_id="1234567-1")],
            update_conflicts=True,
            unique_fields=["business_id"],
            update_fields=["name"],
        )


def test_bulk_update_logs_only_the_rows_that_changed(entries_for):
    first, second = ContactFactory.create_batch(2, title="A")
    first.title = "B"
    Contact.objects.bulk_update([first, second], ["title"])
    assert entries_for(first)[-1].changes == {"title": ["A", "B"]}
    assert actions(entries_for(second)) == [CREATE]


def test_get_or_create_and_update_or_create_are_logged(entries_for):
    company, _ = Company.objects.get_or_create(name="Haku Oy")
    Company.objects.update_or_create(pk=company.pk, defaults={"city": "Vaasa"})
    entries = entries_for(company)
    assert actions(entries) == [CREATE, UPDATE]
    assert entries[-1].changes == {"city": ["", "Vaasa"]}


def test_save_with_update_fields_is_logged(entries_for):
    company = CompanyFactory(city="Oulu")
    company.city = "Kemi"
    company.save(update_fields=["city"])
    assert entries_for(company)[-1].changes == {"city": ["Oulu", "Kemi"]}


def _fixture(tmp_path, objects):
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(objects))
    return str(path)


def test_loaddata_overwriting_an_existing_company_is_logged_as_update(tmp_path, entries_for):
    company = CompanyFactory(name="Vanha Oy")
    fields = {"name": "Uusi Oy", "country": "FI", "relationship_start": "2020-01-01", "source": "customer_company"}
    fields |= {"created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"}
    call_command(
        "loaddata",
        _fixture(tmp_path, [{"model": "customers.company", "pk": company.pk, "fields": fields}]),
        verbosity=0,
    )
    entry = entries_for(company)[-1]
    assert (entry.action, entry.changes["name"]) == (UPDATE, ["Vanha Oy", "Uusi Oy"])


def test_loaddata_of_a_new_company_is_logged_as_create(tmp_path, entries_for):
    fields = {"name": "Ladattu Oy", "country": "FI", "relationship_start": "2020-01-01", "source": "customer_company"}
    fields |= {"created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"}
    call_command(
        "loaddata", _fixture(tmp_path, [{"model": "customers.company", "pk": 9001, "fields": fields}]), verbosity=0
    )
    assert actions(entries_for(None, Company, 9001)) == [CREATE]


def test_user_changes_are_logged_without_password_or_last_login(entries_for):
    user = UserFactory()
    user.set_password("another-long-password-99")
    user.save()
    from django.utils import timezone

    user.last_login = timezone.now()
    user.save()
    user.first_name = "Uusi"
    user.save()
    entries = entries_for(user)
    assert all("password" not in (e.changes or {}) and "last_login" not in (e.changes or {}) for e in entries)
    assert entries[-1].changes == {"first_name": [entries[0].changes["first_name"][1], "Uusi"]}


def test_user_queryset_update_is_logged(entries_for):
    user = UserFactory(is_active=True)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert entries_for(user)[-1].changes == {"is_active": [True, False]}


def test_group_membership_add_and_remove_are_logged(entries_for):
    user = UserFactory()
    group = Group.objects.create(name="Testers")
    user.groups.add(group)
    user.groups.remove(group)
    changes = [e.changes["groups"] for e in entries_for(user) if e.changes and "groups" in e.changes]
    assert [(c["operation"], c["objects"]) for c in changes] == [("add", ["Testers"]), ("delete", ["Testers"])]


def test_user_permission_clear_is_logged(entries_for):
    user = UserFactory()
    permission = Permission.objects.get(codename="view_company")
    user.user_permissions.add(permission)
    user.user_permissions.clear()
    assert entries_for(user)[-1].changes["user_permissions"]["operation"] == "delete"


def test_group_permission_changes_are_logged(entries_for):
    group = Group.objects.create(name="Readers")
    group.permissions.add(Permission.objects.get(codename="view_company"))
    assert entries_for(group)[-1].changes["permissions"]["operation"] == "add"


def test_group_queryset_update_is_logged(entries_for):
    group = Group.objects.create(name="Old")
    Group.objects.filter(pk=group.pk).update(name="New")
    assert entries_for(group)[-1].changes == {"name": ["Old", "New"]}


def test_deleting_a_group_logs_the_removed_memberships(entries_for):
    user = UserFactory()
    group = Group.objects.create(name="Temporary")
    user.groups.add(group)
    group.delete()
    last = entries_for(user)[-1]
    assert last.changes["groups"] == {"type": "m2m", "operation": "delete", "objects": ["Temporary"]}


def test_raw_sql_is_not_logged_which_is_why_project_code_must_not_use_it(entries_for):
    company = CompanyFactory(city="Oulu")
    with connection.cursor() as cursor:  # audit: read-only SQL (the write is the point of this test)
        cursor.execute("UPDATE customers_company SET city = %s WHERE id = %s", ["Kemi", company.pk])
    assert actions(entries_for(company)) == [CREATE]


def test_audited_models_pass_the_write_path_checks():
    assert check_audited_models() == []


@pytest.mark.parametrize("on_delete", [models.SET_NULL, models.DO_NOTHING, models.SET(None)])
def test_an_audited_model_with_an_unlogged_on_delete_is_refused_by_the_system_check(on_delete):
    with isolate_apps("audit"):

        class Note(models.Model):
            company = models.ForeignKey("customers.Company", null=True, on_delete=on_delete)

            def __str__(self):
                return f"Note {self.pk}"

        ids = {error.id for error in check_audited_models(models_to_check=[Note])}
    assert ids == {"audit.E001", "audit.E002"}
