"""Searches planned by what the data holds: a narrow search sorted whole, a common word read in index order."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import StaffUserFactory, sign_in_verified
from caracom_register.queries import planner_settings
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db

URL = "admin:customers_contact_changelist"


@pytest.fixture
def staff_client(client):
    sign_in_verified(client, StaffUserFactory())
    return client


@pytest.fixture
def small_limits(monkeypatch):
    # Pages of two, a common word past four matches, listed to its third: a list as the real one in miniature.
    monkeypatch.setattr("customers.admin_search.SEARCH_PROBE", 4)
    monkeypatch.setattr("customers.admin_search.COMMON_WORD_LISTED", 3)
    monkeypatch.setattr("customers.admin.ContactAdmin.list_per_page", 2)


def contacts_named(last_name, n, company=None):
    company = company or CompanyFactory()
    return [ContactFactory(last_name=last_name, first_name=f"Etu{i:02d}", company=company) for i in range(n)]


def searched(client, term, **params):
    response = client.get(reverse(URL), {"q": term, **params})
    assert response.status_code == 200
    return response


def names_in_order(response):
    return [(c.last_name, c.first_name) for c in response.context["cl"].result_list]


def expected_order(last_name):
    return list(
        Contact.objects.filter(last_name=last_name)
        .order_by("last_name", "first_name", "id")
        .values_list("last_name", "first_name")
    )


def test_a_search_with_as_many_matches_as_the_probe_is_narrow_counted_exactly_and_sorted(
    postgres_only, staff_client, small_limits
):
    contacts_named("Harvinainen", 4)
    ContactFactory(last_name="Muu")

    response = searched(staff_client, "harvinainen")

    assert response.context["cl"].paginator.common_word is False
    assert response.context["cl"].result_count == 4
    assert names_in_order(response) == expected_order("Harvinainen")[:2]
    assert names_in_order(searched(staff_client, "harvinainen", p=2)) == expected_order("Harvinainen")[2:]
    assert "4 results" in response.text


def test_a_search_with_one_match_more_than_the_probe_is_a_common_word_listed_in_order_with_a_note(
    postgres_only, staff_client, small_limits
):
    contacts_named("Yleinen", 5)

    response = searched(staff_client, "yleinen")

    cl = response.context["cl"]
    assert cl.paginator.common_word is True
    assert cl.result_count == 3
    assert names_in_order(response) == expected_order("Yleinen")[:2]
    assert "More than 4 results match; the first 3 in order are listed." in response.text
    assert "results (" not in response.text


def test_a_common_word_in_finnish_says_how_many_match_and_asks_for_a_narrower_search(
    postgres_only, staff_client, small_limits
):
    contacts_named("Yleinen", 5)

    response = staff_client.get(reverse(URL), {"q": "yleinen"}, headers={"accept-language": "fi"})

    assert "Yli 4 tulosta vastaa hakua" in response.text
    assert "Tarkenna hakua" in response.text


def test_a_common_words_last_listed_page_continues_in_name_order_and_ends_at_the_listed_limit(
    postgres_only, staff_client, small_limits
):
    contacts_named("Yleinen", 7)

    second = searched(staff_client, "yleinen", p=2)

    assert second.context["cl"].paginator.common_word is True
    assert names_in_order(second) == expected_order("Yleinen")[2:3]


def test_a_common_word_matched_through_company_names_is_listed_too(postgres_only, staff_client, small_limits):
    company = CompanyFactory(name="Rakennus Yleinen Oy")
    contacts_named("Aalto", 5, company=company)

    response = searched(staff_client, "yleinen")

    assert response.context["cl"].paginator.common_word is True
    assert names_in_order(response) == expected_order("Aalto")[:2]


def test_the_planner_settings_hold_inside_the_block_only(postgres_only):
    def setting():
        with connection.cursor() as cursor:  # audit: read-only SQL (a setting)
            cursor.execute("SHOW enable_seqscan")
            return cursor.fetchone()[0]

    with planner_settings("default", enable_seqscan="off"):
        inside = setting()

    assert (inside, setting()) == ("off", "on")


def test_the_planner_settings_are_undone_when_the_block_fails(postgres_only):
    with pytest.raises(ZeroDivisionError), planner_settings("default", enable_seqscan="off"):
        1 / 0  # noqa: B018 - the failure is the point

    with connection.cursor() as cursor:  # audit: read-only SQL (a setting)
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


def test_a_search_on_sqlite_is_counted_and_sorted_whole(db, staff_client):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite behaviour")
    contacts_named("Yleinen", 5)

    response = searched(staff_client, "yleinen")

    assert response.context["cl"].result_count == 5
    assert names_in_order(response) == expected_order("Yleinen")
