"""Duplicate candidates: the rules, the find_duplicates command, the duplicates page and the form warning."""

import io
import json

import pytest
from django.core.management import call_command

from customers.duplicates import contact_duplicates_of, duplicate_pairs, similarity
from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def reasons_of(pairs):
    return {(p.first_id, p.second_id): p.reasons for p in pairs}


def test_the_same_email_in_different_companies_is_a_candidate():
    a = ContactFactory(email="maija@kala.example")
    b = ContactFactory(email="MAIJA@kala.example")
    assert reasons_of(duplicate_pairs())[(a.pk, b.pk)] == {"email"}


def test_different_emails_in_different_companies_are_no_candidates():
    ContactFactory(email="maija@kala.example")
    ContactFactory(email="maija@kala2.example")
    assert duplicate_pairs() == []


def test_the_same_phone_is_a_candidate():
    a = ContactFactory(phone="+358456393329")
    b = ContactFactory(phone="+358456393329")
    assert reasons_of(duplicate_pairs())[(a.pk, b.pk)] == {"phone"}


def test_the_same_name_within_one_company_is_a_candidate():
    company = CompanyFactory()
    a = ContactFactory(company=company, first_name="Maija", last_name="Meikäläinen")
    b = ContactFactory(company=company, first_name="maija", last_name="MEIKÄLÄINEN")
    assert "name" in reasons_of(duplicate_pairs())[(a.pk, b.pk)]


def test_the_same_name_in_different_companies_alone_is_no_candidate():
    ContactFactory(first_name="Maija", last_name="Meikäläinen")
    ContactFactory(first_name="Maija", last_name="Meikäläinen")
    assert duplicate_pairs() == []


def test_a_near_identical_name_in_one_company_is_a_candidate_on_both_databases():
    company = CompanyFactory()
    a = ContactFactory(company=company, first_name="Meikäläinen", last_name="Maija")
    b = ContactFactory(company=company, first_name="Maija", last_name="Meikalainen")
    assert reasons_of(duplicate_pairs())[(a.pk, b.pk)] == {"similar_name"}


def test_names_below_the_similarity_threshold_are_no_candidates():
    company = CompanyFactory()
    ContactFactory(company=company, first_name="Juha", last_name="Korhonen")
    ContactFactory(company=company, first_name="Jukka", last_name="Korhonen")
    assert duplicate_pairs() == []


def test_the_python_similarity_matches_pg_trgm_for_swapped_and_accented_names():
    assert similarity("Meikäläinen Maija", "Maija Meikalainen") == 1.0
    assert similarity("", "Maija") == 0.0


@pytest.mark.postgres
def test_postgresql_computes_the_same_similarity_as_the_python_rule(postgres_only):
    from django.db import connection

    with connection.cursor() as cursor:  # audit: read-only SQL
        cursor.execute("SELECT similarity(%s, %s)", ["maija virtanen", "matti virtanen"])
        (pg,) = cursor.fetchone()
    assert round(pg, 3) == round(similarity("Maija Virtanen", "Matti Virtanen"), 3)


def test_the_command_lists_pairs_by_id_with_reasons():
    a = ContactFactory(phone="+358456393329")
    b = ContactFactory(phone="+358456393329")
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    assert f"#{a.pk} #{b.pk}: same phone" in out.getvalue()
    assert a.first_name not in out.getvalue()


def test_the_command_writes_json():
    a = ContactFactory(phone="+358456393329")
    b = ContactFactory(phone="+358456393329")
    out = io.StringIO()
    call_command("find_duplicates", "--json", stdout=out)
    assert json.loads(out.getvalue()) == [{"contact_ids": [a.pk, b.pk], "reasons": ["phone"]}]


def test_the_duplicates_page_lists_the_pair_with_why(signed_in_staff):
    a = ContactFactory(phone="+358456393329")
    b = ContactFactory(phone="+358456393329")
    response = signed_in_staff.get("/admin/customers/contact/duplicates/")
    body = response.content.decode()
    assert f"/admin/customers/contact/merge/{a.pk}/{b.pk}/" in body
    assert "same phone" in body


def test_the_duplicates_page_speaks_finnish(signed_in_staff):
    ContactFactory(phone="+358456393329")
    ContactFactory(phone="+358456393329")
    response = signed_in_staff.get("/admin/customers/contact/duplicates/", HTTP_ACCEPT_LANGUAGE="fi")
    assert "Mahdolliset kaksoiskappaleet" in response.content.decode()
    assert "sama puhelinnumero" in response.content.decode()


def test_a_new_contact_like_an_existing_one_is_held_back_with_a_warning_naming_the_other(signed_in_staff):
    other = ContactFactory(phone="+358456393329")
    data = contact_form(other.company, phone="045 639 3329")
    response = signed_in_staff.post("/admin/customers/contact/add/", data)
    assert response.status_code == 200
    assert f"contact #{other.pk}" in response.content.decode()
    assert Contact.objects.count() == 1


def test_save_anyway_saves_the_contact_that_looks_like_another(signed_in_staff):
    other = ContactFactory(phone="+358456393329")
    data = contact_form(other.company, phone="045 639 3329", save_anyway="on")
    response = signed_in_staff.post("/admin/customers/contact/add/", data)
    assert response.status_code == 302
    assert Contact.objects.count() == 2


def test_a_new_contact_like_no_other_is_saved_without_a_warning(signed_in_staff):
    company = CompanyFactory()
    response = signed_in_staff.post("/admin/customers/contact/add/", contact_form(company))
    assert response.status_code == 302


def test_contact_duplicates_of_ignores_the_contact_itself():
    contact = ContactFactory(phone="+358456393329")
    assert contact_duplicates_of(contact=contact) == []


def contact_form(company, **changes):
    return {
        "company": company.pk,
        "first_name": "Ville",
        "last_name": "Vallaton",
        "title": "",
        "email": "ville@uusi.example",
        "phone": "",
        "street_address": "",
        "postal_code": "",
        "city": "",
        "country": "FI",
        "legal_basis": "legitimate_interest",
        "source": "data_subject",
        "ended_on": "",
    } | changes
