import sys

import pytest
from auditlog.models import LogEntry
from django.core.management import BaseCommand, call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD, StaffUserFactory, SuperuserFactory, sign_in_verified
from audit.context import current_actor, system_actor, user_actor
from customers import services
from customers.models import Company
from customers.tests.factories import CompanyFactory, company_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for():
    def _client(client, user):
        sign_in_verified(client, user)
        return client

    return _client


def change_company_in_admin(client, company, **meta):
    # A company already in Kokkola (Faker picks Finnish cities) would change nothing and log nothing.
    assert company.city != "Kokkola"
    url = reverse("admin:customers_company_change", args=[company.pk])
    response = client.post(url, company_post_data(company, city="Kokkola"), **meta)
    assert response.status_code == 302, response.content[:2000]
    return LogEntry.objects.get_for_object(company).filter(action=LogEntry.Action.UPDATE).latest("timestamp")


def test_a_change_in_the_admin_is_attributed_to_the_signed_in_user(client, admin_client_for, entries_for):
    user = SuperuserFactory(email="anna@caracom.example")
    company = CompanyFactory(city="Oulu")
    entry = change_company_in_admin(admin_client_for(client, user), company)
    assert (entry.actor_id, entry.actor_email) == (user.pk, "anna@caracom.example")
    assert entry.changes == {"city": ["Oulu", "Kokkola"]}


def test_the_address_comes_from_remote_addr_and_a_forged_forwarded_for_is_ignored(client, admin_client_for):
    company = CompanyFactory(city="Oulu")
    entry = change_company_in_admin(
        admin_client_for(client, SuperuserFactory()),
        company,
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
        HTTP_X_FORWARDED_PORT="-5",
        HTTP_X_CORRELATION_ID="x" * 400,
    )
    assert entry.remote_addr == "198.51.100.7"
    assert entry.remote_port is None
    assert len(entry.cid) == 32


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_last_forwarded_address_is_the_client(client, admin_client_for):
    entry = change_company_in_admin(
        admin_client_for(client, SuperuserFactory()),
        CompanyFactory(city="Oulu"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",
    )
    assert entry.remote_addr == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_non_ip_forwarded_value_neither_is_recorded_nor_breaks_the_save(client, admin_client_for):
    entry = change_company_in_admin(
        admin_client_for(client, SuperuserFactory()),
        CompanyFactory(city="Oulu"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="'; DROP TABLE x; --",
    )
    assert entry.remote_addr == "10.0.0.2"


def test_an_invalid_remote_addr_is_recorded_as_unknown_and_the_save_succeeds(client, admin_client_for):
    client = admin_client_for(client, SuperuserFactory())
    entry = change_company_in_admin(client, CompanyFactory(city="Oulu"), REMOTE_ADDR="nope")
    assert entry.remote_addr is None


class ImportCommand(BaseCommand):
    help = "Stands in for a project command that writes audited data."

    @system_actor("demo-import")
    def handle(self, *args, **options):
        services.company_create(name="Komento Oy")


def test_a_command_with_system_actor_is_attributed_to_its_service_user(entries_for):
    call_command(ImportCommand())
    [entry] = entries_for(Company.objects.get(name="Komento Oy"))
    assert entry.actor_email == "demo-import@system.local"
    assert entry.actor == User.objects.get(email="demo-import@system.local")


def test_the_service_user_cannot_sign_in(client):
    with system_actor("demo-import"):
        services.company_create(name="Komento Oy")
    service = User.objects.get(email="demo-import@system.local")
    assert not service.is_active
    assert not service.has_usable_password()
    assert not client.login(request=RequestFactory().post("/admin/login/"), username=service.email, password="")


def test_a_service_actor_name_must_be_a_simple_slug():
    with pytest.raises(ValueError, match="invalid"):
        system_actor("Retention Purge!")


def test_a_shell_session_is_attributed_to_the_shell_command(monkeypatch, entries_for):
    monkeypatch.setattr(sys, "argv", ["manage.py", "shell"])
    call_command("shell", command="from customers.services import company_create; company_create(name='Kuori Oy')")
    [entry] = entries_for(Company.objects.get(name="Kuori Oy"))
    assert entry.actor_email == "manage-shell@system.local"
    assert entry.actor is None
    assert entry.additional_data["system_context"]["process"] == "manage.py shell"


def test_code_outside_any_context_gets_the_system_actor(entries_for):
    [entry] = entries_for(services.company_create(name="Tausta Oy"))
    assert entry.actor_email == "system@system.local"


def test_nested_system_actors_restore_the_outer_one(entries_for):
    with system_actor("outer-job"):
        with system_actor("inner-job"):
            inner = services.company_create(name="Sisä Oy")
        outer = services.company_create(name="Ulko Oy")
    assert entries_for(inner)[0].actor_email == "inner-job@system.local"
    assert entries_for(outer)[0].actor_email == "outer-job@system.local"


def test_a_bulk_update_in_a_request_is_attributed_to_the_signed_in_user(rf, entries_for):
    from audit.context import request_actor

    user = SuperuserFactory(email="bulk@caracom.example")
    company = CompanyFactory(city="Oulu")
    request = rf.get("/")
    request.user = user
    with request_actor(request, remote_addr="192.0.2.1"):
        Company.objects.filter(pk=company.pk).update(city="Kemi")
    entry = entries_for(company)[-1]
    assert (entry.actor_email, entry.remote_addr) == ("bulk@caracom.example", "192.0.2.1")


def test_no_entry_ever_has_an_empty_actor_email(client):
    client.login(
        request=RequestFactory().post("/admin/login/"), username=SuperuserFactory().email, password=TEST_PASSWORD
    )
    CompanyFactory()
    assert not LogEntry.objects.filter(actor_email__isnull=True).exists()
    assert not LogEntry.objects.filter(actor_email="").exists()


def test_user_actor_names_the_given_user_on_entries_written_inside(db):
    user = StaffUserFactory()
    with user_actor(user):
        assert current_actor().email == user.email


def test_user_actor_refuses_an_inactive_user(db):
    user = StaffUserFactory(is_active=False)
    with pytest.raises(ValueError), user_actor(user):
        pass
