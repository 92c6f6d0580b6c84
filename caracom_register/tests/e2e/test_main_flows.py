"""The main flows of the register in a real browser, screenshots in e2e-screenshots/."""

import base64
import re

import pytest
from django_otp.oath import totp

from accounts.tests.factories import (
    TEST_PASSWORD,
    PrivacyOfficerFactory,
    StaffUserFactory,
    TOTPDeviceFactory,
    current_totp,
)
from caracom_register.tests.e2e.conftest import SCREENSHOTS, BrowserPage
from customers.models import Company
from customers.tests.factories import valid_business_id
from privacy.tests.factories import PublishedNoticeVersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in_with_password(browser_page, email, password=TEST_PASSWORD):
    page = browser_page.page
    page.goto("/admin/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def sign_in_with_code(browser_page, user):
    device = TOTPDeviceFactory(user=user)
    sign_in_with_password(browser_page, user.email)
    page = browser_page.page
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("#id_token", current_totp(device))
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_a_new_user_sets_up_two_factor_sign_in_and_signs_out(browser_page):
    user = StaffUserFactory()
    page = browser_page.page

    sign_in_with_password(browser_page, user.email)
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    assert page.locator(".two-factor-qr svg").is_visible()
    browser_page.screenshot("setup-with-qr-code")
    secret = page.inner_text("#totp-secret").replace(" ", "")
    code = totp(base64.b32decode(secret), step=30, t0=0, digits=6)
    page.fill("#id_token", f"{code:06d}")
    page.click("input[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    browser_page.screenshot("recovery-codes")
    page.click("#recovery-codes-continue")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.locator("#site-name").is_visible()
    browser_page.screenshot("admin-index")
    page.click("#logout-form button")
    page.wait_for_url(re.compile(r"/admin/logout/"))
    browser_page.screenshot("signed-out")
    page.goto("/admin/")

    assert re.search(r"/admin/login/", page.url)
    assert browser_page.problems == []


def test_staff_add_a_company_with_a_contact_and_find_it_by_search(browser_page):
    user = StaffUserFactory()
    page = browser_page.page
    sign_in_with_code(browser_page, user)

    page.goto("/admin/customers/company/add/")
    page.fill("#id_name", "Kalajoen Kala Oy")
    page.fill("#id_business_id", valid_business_id(4242))
    page.get_by_text("Add another contact person").click()
    page.fill("#id_contacts-0-first_name", "Aino")
    page.fill("#id_contacts-0-last_name", "Mäkelä")
    page.fill("#id_contacts-0-email", "aino.makela@kalajoenkala.example")
    page.fill("#id_contacts-0-phone", "045 639 3329")
    browser_page.screenshot("company-form")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/customers/company/$"))
    browser_page.screenshot("company-saved")
    page.fill("#searchbar", "Kalajoen")
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r"q=Kalajoen"))
    browser_page.screenshot("search-result")

    assert page.locator("#result_list").get_by_text("Kalajoen Kala Oy").is_visible()
    company = Company.objects.get(name="Kalajoen Kala Oy")
    assert company.contacts.get().phone == "+358456393329"
    assert browser_page.problems == []


def test_privacy_officer_sees_a_companys_history_in_the_audit_log(browser_page):
    from customers import services

    company = services.company_create(name="Historian Oy", relationship_start="2024-01-01")
    from audit.context import system_actor

    with system_actor("e2e-editor"):
        services.company_update(company=company, city="Kalajoki")
    page = browser_page.page
    sign_in_with_code(browser_page, PrivacyOfficerFactory())

    page.goto(f"/admin/customers/company/{company.pk}/change/")
    page.click("a.auditlink")
    page.wait_for_url(re.compile(r"/admin/auditlog/logentry/"))
    browser_page.screenshot("company-history")
    rows = page.locator("#result_list tbody tr")

    assert rows.count() == 2
    assert page.locator("#result_list").get_by_text("e2e-editor@system.local").is_visible()
    assert browser_page.problems == []


def test_staff_are_denied_the_audit_log(browser_page):
    page = browser_page.page
    sign_in_with_code(browser_page, StaffUserFactory())

    response = page.goto("/admin/auditlog/logentry/")
    browser_page.screenshot("audit-log-denied")

    assert response.status == 403
    assert browser_page.problems == []


def test_five_wrong_passwords_lock_the_sign_in(browser_page):
    user = StaffUserFactory()
    page = browser_page.page

    for _ in range(4):
        sign_in_with_password(browser_page, user.email, "not-my-password-1")
        assert page.locator(".errornote").is_visible()
    sign_in_with_password(browser_page, user.email, "not-my-password-1")
    browser_page.screenshot("locked-out")
    locked_text = page.inner_text("#lockout-message")
    sign_in_with_password(browser_page, user.email)

    assert "locked after 5 failed attempts" in locked_text
    assert "Signing in is locked" in page.inner_text("#lockout-message")
    assert browser_page.problems == []


@pytest.mark.parametrize(("locale", "lang"), [("en-GB", "en"), ("fi-FI", "fi")])
def test_the_public_privacy_page_shows_in_both_languages_within_the_policy(browser, live_server, locale, lang):
    # Transactional tests empty the tables, so the notice the data migration
    # creates is made again here.
    PublishedNoticeVersionFactory()
    context = browser.new_context(base_url=live_server.url, locale=locale)
    try:
        browser_page = BrowserPage(context.new_page(), SCREENSHOTS / f"privacy-page-{lang}")
        response = browser_page.page.goto("/privacy/")
        browser_page.screenshot("privacy-notice")

        assert response.status == 200
        assert browser_page.page.get_attribute("html", "lang") == lang
        assert browser_page.page.locator("h1").count() >= 1
        assert browser_page.problems == []
    finally:
        context.close()
