from unittest.mock import patch

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import PRIVACY_OFFICER, STAFF
from accounts.tests.factories import SuperuserFactory, UserFactory, sign_in_verified
from audit.tests.factories import LogEntryFactory, SecurityEventFactory
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


# accounts' StaffUserFactory/PrivacyOfficerFactory declare `roles` as a plain
# attribute, which shadows the post-generation hook; pass the roles instead.
def StaffUserFactory():
    return UserFactory(roles=[STAFF])


def PrivacyOfficerFactory():
    return UserFactory(roles=[PRIVACY_OFFICER])


CHANGELIST = "admin:auditlog_logentry_changelist"


@pytest.fixture
def signed_in(client):
    def _signed_in(factory):
        sign_in_verified(client, factory())
        return client

    return _signed_in


@pytest.mark.parametrize("url_name", [CHANGELIST, "admin:audit_securityevent_changelist"])
def test_staff_cannot_open_the_audit_log(signed_in, url_name):
    assert signed_in(StaffUserFactory).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("user_factory", [PrivacyOfficerFactory, SuperuserFactory])
@pytest.mark.parametrize("url_name", [CHANGELIST, "admin:audit_securityevent_changelist"])
def test_privacy_officer_and_superuser_can_read_the_audit_log(signed_in, user_factory, url_name):
    LogEntryFactory()
    SecurityEventFactory()
    assert signed_in(user_factory).get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("user_factory", [PrivacyOfficerFactory, SuperuserFactory])
def test_nobody_can_add_change_or_delete_entries_through_the_admin(signed_in, user_factory):
    client = signed_in(user_factory)
    entry = LogEntryFactory(changes={"city": ["Oulu", "Kemi"]})
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    response = client.post(reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"object_repr": "forged"})
    assert response.status_code == 403
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr != "forged"


def test_the_entry_page_shows_the_changes_read_only(signed_in):
    entry = LogEntryFactory(changes={"city": ["Oulu", "Kemi"]})
    response = signed_in(PrivacyOfficerFactory).get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert response.status_code == 200
    assert b"Kemi" in response.content
    assert b'name="_save"' not in response.content


def test_the_audit_log_can_no_longer_be_changed_by_saving_an_entry():
    from audit.receivers import AuditLogImmutableError

    entry = LogEntryFactory()
    entry.object_repr = "forged"
    with pytest.raises(AuditLogImmutableError):
        entry.save()


def _listed(response):
    return {entry.pk for entry in response.context["cl"].result_list}


def test_filters_by_action_actor_model_and_date(signed_in):
    client = signed_in(PrivacyOfficerFactory)
    company_ct = ContentType.objects.get_for_model(Company)
    contact_ct = ContentType.objects.get_for_model(Contact)
    wanted = LogEntryFactory(action=LogEntry.Action.DELETE, actor_email="anna@caracom.example", content_type=company_ct)
    LogEntryFactory(action=LogEntry.Action.UPDATE, actor_email="anna@caracom.example", content_type=company_ct)
    LogEntryFactory(action=LogEntry.Action.DELETE, actor_email="ben@caracom.example", content_type=company_ct)
    LogEntryFactory(action=LogEntry.Action.DELETE, actor_email="anna@caracom.example", content_type=contact_ct)
    params = {
        "action__exact": LogEntry.Action.DELETE,
        "actor_email": "anna@caracom.example",
        "content_type": company_ct.pk,
        "period": "7d",
    }
    response = client.get(reverse(CHANGELIST), params)
    assert _listed(response) == {wanted.pk}


def test_the_date_filter_leaves_out_older_entries(signed_in):
    import datetime

    from django.utils import timezone

    old = LogEntryFactory(timestamp=timezone.now() - datetime.timedelta(days=40))
    recent = LogEntryFactory()
    listed = _listed(signed_in(PrivacyOfficerFactory).get(reverse(CHANGELIST), {"period": "30d"}))
    assert recent.pk in listed
    assert old.pk not in listed


