"""The trade register on the company pages, through the admin: fetch, compare, accept field by field, review."""

import datetime
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, UserFactory, sign_in_verified
from customers.models import Company, Source
from customers.public_register.models import PublicRegisterCheck, RegisterStatus
from customers.tests.factories import CompanyFactory, PublicRegisterCheckFactory
from customers.tests.public_register.ytj import answer, company, serve, situation

pytestmark = pytest.mark.django_db

ATTRIBUTION = "Source: Finnish Patent and Registration Office (PRH)"


@pytest.fixture
def staff(client):
    user = StaffUserFactory()
    sign_in_verified(client, user)
    client.user = user
    return client


@pytest.fixture
def ours():
    return CompanyFactory(
        name="Vanha Esimerkki Oy", street_address="Vanhatie 1", postal_code="00100", city="Helsinki", country="FI"
    )


def page_url(company):
    return reverse("admin:customers_company_public_register", args=[company.pk])


def fetch(client, company, business_id=None):
    return client.post(page_url(company), {"fetch": "1", "business_id": business_id or company.business_id})


def accept(client, company, *fields, fetched_at=None):
    if fetched_at is None:
        fetched_at = PublicRegisterCheck.objects.get(company=company).checked_at.isoformat()
    return client.post(page_url(company), {"accept": "1", "fields": list(fields), "fetched_at": fetched_at})


def test_the_company_page_offers_the_fetch_before_any_check(staff, ours):
    response = staff.get(reverse("admin:customers_company_change", args=[ours.pk]))
    page = response.content.decode()
    assert "Fetch from the trade register" in page and page_url(ours) in page
    assert "Not checked against the trade register yet." in page


def test_a_fetch_shows_the_registers_details_beside_ours_with_the_source(staff, ours, register_api):
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    assert fetch(staff, ours).status_code == 302
    page = staff.get(page_url(ours)).content.decode()
    assert "Vanha Esimerkki Oy" in page and "Esimerkkivienti Oy" in page
    assert 'name="fields" value="name"' in page and 'name="fields" value="street_address"' in page
    assert ATTRIBUTION in page
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"


def test_accepting_the_name_alone_saves_only_the_name_audited_with_the_user(staff, ours, register_api):
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    fetch(staff, ours)
    response = accept(staff, ours, "name")
    assert response["Location"] == reverse("admin:customers_company_change", args=[ours.pk])
    ours.refresh_from_db()
    assert (ours.name, ours.street_address, ours.source) == ("Esimerkkivienti Oy", "Vanhatie 1", Source.PUBLIC_REGISTER)
    entry = LogEntry.objects.get_for_object(ours).get(action=LogEntry.Action.UPDATE)
    assert entry.actor_email == staff.user.email
    assert set(entry.changes_dict) == {"name", "source"}
    check = PublicRegisterCheck.objects.get(company=ours)
    assert check.accepted_fetch_at == check.checked_at


def test_the_company_page_then_shows_the_date_of_the_fetch_the_details_came_from(staff, ours, register_api):
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    fetch(staff, ours)
    accept(staff, ours, "name", "street_address", "postal_code", "city")
    page = staff.get(reverse("admin:customers_company_change", args=[ours.pk])).content.decode()
    assert "details saved from the fetch of" in page
    assert ATTRIBUTION in page


def test_accepting_after_the_register_was_asked_again_saves_nothing(staff, ours, register_api):
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    fetch(staff, ours)
    seen = PublicRegisterCheck.objects.get(company=ours).checked_at.isoformat()
    fetch(staff, ours)
    response = accept(staff, ours, "name", fetched_at=seen)
    assert response.status_code == 200
    assert "The trade register was asked again after you fetched its details" in response.content.decode()
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"


def test_accepting_with_no_detail_chosen_is_refused(staff, ours, register_api):
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    fetch(staff, ours)
    response = accept(staff, ours)
    assert "Choose at least one detail to accept from the trade register." in response.content.decode()
    assert Company.objects.get(pk=ours.pk).source == ours.source


def test_accepting_a_detail_that_does_not_differ_is_refused(staff, register_api):
    ours = CompanyFactory(name="Esimerkkivienti Oy", street_address="Vanhatie 1")
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    fetch(staff, ours)
    response = accept(staff, ours, "name", "street_address")
    assert response.status_code == 200
    assert "Select a valid choice. name is not one of the available choices." in response.content.decode()
    assert Company.objects.get(pk=ours.pk).street_address == "Vanhatie 1"


def test_a_business_id_with_a_wrong_check_digit_is_refused_before_the_register_is_asked(staff, ours, register_api):
    response = fetch(staff, ours, business_id="0112038-8")
    assert response.status_code == 200
    assert "0112038-8" in response.content.decode()
    assert register_api.log == []
    assert not PublicRegisterCheck.objects.exists()


def test_a_typed_business_id_can_be_accepted_with_the_details(staff, register_api):
    ours = CompanyFactory(business_id="", name="Esimerkkivienti")
    serve(register_api, "0112038-9", answer(company("0112038-9")))
    fetch(staff, ours, business_id="0112038-9")
    accept(staff, ours, "business_id", "name")
    ours.refresh_from_db()
    assert (ours.business_id, ours.name) == ("0112038-9", "Esimerkkivienti Oy")


