import pytest
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD, PrivacyOfficerFactory, StaffUserFactory, sign_in_verified
from customers.models import Company, Contact
from customers.tests.factories import (
    CompanyFactory,
    ContactFactory,
    retitle_from_company_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = StaffUserFactory()
    sign_in_verified(client, user)
    return client


def company_form(**overrides):
    data = {
        "name": "Kalajoen Kala Oy",
        "business_id": "0112038-9",
        "source": "customer_company",
        "street_address": "Kalakuja 2",
        "postal_code": "85100",
        "city": "Kalajoki",
        "country": "FI",
        "relationship_start": "2024-01-01",
        "relationship_end": "",
        "legal_hold_until": "",
        "legal_hold_reason": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-first_name": "Maija",
        "contacts-0-last_name": "Meikäläinen",
        "contacts-0-title": "CEO",
        "contacts-0-email": "Maija@Kala.fi",
        "contacts-0-phone": "045 639 3329",
        "contacts-0-legal_basis": "contract",
        "contacts-0-source": "data_subject",
        "contacts-0-ended_on": "",
    }
    data.update(overrides)
    return data


def test_staff_signs_in_with_email_in_any_case(client):
    StaffUserFactory(email="sanna@caracom.fi")
    response = client.post(
        reverse("admin:login"), {"username": "Sanna@Caracom.FI", "password": TEST_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_staff_adds_a_company_with_an_inline_contact(staff_client):
    response = staff_client.post(reverse("admin:customers_company_add"), company_form())
    assert response.status_code == 302, response.context["errors"] if response.context else response
    company = Company.objects.get()
    contact = company.contacts.get()
    assert (contact.email, contact.phone) == ("maija@kala.fi", "+358456393329")


def test_wrong_business_id_check_digit_is_shown_on_the_field_and_saves_nothing(staff_client):
    response = staff_client.post(reverse("admin:customers_company_add"), company_form(business_id="0112038-8"))
    assert response.status_code == 200
    assert "0112038-8" in str(response.context["adminform"].form.errors["business_id"])
    assert not Company.objects.exists()
    assert not Contact.objects.exists()


def test_unparseable_inline_phone_is_shown_and_saves_nothing(staff_client):
    response = staff_client.post(reverse("admin:customers_company_add"), company_form(**{"contacts-0-phone": "123abc"}))
    assert response.status_code == 200
    assert "123abc" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert not Company.objects.exists()


def test_end_date_before_start_date_is_refused_in_the_admin(staff_client):
    response = staff_client.post(reverse("admin:customers_company_add"), company_form(relationship_end="2023-12-31"))
    assert "relationship_end" in response.context["adminform"].form.errors
    assert not Company.objects.exists()


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    return client


def test_hold_without_reason_is_refused_in_the_admin(officer_client):
    response = officer_client.post(reverse("admin:customers_company_add"), company_form(legal_hold_until="2030-01-01"))
    assert "legal_hold_reason" in response.context["adminform"].form.errors


def test_privacy_officer_sets_a_legal_hold_in_the_admin(officer_client):
    response = officer_client.post(
        reverse("admin:customers_company_add"),
        company_form(legal_hold_until="2030-01-01", legal_hold_reason="Accounting Act 2:10"),
    )
    assert response.status_code == 302
    assert Company.objects.get().legal_hold_until.isoformat() == "2030-01-01"


def test_staff_cannot_lift_a_legal_hold_in_the_admin(staff_client):
    import datetime

    held = ContactFactory(legal_hold_until=datetime.date(2099, 1, 1), legal_hold_reason="Court case")
    form = staff_client.get(reverse("admin:customers_contact_change", args=[held.pk])).context["adminform"].form
    assert "legal_hold_until" not in form.fields
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data |= {"company": held.company_id, "legal_hold_until": "", "legal_hold_reason": ""}
    data["title"] = "Renamed while held"
    response = staff_client.post(reverse("admin:customers_contact_change", args=[held.pk]), data)
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.title == "Renamed while held"
    assert held.legal_hold_until == datetime.date(2099, 1, 1)


def test_contact_search_finds_by_last_name(staff_client):
    ContactFactory(last_name="Harjuhahto")
    ContactFactory(last_name="Virtanen")
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "harjuh"})
    assert [c.last_name for c in response.context["cl"].result_list] == ["Harjuhahto"]


def test_contact_search_finds_a_phone_typed_in_local_form(staff_client):
    ContactFactory(phone="+358456393329", last_name="Found")
    ContactFactory(phone="+358401234567", last_name="Other")
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "045 639 3329"})
    assert [c.last_name for c in response.context["cl"].result_list] == ["Found"]