def test_search_finds_entries_by_object_id_and_by_actor_email(signed_in):
    client = signed_in(PrivacyOfficerFactory)
    by_id = LogEntryFactory(object_pk="4242", actor_email="x@caracom.example")
    by_actor = LogEntryFactory(object_pk="77", actor_email="anna@caracom.example")
    assert _listed(client.get(reverse(CHANGELIST), {"q": "4242"})) == {by_id.pk}
    assert _listed(client.get(reverse(CHANGELIST), {"q": "Anna@Caracom.example"})) == {by_actor.pk}


def test_the_list_runs_no_full_count_and_no_distinct(signed_in):
    client = signed_in(PrivacyOfficerFactory)
    LogEntryFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    log_queries = [q["sql"] for q in queries.captured_queries if "auditlog_logentry" in q["sql"]]
    assert log_queries
    assert not [sql for sql in log_queries if "DISTINCT" in sql.upper()]
    counts = [sql for sql in log_queries if "COUNT(" in sql.upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)


def test_the_count_is_capped_instead_of_counting_every_row():
    from audit.admin import COUNT_CAP, EstimatedCountPaginator

    LogEntryFactory.create_batch(3, actor_email="counted@caracom.example")
    queryset = LogEntry.objects.filter(actor_email="counted@caracom.example")
    assert EstimatedCountPaginator(queryset, 100).count == 3
    with patch("audit.admin.COUNT_CAP", 2):
        assert EstimatedCountPaginator(queryset, 100).count == 2
    assert COUNT_CAP >= 10_000


def test_the_company_page_links_to_its_history_for_the_privacy_officer(signed_in):
    company = CompanyFactory()
    other = CompanyFactory()
    client = signed_in(PrivacyOfficerFactory)
    response = client.get(reverse("admin:customers_company_change", args=[company.pk]))
    url = response.context["audit_history_url"]
    listed = client.get(url)
    assert listed.status_code == 200
    listed_objects = {(e.content_type_id, e.object_pk) for e in listed.context["cl"].result_list}
    assert listed_objects == {(ContentType.objects.get_for_model(Company).pk, str(company.pk))}
    assert other.pk != company.pk


def test_the_contact_page_links_to_its_history(signed_in):
    contact = ContactFactory()
    response = signed_in(SuperuserFactory).get(reverse("admin:customers_contact_change", args=[contact.pk]))
    assert response.context["audit_history_url"].encode() in response.content.replace(b"&amp;", b"&")


def test_staff_see_no_history_link(signed_in):
    company = CompanyFactory()
    response = signed_in(StaffUserFactory).get(reverse("admin:customers_company_change", args=[company.pk]))
    assert response.status_code == 200
    assert "audit_history_url" not in response.context


def test_opening_a_contact_page_is_logged_as_access_by_the_viewer(signed_in, entries_for):
    contact = ContactFactory()
    client = signed_in(StaffUserFactory)
    client.get(reverse("admin:customers_contact_change", args=[contact.pk]))
    access = [e for e in entries_for(contact) if e.action == LogEntry.Action.ACCESS]
    assert len(access) == 1
    assert access[0].actor_email.startswith("user")
    assert access[0].object_repr == f"Contact #{contact.pk} ({contact.company.name})"


def test_listing_contacts_is_not_logged_as_access(signed_in):
    ContactFactory()
    signed_in(StaffUserFactory).get(reverse("admin:customers_contact_changelist"))
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_audit_log_shows_the_model_and_changed_fields_in_finnish_words(signed_in):
    client = signed_in(PrivacyOfficerFactory)
    LogEntryFactory(
        action=LogEntry.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(Contact),
        changes={"ended_on": ["None", "2026-11-30"], "title": ["A", "B"]},
    )

    page = client.get(reverse("admin:auditlog_logentry_changelist"), headers={"accept-language": "fi"}).content.decode()

    assert "Yhteyshenkilö" in page
    # PostgreSQL's jsonb keeps keys in its own order, so the two labels are checked one by one.
    assert "ei enää yhteyshenkilö alkaen" in page and "tehtävänimike" in page
    assert "ended_on" not in page
    assert ">muutos<" in page
    assert "Aikaleima" in page
