import datetime

import factory
from django.urls import reverse
from django.utils import timezone

from customers.models import Company, Contact, LegalBasis, Source


def valid_business_id(n):
    """A business ID with a correct check digit, different for each n."""
    from customers.validators import business_id_check_digit

    base = 1000000 + n
    while True:
        digits = f"{base:07d}"
        check = business_id_check_digit(digits)
        if check is not None:
            return f"{digits}-{check}"
        base += 1000003


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Asiakas {n} Oy")
    business_id = factory.Sequence(lambda n: valid_business_id(n * 7))
    street_address = factory.Faker("street_address", locale="fi_FI")
    postal_code = factory.Faker("postcode", locale="fi_FI")
    city = factory.Faker("city", locale="fi_FI")
    country = "FI"
    relationship_start = datetime.date(2020, 1, 1)
    relationship_end = None
    source = Source.CUSTOMER_COMPANY


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    title = "Toimitusjohtaja"
    email = factory.Sequence(lambda n: f"contact{n}@asiakas.example")
    phone = factory.Sequence(lambda n: f"+35840{1000000 + n}")
    city = "Kalajoki"
    country = "FI"
    legal_basis = LegalBasis.LEGITIMATE_INTEREST
    source = Source.DATA_SUBJECT


def company_post_data(company, **changes):
    """The admin form of a company's change page as saved unchanged, with `changes` on top."""
    data = {
        "name": company.name,
        "business_id": company.business_id,
        "source": company.source,
        "street_address": company.street_address,
        "postal_code": company.postal_code,
        "city": company.city,
        "country": company.country,
        "relationship_start": company.relationship_start.isoformat(),
        "relationship_end": "",
        "legal_hold_until": "",
        "legal_hold_reason": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    return data | changes


def existing_contact_post(contact, **changes):
    return company_post_data(
        contact.company,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": contact.pk,
            "contacts-0-company": contact.company_id,
            "contacts-0-first_name": contact.first_name,
            "contacts-0-last_name": contact.last_name,
            "contacts-0-title": contact.title,
            "contacts-0-email": contact.email,
            "contacts-0-phone": contact.phone,
            "contacts-0-legal_basis": contact.legal_basis,
            "contacts-0-source": contact.source,
            **changes,
        },
    )


def retitle_from_company_page(client, contact):
    client.post(
        reverse("admin:customers_company_change", args=[contact.company_id]),
        existing_contact_post(contact, **{"contacts-0-title": "Changed"}),
    )


class PublicRegisterCheckFactory(factory.django.DjangoModelFactory):
    """What the trade register answered about a company, as stored by a fetch or the sync."""

    class Meta:
        model = "public_register.PublicRegisterCheck"

    company = factory.SubFactory(CompanyFactory)
    business_id = factory.SelfAttribute("company.business_id")
    checked_at = factory.LazyFunction(timezone.now)
    status = "registered"
    name = factory.SelfAttribute("company.name")
    street_address = factory.SelfAttribute("company.street_address")
    postal_code = factory.SelfAttribute("company.postal_code")
    city = factory.SelfAttribute("company.city")
    country = "FI"