def test_contact_search_by_a_phone_number_finds_the_numbers_that_start_with_it(staff_client):
    ContactFactory(phone="+358456393329", last_name="Found")
    ContactFactory(phone="+358401234567", last_name="Other", email="0456393329@example.fi")
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "045 639"})
    assert [c.last_name for c in response.context["cl"].result_list] == ["Found"]


def test_contact_search_by_digits_that_are_no_phone_number_searches_the_other_fields(staff_client):
    ContactFactory(email="matti.1975@example.fi", last_name="Found")
    ContactFactory(last_name="Other")
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "1975"})
    assert [c.last_name for c in response.context["cl"].result_list] == ["Found"]


def test_contact_search_finds_by_company_name(staff_client):
    ContactFactory(company=CompanyFactory(name="Caracom Asiakas Oy"), last_name="Found")
    ContactFactory(last_name="Other")
    response = staff_client.get(reverse("admin:customers_contact_changelist"), {"q": "caracom asiakas"})
    assert [c.last_name for c in response.context["cl"].result_list] == ["Found"]


def test_company_list_shows_status_and_contact_count(staff_client):
    company = CompanyFactory(name="Ended Oy", relationship_end="2024-03-01")
    ContactFactory.create_batch(2, company=company)
    response = staff_client.get(reverse("admin:customers_company_changelist"))
    content = response.content.decode()
    assert "Ended on 1.3.2024" in content
    row = response.context["cl"].result_list[0]
    assert row._contact_count == 2


def test_company_list_filters_active_customers(staff_client):
    CompanyFactory(name="Active Oy")
    CompanyFactory(name="Ended Oy", relationship_end="2024-03-01")
    response = staff_client.get(reverse("admin:customers_company_changelist"), {"status": "active"})
    assert [c.name for c in response.context["cl"].result_list] == ["Active Oy"]


def test_company_autocomplete_is_used_for_the_contacts_company(staff_client):
    response = staff_client.get(reverse("admin:customers_contact_add"))
    assert "admin-autocomplete" in response.content.decode()


def test_admin_follows_the_browsers_language(staff_client):
    response = staff_client.get(reverse("admin:customers_company_changelist"), headers={"accept-language": "fi"})
    assert response.headers["Content-Language"] == "fi"
    assert "yritykset" in response.content.decode()


def test_the_action_bar_of_a_list_reads_in_finnish_where_djangos_catalogue_has_no_finnish(staff_client):
    ContactFactory()

    page = staff_client.get(reverse("admin:customers_contact_changelist"), headers={"accept-language": "fi"}).text

    assert "- Valitse -" in page and "Suorita" in page
    assert "Select an option" not in page and ">Run<" not in page


def test_user_can_switch_the_admin_to_finnish(staff_client):
    response = staff_client.post(reverse("set_language"), {"language": "fi", "next": "/admin/"})
    assert response.status_code == 302
    response = staff_client.get(reverse("admin:index"))
    assert response.headers["Content-Language"] == "fi"


