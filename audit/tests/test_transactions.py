import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.tests.factories import SuperuserFactory, sign_in_verified
from customers import services
from customers.models import Company
from customers.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_a_write_that_fails_validation_leaves_no_entry(entries_for):
    company = CompanyFactory()
    with pytest.raises(ValidationError):
        services.company_update(company=company, business_id="not-an-id")
    assert len(entries_for(company)) == 1


def test_a_save_that_hits_an_integrity_error_leaves_no_entry(entries_for):
    CompanyFactory(business_id="1234567-1")
    company = CompanyFactory(business_id="")
    company.business_id = "1234567-1"
    with pytest.raises(IntegrityError), transaction.atomic():
        company.save()
    assert len(entries_for(company)) == 1


def test_a_failing_save_never_attempts_to_write_an_entry(entries_for):
    # django-auditlog writes the update entry before the row (pre_save), which
    # in autocommit mode would leave a phantom; here it is written after.
    from django.db.models.signals import pre_save

    CompanyFactory(business_id="1234567-1")
    company = CompanyFactory(business_id="")
    attempts = []

    def spy(sender, instance, **kwargs):
        attempts.append(instance)

    pre_save.connect(spy, sender=LogEntry, dispatch_uid="test-spy")
    try:
        company.business_id = "1234567-1"
        with pytest.raises(IntegrityError), transaction.atomic():
            company.save()
    finally:
        pre_save.disconnect(sender=LogEntry, dispatch_uid="test-spy")
    assert attempts == []


def test_an_exception_later_in_the_transaction_rolls_back_the_entry_too(entries_for):
    company = CompanyFactory(city="Oulu")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.company_update(company=company, city="Kemi")
        raise RuntimeError("something after the write failed")
    company.refresh_from_db()
    assert company.city == "Oulu"
    assert len(entries_for(company)) == 1


def test_a_rolled_back_bulk_update_leaves_no_entries(entries_for):
    company = CompanyFactory(city="Oulu")
    with pytest.raises(RuntimeError), transaction.atomic():
        Company.objects.filter(pk=company.pk).update(city="Kemi")
        raise RuntimeError("abort")
    assert len(entries_for(company)) == 1


def test_a_committed_admin_change_has_its_entry(client, entries_for):
    from customers.tests.factories import company_post_data

    company = CompanyFactory(city="Oulu")
    sign_in_verified(client, SuperuserFactory())
    client.post(reverse("admin:customers_company_change", args=[company.pk]), company_post_data(company, city="Kemi"))
    company.refresh_from_db()
    assert company.city == "Kemi"
    assert entries_for(company)[-1].changes == {"city": ["Oulu", "Kemi"]}
