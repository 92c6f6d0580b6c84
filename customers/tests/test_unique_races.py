"""A unique key taken by a concurrent writer between the check and the save is a field error, never a 500."""

import threading

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffUserFactory, sign_in_verified
from caracom_register.constraints import violated_unique_constraint
from customers import services
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory, company_post_data

BUSINESS_ID = "0112038-9"
TAKEN_ID_ERROR = f"Another company already has the business ID “{BUSINESS_ID}”."
TAKEN_EMAIL_ERROR = "This company already has a contact person with the email address “maija@kala.fi”."


@pytest.fixture
def rival_between_check_and_save(monkeypatch):
    """Let a rival writer take the same key right after the n-th `full_clean()` of a model passed.

    The race of two parallel saves made deterministic: both pass validation, the rival writes first. On one
    connection the rival's row goes with the refused save's rollback; the parallel tests below keep it.
    """

    def arrange(model, rival, *, after_call=1):
        original = model.full_clean
        calls = {"n": 0}

        def full_clean(self, *args, **kwargs):
            original(self, *args, **kwargs)
            calls["n"] += 1
            if calls["n"] == after_call:
                rival()

        monkeypatch.setattr(model, "full_clean", full_clean)

    return arrange


def company_entries():
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Company))


@pytest.mark.django_db
def test_a_business_id_taken_between_the_check_and_the_save_is_refused_on_the_field(rival_between_check_and_save):
    rival_between_check_and_save(Company, lambda: CompanyFactory(name="Rival Oy", business_id=BUSINESS_ID))
    with pytest.raises(ValidationError) as refused:
        services.company_create(name="Kalajoen Kala Oy", business_id=BUSINESS_ID)
    assert refused.value.message_dict == {"business_id": [TAKEN_ID_ERROR]}
    assert not Company.objects.filter(name="Kalajoen Kala Oy").exists()
    assert not company_entries().filter(object_repr="Kalajoen Kala Oy").exists()


@pytest.mark.django_db
def test_a_business_id_changed_to_one_taken_meanwhile_is_refused_and_the_row_keeps_its_own(
    rival_between_check_and_save,
):
    company = CompanyFactory(business_id="")
    rival_between_check_and_save(Company, lambda: CompanyFactory(business_id=BUSINESS_ID))
    with pytest.raises(ValidationError) as refused:
        services.company_update(company=company, business_id=BUSINESS_ID)
    assert refused.value.message_dict == {"business_id": [TAKEN_ID_ERROR]}
    company.refresh_from_db()
    assert company.business_id == ""


@pytest.mark.django_db
def test_an_email_taken_in_the_same_company_meanwhile_is_refused_on_the_field(rival_between_check_and_save):
    company = CompanyFactory()
    rival_between_check_and_save(
        Contact, lambda: ContactFactory(company=company, email="maija@kala.fi", first_name="Kilpailija")
    )
    with pytest.raises(ValidationError) as refused:
        services.contact_create(company=company, first_name="Maija", last_name="Meikäläinen", email="Maija@Kala.fi")
    assert refused.value.message_dict == {"email": [TAKEN_EMAIL_ERROR]}
    assert not Contact.objects.filter(first_name="Maija").exists()


@pytest.mark.django_db
def test_the_same_email_at_another_company_meanwhile_is_no_conflict(rival_between_check_and_save):
    company = CompanyFactory()
    rival_between_check_and_save(Contact, lambda: ContactFactory(email="maija@kala.fi"))
    services.contact_create(company=company, first_name="Maija", last_name="Meikäläinen", email="maija@kala.fi")
    assert Contact.objects.filter(email="maija@kala.fi").count() == 2


@pytest.mark.django_db
def test_a_business_id_taken_after_clean_looked_is_still_refused_on_the_field(monkeypatch):
    # The window inside full_clean(): clean() found the ID free, the constraint check then finds it taken.
    original = Company.clean

    def clean_then_a_rival_saves(self):
        original(self)
        if not Company.objects.filter(business_id=BUSINESS_ID).exists():
            CompanyFactory(business_id=BUSINESS_ID)

    monkeypatch.setattr(Company, "clean", clean_then_a_rival_saves)
    with pytest.raises(ValidationError) as refused:
        services.company_create(name="Kalajoen Kala Oy", business_id=BUSINESS_ID)
    assert refused.value.message_dict == {"business_id": [TAKEN_ID_ERROR]}


