"""Phone, postal code, country and business ID rules: bad values are refused with the field named."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from customers.validators import business_id_check_digit, normalize_phone

pytestmark = pytest.mark.django_db


def test_a_contact_with_trailing_junk_in_the_phone_is_refused():
    company = CompanyFactory()
    with pytest.raises(ValidationError) as caught:
        services.contact_create(company=company, first_name="Maija", last_name="Meikäläinen", phone="0456393329x")
    assert "phone" in caught.value.message_dict
    assert "0456393329x" in caught.value.message_dict["phone"][0]
    assert not Contact.objects.exists()


def test_a_phone_written_with_spaces_dashes_and_brackets_is_accepted():
    assert normalize_phone("(045) 639-3329") == "+358456393329"


def test_a_phone_with_an_extension_in_words_is_refused():
    with pytest.raises(ValidationError):
        normalize_phone("045 639 3329 ext 5")


def test_a_finnish_postal_code_of_five_digits_is_accepted():
    contact = services.contact_create(
        company=CompanyFactory(), first_name="Maija", last_name="M", postal_code="00100", country="FI"
    )
    assert contact.postal_code == "00100"


@pytest.mark.parametrize("code", ["0010", "001000", "00 100", "FI-00100"])
def test_a_finnish_postal_code_that_is_not_five_digits_is_refused(code):
    with pytest.raises(ValidationError) as caught:
        services.contact_create(
            company=CompanyFactory(), first_name="Maija", last_name="M", postal_code=code, country="FI"
        )
    assert list(caught.value.message_dict) == ["postal_code"]
    assert "Finland" in caught.value.message_dict["postal_code"][0]


def test_a_swedish_postal_code_follows_the_swedish_rule():
    company = services.company_create(name="Svensk AB", postal_code="114 55", country="SE")
    assert company.postal_code == "114 55"
    with pytest.raises(ValidationError) as caught:
        services.company_update(company=company, postal_code="11455X")
    assert "postal_code" in caught.value.message_dict


def test_a_postal_code_of_a_country_without_a_rule_is_not_checked():
    company = services.company_create(name="Japan KK", postal_code="100-0001", country="JP")
    assert company.postal_code == "100-0001"


def test_a_country_outside_the_list_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.company_create(name="Nowhere Oy", country="QQ")
    assert "country" in caught.value.message_dict


def test_the_country_is_chosen_from_a_translated_list_on_the_contact_form(signed_in_staff):
    response = signed_in_staff.get("/admin/customers/contact/add/", HTTP_ACCEPT_LANGUAGE="fi")
    body = response.content.decode()
    assert '<select name="country"' in body
    assert "Ruotsi" in body


def test_the_business_id_help_texts_example_is_a_valid_business_id():
    help_text = str(Company._meta.get_field("business_id").help_text)
    example = help_text.split("e.g. ")[1].split(".")[0]
    assert business_id_check_digit(example[:7]) == int(example[-1])


def test_the_country_of_a_contact_reads_as_its_code_in_personal_data():
    contact = ContactFactory(country="SE", postal_code="")
    assert contact.personal_data()["country"] == "SE"


def test_the_country_migration_turns_typed_values_into_codes_and_keeps_unknown_ones():
    migration = importlib.import_module("customers.migrations.0005_country_choice_and_postal_codes")
    lower, alias, unknown = ContactFactory(), ContactFactory(), ContactFactory()
    Contact.objects.filter(pk=lower.pk).update(country="se")
    Contact.objects.filter(pk=alias.pk).update(country="UK")
    Contact.objects.filter(pk=unknown.pk).update(country="QQ")
    migration.normalise_countries(apps, None)
    codes = dict(Contact.objects.values_list("pk", "country"))
    assert (codes[lower.pk], codes[alias.pk], codes[unknown.pk]) == ("SE", "GB", "QQ")
