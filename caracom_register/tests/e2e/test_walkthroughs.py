"""A Privacy officer works each kind of request from intake to closing, and Staff add and find contacts,
in Finnish and in English; every step is a screenshot under e2e-screenshots/<test>-<language>/."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory
from caracom_register.tests.e2e.walkthrough import (
    act,
    complete,
    log_request,
    match_by_email,
    open_page,
    sign_in,
    submit_action,
    verify_identity,
)
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory, valid_business_id
from privacy.models import (
    Consent,
    ConsentState,
    DataSubjectRequest,
    NoticeStatus,
    PrivacyNoticeVersion,
    ProcessingRestriction,
    RequestStatus,
)
from privacy.tests.factories import NoticePurposeFactory, PrivacyNoticeVersionFactory, PublishedNoticeVersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["fi", "en"]


def finnish_day(day):
    # The form an officer types: no leading zeros.
    return f"{day.day}.{day.month}.{day.year}"


@pytest.fixture
def walk(browser, live_server, request, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    contexts = []

    def start(language, user):
        name = re.sub(r"\[.*\]$", "", request.node.name)
        context, browser_page = open_page(browser, live_server, language, f"{name}-{language}")
        contexts.append(context)
        sign_in(browser_page, user)
        assert browser_page.page.get_attribute("html", "lang") == language
        browser_page.screenshot("home")
        return browser_page

    yield start
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_privacy_officer_answers_an_access_request(walk, language):
    PublishedNoticeVersionFactory()
    ContactFactory(first_name="Maija", last_name="Meikäläinen", email="maija@asiakas.example")
    browser_page = walk(language, PrivacyOfficerFactory())
    page = browser_page.page

    pk = log_request(
        browser_page,
        request_type="access",
        name="Maija Meikäläinen",
        email="maija@asiakas.example",
        received_on=finnish_day(timezone.localdate()),
    )
    match_by_email(browser_page, "maija@asiakas.example")
    verify_identity(browser_page)
    act(browser_page, "export", "export")
    with page.expect_download() as download:
        page.click("#content-main form[method=post] .submit-row input[type=submit]")
    assert download.value.suggested_filename.endswith(".zip")
    page.goto(f"/admin/privacy/datasubjectrequest/{pk}/change/")
    browser_page.screenshot("exported")
    complete(browser_page, "Tiedot lähetetty sähköpostilla." if language == "fi" else "Data sent by email.")

    request = DataSubjectRequest.objects.get(pk=pk)
    assert request.status == RequestStatus.COMPLETED
    assert request.received_on == timezone.localdate()
    assert page.locator(".dsr-step-todo").count() == 0
    assert browser_page.problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_privacy_officer_erases_a_person_with_one_contact_under_a_hold(walk, language):
    free = ContactFactory(first_name="Eero", last_name="Esimerkki", email="eero@example.fi")
    held = ContactFactory(
        first_name="Eero",
        last_name="Esimerkki",
        email="eero@example.fi",
        company=CompanyFactory(name="Pidettävä Oy"),
        legal_hold_until=timezone.localdate() + datetime.timedelta(days=180),
        legal_hold_reason="Kirjanpitolaki 2:10",
    )
    browser_page = walk(language, PrivacyOfficerFactory())
    page = browser_page.page

    pk = log_request(
        browser_page,
        request_type="erasure",
        name="Eero Esimerkki",
        email="eero@example.fi",
        received_on=finnish_day(timezone.localdate()),
    )
    match_by_email(browser_page, "eero@example.fi")
    verify_identity(browser_page)
    act(browser_page, "erase", "erase")
    assert page.locator("#erasure-deleted").get_by_text(free.company.name).is_visible()
    assert page.locator("#erasure-kept").get_by_text("Kirjanpitolaki 2:10").is_visible()
    assert "destructive" in page.locator(".submit-row input[type=submit]").get_attribute("class")
    page.check("#id_confirm")
    submit_action(browser_page, "erase")

    assert not Contact.objects.filter(pk=free.pk).exists()
    assert Contact.objects.filter(pk=held.pk).exists()
    assert DataSubjectRequest.objects.get(pk=pk).status == RequestStatus.COMPLETED
    assert browser_page.problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_privacy_officer_restricts_processing(walk, language):
    contact = ContactFactory(first_name="Raili", last_name="Rajoitus", email="raili@example.fi")
    browser_page = walk(language, PrivacyOfficerFactory())
    page = browser_page.page

    pk = log_request(
        browser_page,
        request_type="restriction",
        name="Raili Rajoitus",
        email="raili@example.fi",
        received_on=finnish_day(timezone.localdate() - datetime.timedelta(days=3)),
    )
    match_by_email(browser_page, "raili@example.fi")
    verify_identity(browser_page)
    assert page.locator(".dsr-actions a[href$='/act/lift/']").count() == 0
    act(browser_page, "restrict", "restrict")
    page.select_option("#id_contact", str(contact.pk))
    page.fill("#id_reason", "Tietojen paikkansapitävyys kiistetty" if language == "fi" else "Accuracy contested")
    submit_action(browser_page, "restrict")
    assert page.locator(".dsr-actions a[href$='/act/lift/']").count() == 1
    complete(browser_page, "Käsittelyä rajoitettu." if language == "fi" else "Processing restricted.")

    assert ProcessingRestriction.objects.filter(contact=contact, lifted_at__isnull=True).exists()
    assert DataSubjectRequest.objects.get(pk=pk).status == RequestStatus.COMPLETED
    assert browser_page.problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_privacy_officer_records_an_objection_to_direct_marketing(walk, language):
    # Transactional tests empty the tables the data migration filled: a notice in force with the
    # refusable purpose is made again (drafted, then marked published, as published rows are frozen).
    notice = PrivacyNoticeVersionFactory()
    NoticePurposeFactory(
        version=notice,
        code="direct_marketing",
        title_fi="Suoramarkkinointi",
        title_en="Direct marketing",
        can_be_refused=True,
    )
    PrivacyNoticeVersion.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.PUBLISHED, effective_on=datetime.date(2026, 1, 1), published_at=timezone.now()
    )
    contact = ContactFactory(first_name="Olli", last_name="Oikeus", email="olli@example.fi")
    browser_page = walk(language, PrivacyOfficerFactory())
    page = browser_page.page

    pk = log_request(
        browser_page,
        request_type="objection",
        name="Olli Oikeus",
        email="olli@example.fi",
        received_on=finnish_day(timezone.localdate()),
    )
    match_by_email(browser_page, "olli@example.fi")
    act(browser_page, "consent", "objection")
    assert page.locator("#id_method").input_value() == ""
    page.select_option("#id_purpose", "direct_marketing")
    page.select_option("#id_method", "email")
    page.fill("#id_decided_on", finnish_day(timezone.localdate()))
    submit_action(browser_page, "objection")
    verify_identity(browser_page)
    assert page.locator(".dsr-actions a[href$='/act/export/']").count() == 0
    complete(browser_page, "Suoramarkkinointi lopetettu." if language == "fi" else "Direct marketing stopped.")

    assert Consent.objects.get(contact=contact).state == ConsentState.OBJECTED
    assert DataSubjectRequest.objects.get(pk=pk).status == RequestStatus.COMPLETED
    assert browser_page.problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_add_a_contact_and_find_it_from_the_home_page(walk, language):
    browser_page = walk(language, StaffUserFactory())
    page = browser_page.page

    page.goto("/admin/customers/company/add/")
    page.fill("#id_name", "Kalajoen Kala Oy")
    page.fill("#id_business_id", valid_business_id(4242))
    page.fill("#id_relationship_start", "1.12.2025")
    page.locator(".add-row a").first.click()
    page.fill("#id_contacts-0-first_name", "Aino")
    page.fill("#id_contacts-0-last_name", "Mäkelä")
    page.fill("#id_contacts-0-email", "aino.makela@kalajoenkala.example")
    page.fill("#id_contacts-0-phone", "045 639 3329")
    browser_page.screenshot("company-form")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/customers/company/$"))
    browser_page.screenshot("company-saved")
    page.goto("/admin/")
    page.fill("#home-contact-search", "Mäkelä")
    page.press("#home-contact-search", "Enter")
    page.wait_for_url(re.compile(r"/admin/customers/contact/\?q="))
    browser_page.screenshot("contact-search")

    assert page.locator("#result_list").get_by_text("aino.makela@kalajoenkala.example").is_visible()
    company = Company.objects.get(name="Kalajoen Kala Oy")
    assert company.relationship_start == datetime.date(2025, 12, 1)
    assert company.contacts.get().phone == "+358456393329"
    assert browser_page.problems == []