@pytest.mark.django_db
def test_an_integrity_error_of_no_unique_key_is_not_taken_for_one():
    error = IntegrityError("NOT NULL constraint failed: customers_company.name")
    assert violated_unique_constraint(Company, error) is None


@pytest.fixture
def staff_client(client, db):
    sign_in_verified(client, StaffUserFactory())
    return client


def new_company_form(**changes):
    return company_post_data(CompanyFactory.build(business_id=BUSINESS_ID), **changes)


@pytest.mark.django_db
def test_the_company_page_shows_a_business_id_taken_at_the_save_on_the_field(
    staff_client, rival_between_check_and_save
):
    # The form's validation is the first full_clean(), the service's the second: the rival comes after both.
    rival_between_check_and_save(
        Company, lambda: CompanyFactory(name="Rival Oy", business_id=BUSINESS_ID), after_call=2
    )
    response = staff_client.post(reverse("admin:customers_company_add"), new_company_form())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["business_id"] == [TAKEN_ID_ERROR]
    assert not Company.objects.filter(name=response.context["adminform"].form.data["name"]).exists()


@pytest.mark.django_db
def test_the_contact_page_shows_an_email_taken_at_the_save_on_the_field(staff_client, rival_between_check_and_save):
    company = CompanyFactory()
    rival_between_check_and_save(
        Contact, lambda: ContactFactory(company=company, email="maija@kala.fi", first_name="Kilpailija"), after_call=2
    )
    response = staff_client.post(
        reverse("admin:customers_contact_add"),
        {
            "company": company.pk,
            "first_name": "Maija",
            "last_name": "Meikäläinen",
            "email": "maija@kala.fi",
            "country": "FI",
            "legal_basis": "contract",
            "source": "data_subject",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [TAKEN_EMAIL_ERROR]
    assert not Contact.objects.filter(first_name="Maija").exists()


# --- the real race: parallel writers on their own database connections (PostgreSQL) ---

PARALLEL = 12


def run_in_parallel(work):
    """Run `work()` in PARALLEL threads released at once; each returns what it returned or raised."""
    barrier = threading.Barrier(PARALLEL)
    results = [None] * PARALLEL

    def worker(i):
        try:
            barrier.wait()
            results[i] = work()
        except Exception as exc:  # every outcome is collected and checked
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_parallel_adds_of_one_business_id_save_one_and_refuse_the_rest_on_the_field(postgres_only):
    results = run_in_parallel(lambda: services.company_create(name="Kalajoen Kala Oy", business_id=BUSINESS_ID))
    saved = [r for r in results if isinstance(r, Company)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1
    assert len(refused) == PARALLEL - 1, [r for r in results if not isinstance(r, Company | ValidationError)]
    assert all(r.message_dict == {"business_id": [TAKEN_ID_ERROR]} for r in refused), [r.message_dict for r in refused]
    assert Company.objects.count() == 1
    assert company_entries().count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_parallel_adds_of_one_email_in_a_company_save_one_and_refuse_the_rest_on_the_field(postgres_only):
    company = CompanyFactory()
    results = run_in_parallel(
        lambda: services.contact_create(company=company, first_name="Maija", last_name="M", email="maija@kala.fi")
    )
    assert sum(isinstance(r, Contact) for r in results) == 1
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == PARALLEL - 1, results
    assert all(r.message_dict == {"email": [TAKEN_EMAIL_ERROR]} for r in refused), [r.message_dict for r in refused]
    assert Contact.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_parallel_company_pages_adding_one_business_id_answer_one_redirect_and_field_errors(postgres_only):
    users = [StaffUserFactory() for _ in range(PARALLEL)]
    clients = []
    for user in users:
        client = Client()
        sign_in_verified(client, user)
        clients.append(client)
    turn = iter(range(PARALLEL))
    lock = threading.Lock()

    def post():
        with lock:
            client = clients[next(turn)]
        response = client.post(reverse("admin:customers_company_add"), new_company_form(name="Kalajoen Kala Oy"))
        errors = response.context["adminform"].form.errors.get("business_id") if response.status_code == 200 else None
        return response.status_code, errors

    results = run_in_parallel(post)
    assert sorted(status for status, _ in results) == [200] * (PARALLEL - 1) + [302]
    refusals = [errors for status, errors in results if status == 200]
    assert all(errors == [TAKEN_ID_ERROR] for errors in refusals), refusals
    assert Company.objects.count() == 1
    assert company_entries().count() == 1
