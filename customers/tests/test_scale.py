"""The admin at a million rows: indexes, estimated counts, bounded queries, indexed search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import StaffUserFactory, sign_in_verified
from customers.admin_search import LargeTablePaginator
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "customers_contact_email_trgm": "upper((email)::text)",
    "customers_contact_phone_trgm": "upper((phone)::text)",
    "customers_company_name_trgm": "upper((name)::text)",
    "customers_company_business_id_trgm": "upper((business_id)::text)",
    "customers_company_city_trgm": "upper((city)::text)",
}


@pytest.fixture
def staff_client(client):
    sign_in_verified(client, StaffUserFactory())
    return client


def index_definitions():
    with connection.cursor() as cursor:  # audit: read-only SQL (catalogue)
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'customers_%%'")
        return dict(cursor.fetchall())


def test_the_search_columns_have_trigram_indexes_on_their_upper_case_form(postgres_only):
    definitions = index_definitions()
    for name, expression in TRIGRAM_INDEXES.items():
        assert "USING gin" in definitions[name]
        assert f"{expression} gin_trgm_ops" in definitions[name]


def test_the_folded_name_columns_have_trigram_indexes(postgres_only):
    definitions = index_definitions()
    for name in ("customers_contact_name_folded_trgm", "customers_company_name_folded_trgm"):
        assert "USING gin (name_folded gin_trgm_ops)" in definitions[name]


def test_the_contact_name_index_carries_the_searched_columns_for_index_only_pages(postgres_only):
    assert "INCLUDE (name_folded, email, company_id)" in index_definitions()["customers_contact_name_cover"]


def test_the_phone_prefix_search_has_a_pattern_index(postgres_only):
    assert "varchar_pattern_ops" in index_definitions()["customers_contact_phone_prefix"]


def test_the_retention_date_columns_are_indexed(db):
    with connection.cursor() as cursor:  # audit: read-only SQL (introspection)
        contact = connection.introspection.get_constraints(cursor, "customers_contact")
        company = connection.introspection.get_constraints(cursor, "customers_company")
    assert contact["customers_contact_ended_on"]["columns"] == ["ended_on"]
    assert contact["customers_contact_hold"]["columns"] == ["legal_hold_until"]
    # PostgreSQL lists the index's included columns after its key columns.
    assert contact["customers_contact_name_cover"]["columns"][:3] == ["last_name", "first_name", "id"]
    assert company["customers_company_rel_end"]["columns"] == ["relationship_end"]
    assert company["customers_company_hold"]["columns"] == ["legal_hold_until"]


def set_planner_estimate(table, rows):
    with connection.cursor() as cursor:  # audit: read-only SQL (planner statistics, rolled back with the test)
        cursor.execute("UPDATE pg_class SET reltuples = %s WHERE relname = %s", [rows, table])


def test_the_paginator_uses_the_planner_estimate_for_a_large_table_on_postgresql(postgres_only, monkeypatch):
    monkeypatch.setattr("audit.admin.COUNT_CAP", 3)
    ContactFactory.create_batch(5)
    set_planner_estimate("customers_contact", 1_234_567)
    assert LargeTablePaginator(Contact.objects.all(), 100).count == 1_234_567


def test_the_paginator_counts_a_table_below_the_cap_exactly_on_postgresql(postgres_only):
    ContactFactory.create_batch(5)
    set_planner_estimate("customers_contact", 1_234_567)
    assert LargeTablePaginator(Contact.objects.all(), 100).count == 5


def test_the_paginator_counts_exactly_on_sqlite(db, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite behaviour")
    monkeypatch.setattr("audit.admin.COUNT_CAP", 3)
    ContactFactory.create_batch(5)
    assert LargeTablePaginator(Contact.objects.all(), 100).count == 5


def test_a_deep_page_fetched_by_deferred_join_has_the_rows_of_plain_slicing(db):
    ContactFactory.create_batch(10)
    queryset = Contact.objects.order_by("last_name", "first_name", "id")
    paginator = LargeTablePaginator(queryset, 3)
    paginator.deferred_join_from = 2
    assert [c.pk for c in paginator.page(3).object_list] == [c.pk for c in queryset[6:9]]
    assert [c.pk for c in paginator.page(4).object_list] == [c.pk for c in queryset[9:10]]


@pytest.mark.parametrize(
    "url, params",
    [
        ("admin:customers_contact_changelist", {}),
        ("admin:customers_contact_changelist", {"source": "customer_company"}),
        ("admin:customers_company_changelist", {}),
        ("admin:customers_company_changelist", {"status": "active"}),
    ],
)
def test_the_changelists_never_count_a_whole_table_on_postgresql(postgres_only, staff_client, url, params):
    ContactFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse(url), params)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")]
    assert counts, "the changelist should count (a capped count)"
    assert all("LIMIT" in sql.upper() for sql in counts), counts


def contact_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:customers_contact_changelist"), params)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries if '"customers_contact"' in q["sql"]]


def test_a_contact_search_is_counted_and_paged_from_one_capped_list_of_its_keys(staff_client):
    ContactFactory.create_batch(3, last_name="Virtanen")

    response, queries = contact_queries(staff_client, {"q": "virtanen"})

    assert response.context["cl"].result_count == 3
    assert not [sql for sql in queries if sql.upper().startswith("SELECT COUNT(")]
    keys = [sql for sql in queries if sql.startswith('SELECT "customers_contact"."id" AS "pk" FROM')]
    if connection.vendor == "postgresql":
        # The probe gathers the matches in no order; their keys are then sorted by key lookups.
        probe, ordered = keys
        assert "LIMIT 5001" in probe and "ORDER BY" not in probe
        assert "= ANY(" in ordered and "ORDER BY" in ordered and "LIMIT" not in ordered
    else:
        (only,) = keys
        assert "LIMIT 10001" in only


def test_the_second_page_of_a_search_continues_in_name_order(staff_client, monkeypatch):
    monkeypatch.setattr("customers.admin.ContactAdmin.list_per_page", 2)
    for last in ("Virtanen", "Aaltovirta", "Virta", "Koivisto"):
        ContactFactory(last_name=last)

    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "virta", "p": "2"})

    assert [c.last_name for c in response.context["cl"].result_list] == ["Virtanen"]
    assert response.context["cl"].result_count == 3


def test_a_word_in_more_company_names_than_the_limit_still_finds_their_contacts(staff_client, monkeypatch):
    monkeypatch.setattr("customers.admin.ContactAdmin.related_search_limit", 1)
    wanted = {ContactFactory(company=CompanyFactory(name=f"Merituuli {n} Oy")).pk for n in range(3)}
    ContactFactory(company=CompanyFactory(name="Tunturi Oy"))

    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "merituuli"})

    assert {c.pk for c in response.context["cl"].result_list} == wanted


def test_the_company_list_shows_each_companys_contact_count(staff_client):
    busy = CompanyFactory(name="Kiireinen Oy")
    CompanyFactory(name="Hiljainen Oy")
    ContactFactory.create_batch(3, company=busy)
    response = staff_client.get(reverse("admin:customers_company_changelist"))
    shown = {company.name: company._contact_count for company in response.context["cl"].result_list}
    assert shown == {"Kiireinen Oy": 3, "Hiljainen Oy": 0}
    assert '<td class="field-contact_count">3</td>' in response.text


def test_contact_search_needs_every_word_to_match_some_field(staff_client):
    company = CompanyFactory(name="Merituuli Oy")
    wanted = ContactFactory(first_name="Aino", last_name="Harjula", company=company)
    ContactFactory(first_name="Aino", last_name="Kallio", company=company)
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "aino harjula"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_contact_search_finds_a_word_in_the_company_name_and_another_in_the_person(staff_client):
    wanted = ContactFactory(first_name="Aino", company=CompanyFactory(name="Merituuli Oy"))
    ContactFactory(first_name="Aino", company=CompanyFactory(name="Tunturi Oy"))
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "merituuli aino"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_contact_list_sorts_by_name(staff_client):
    ContactFactory(last_name="Aalto")
    ContactFactory(last_name="Öhman")
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"o": "-1"})
    assert [c.last_name for c in response.context["cl"].result_list] == ["Öhman", "Aalto"]
