import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_requested_numbers(capsys):
    call_command("seed_demo", companies=7, contacts_per_company=3, seed=1)
    assert (Company.objects.count(), Contact.objects.count()) == (7, 21)
    assert "Loaded 7 demo companies and 21 contacts" in capsys.readouterr().out


def test_seeded_data_passes_the_models_validation():
    call_command("seed_demo", companies=40, contacts_per_company=4, seed=2)
    for company in Company.objects.all():
        company.full_clean()
    for contact in Contact.objects.all():
        contact.full_clean()


def test_seed_demo_if_empty_loads_nothing_when_data_exists():
    CompanyFactory()
    call_command("seed_demo", companies=5, if_empty=True)
    assert Company.objects.count() == 1


def test_seed_demo_if_empty_loads_into_an_empty_register():
    call_command("seed_demo", companies=5, contacts_per_company=1, if_empty=True)
    assert Company.objects.count() == 5


def test_seed_demo_query_count_does_not_grow_with_contacts_per_company():
    def queries(per_company):
        with CaptureQueriesContext(connection) as ctx:
            call_command("seed_demo", companies=10, contacts_per_company=per_company, batch_size=10)
        return len(ctx)

    queries(1)  # the first run also creates the seed's service actor
    assert queries(2) == queries(20)


def test_seed_demo_refuses_a_negative_count():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", "--companies", "-3")
    assert not Company.objects.exists()