def test_a_contact_already_on_a_company_page_is_not_changed_from_it(staff_client):
    contact = ContactFactory(title="Myyjä")

    retitle_from_company_page(staff_client, contact)

    contact.refresh_from_db()
    assert contact.title == "Myyjä"


def test_the_company_page_shows_its_contacts_with_a_link_to_each_contacts_own_page(staff_client):
    contact = ContactFactory(last_name="Harjuhahto")

    response = staff_client.get(reverse("admin:customers_company_change", args=[contact.company_id]))

    content = response.content.decode()
    assert "Harjuhahto" in content
    assert 'name="contacts-0-last_name"' not in content
    assert reverse("admin:customers_contact_change", args=[contact.pk]) in content


def test_admin_history_of_a_company_names_its_inline_contacts_by_id_not_by_name(staff_client):
    from django.contrib.admin.models import LogEntry as AdminLogEntry

    staff_client.post(reverse("admin:customers_company_add"), company_form(**{"contacts-0-last_name": "Inlinetrace"}))
    contact = Contact.objects.get()
    messages = " ".join(AdminLogEntry.objects.values_list("change_message", flat=True))
    assert "Inlinetrace" not in messages
    assert f"Contact #{contact.pk}" in messages


@pytest.mark.parametrize("confirmed", [{}, {"post": "yes"}], ids=["asked", "confirmed"])
def test_delete_selected_with_a_held_contact_deletes_nothing_and_says_which_and_why_on_the_page(
    staff_client, confirmed
):
    import datetime

    free = ContactFactory()
    held = ContactFactory(legal_hold_until=datetime.date(2099, 1, 1), legal_hold_reason="Contract 7")
    response = staff_client.post(
        reverse("admin:customers_contact_changelist"),
        {"action": "delete_selected", "_selected_action": [free.pk, held.pk], **confirmed},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Contact #{held.pk} is under a legal hold until 1.1.2099 (Contract 7) and cannot be deleted." in page
    assert "Nothing was deleted: some of the selected contacts must be kept." in page
    assert Contact.objects.filter(pk__in=[free.pk, held.pk]).count() == 2


def test_delete_selected_without_a_kept_contact_still_asks_and_deletes(staff_client):
    first, second = ContactFactory(), ContactFactory()
    url = reverse("admin:customers_contact_changelist")
    selected = {"action": "delete_selected", "_selected_action": [first.pk, second.pk]}
    assert 'name="post" value="yes"' in staff_client.post(url, selected).content.decode()
    response = staff_client.post(url, {**selected, "post": "yes"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_held_contact_has_no_delete_page_for_staff(staff_client):
    import datetime

    held = ContactFactory(legal_hold_until=datetime.date(2099, 1, 1), legal_hold_reason="Contract 7")
    response = staff_client.get(reverse("admin:customers_contact_delete", args=[held.pk]))
    assert response.status_code == 403


def test_the_company_pages_contact_rows_hold_five_fields_that_fit_the_page(staff_client):
    company = CompanyFactory()
    ContactFactory(company=company)

    response = staff_client.get(reverse("admin:customers_company_change", args=[company.pk]))
    formset = response.context["inline_admin_formsets"][0]

    assert list(formset.formset.form.base_fields) == ["first_name", "last_name", "title", "email", "phone"]


def test_staff_see_no_empty_legal_hold_or_record_section_on_a_new_company(staff_client):
    response = staff_client.get(reverse("admin:customers_company_add"))

    names = [str(fieldset.name) for fieldset in response.context["adminform"]]
    assert "Legal hold" not in names and "Record" not in names


def test_staff_see_a_contacts_legal_hold_when_there_is_one(staff_client):
    import datetime

    contact = ContactFactory(legal_hold_until=datetime.date(2099, 1, 1), legal_hold_reason="Sopimus")

    response = staff_client.get(reverse("admin:customers_contact_change", args=[contact.pk]))

    assert "Legal hold" in [str(fieldset.name) for fieldset in response.context["adminform"]]