def test_a_register_that_fails_leaves_everything_as_it_was_and_says_why(staff, ours, register_api, settings):
    settings.PUBLIC_REGISTER_RETRIES = 0
    serve(register_api, ours.business_id, "error", status=500)
    response = fetch(staff, ours)
    assert response.status_code == 200
    assert "The trade register gave no answer (it is busy or out of order); nothing changed. Try again later." in (
        response.content.decode()
    )
    assert not PublicRegisterCheck.objects.exists()


def test_the_privacy_officer_can_fetch_too(client, ours, register_api):
    sign_in_verified(client, PrivacyOfficerFactory())
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    assert fetch(client, ours).status_code == 302


def test_a_user_who_may_only_view_companies_gets_no_fetch(client, ours, register_api):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_company"))
    sign_in_verified(client, user)
    assert client.get(page_url(ours)).status_code == 403
    assert fetch(client, ours).status_code == 403
    assert register_api.log == []


def test_a_flagged_company_page_says_the_relationship_is_for_staff_to_decide(staff):
    check = PublicRegisterCheckFactory(status=RegisterStatus.LIQUIDATION)
    page = staff.get(reverse("admin:customers_company_change", args=[check.company.pk])).content.decode()
    assert "In liquidation" in page
    assert "Decide whether the customer relationship has ended; nothing is ended automatically." in page


def test_the_review_lists_flagged_companies_whose_relationship_is_active(staff):
    flagged = PublicRegisterCheckFactory(status=RegisterStatus.BANKRUPTCY, company__name="Konkurssi Oy").company
    PublicRegisterCheckFactory(status=RegisterStatus.REGISTERED, company__name="Terve Oy")
    PublicRegisterCheckFactory(
        status=RegisterStatus.CEASED,
        company__name="Päättynyt Oy",
        company__relationship_end=datetime.date(2024, 12, 31),
    )
    response = staff.get(reverse("admin:customers_company_changelist"), {"register_status": "review"})
    page = response.content.decode()
    assert [c.pk for c in response.context["cl"].result_list] == [flagged.pk]
    assert "In bankruptcy" in page
    assert ATTRIBUTION in page


def test_the_company_list_without_the_review_filter_has_no_status_column_and_no_attribution(staff):
    PublicRegisterCheckFactory(status=RegisterStatus.BANKRUPTCY)
    page = staff.get(reverse("admin:customers_company_changelist")).content.decode()
    assert "field-register_status" not in page
    assert ATTRIBUTION not in page


def test_the_review_filter_and_the_fetch_page_are_in_finnish(staff, ours, register_api):
    serve(register_api, ours.business_id, answer(company(ours.business_id, companySituations=[situation("SELTILA")])))
    fetch(staff, ours)
    listing = staff.get(
        reverse("admin:customers_company_changelist"), {"register_status": "review"}, headers={"accept-language": "fi"}
    ).content.decode()
    assert "Kaupparekisterin tila" in listing  # the column of the review
    assert "Selvitystilassa" in listing
    page = staff.get(page_url(ours), headers={"accept-language": "fi"}).content.decode()
    assert "Hae kaupparekisteristä" in page
    assert "Lähde: Patentti- ja rekisterihallitus (PRH)" in page


def test_a_register_that_cannot_be_reached_is_told_in_finnish_without_codes(staff, ours, settings):
    settings.PUBLIC_REGISTER_API_URL = "http://127.0.0.1:9/v3"
    settings.PUBLIC_REGISTER_RETRIES = 0
    response = staff.post(
        page_url(ours), {"fetch": "1", "business_id": ours.business_id}, headers={"accept-language": "fi"}
    )
    page = response.content.decode()
    assert (
        "Kaupparekisteri ei vastannut (siihen ei saatu yhteyttä); mitään ei muutettu. Yritä myöhemmin uudelleen."
        in page
    )
    assert "ConnectError" not in page


def test_a_proposal_of_the_nightly_sync_is_accepted_by_a_person_as_actor(staff, ours, register_api, settings):
    settings.PUBLIC_REGISTER_SYNC_MODE = "propose"
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    call_command("sync_public_register", stdout=StringIO())
    change_page = staff.get(reverse("admin:customers_company_change", args=[ours.pk])).content.decode()
    assert "The trade register has 4 different details to review." in change_page
    accept(staff, ours, "name")
    assert LogEntry.objects.get_for_object(ours).get(action=LogEntry.Action.UPDATE).actor_email == staff.user.email
    assert Company.objects.get(pk=ours.pk).name == "Esimerkkivienti Oy"


def test_accepting_a_business_id_another_company_has_is_refused_and_changes_nothing(staff, register_api):
    CompanyFactory(business_id="0112038-9")
    ours = CompanyFactory(business_id="", name="Esimerkkivienti")
    serve(register_api, "0112038-9", answer(company("0112038-9")))
    fetch(staff, ours, business_id="0112038-9")
    response = accept(staff, ours, "business_id", "name")
    assert response.status_code == 200
    assert "Business ID: Another company already has the business ID “0112038-9”." in response.content.decode()
    ours.refresh_from_db()
    assert (ours.business_id, ours.name, ours.source) == ("", "Esimerkkivienti", Source.CUSTOMER_COMPANY)
