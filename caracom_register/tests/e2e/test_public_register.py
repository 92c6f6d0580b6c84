"""A staff member fetches a company's details from the trade register and accepts them, in Finnish and English.

The trade register is a real HTTP server on localhost (pytest-httpserver) serving a recorded-shape answer.
Screenshots: e2e-screenshots/public-register/<language>/.
"""

import re

import pytest

from accounts.tests.factories import StaffUserFactory
from caracom_register.tests.e2e.conftest import SCREENSHOTS, BrowserPage
from caracom_register.tests.e2e.test_main_flows import sign_in_with_code
from customers.models import Company, Source
from customers.tests.factories import CompanyFactory
from customers.tests.public_register.ytj import API_PATH, answer, company, serve, situation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "en": {
        "fetch": "Fetch from the trade register",
        "saved": "The details you chose were saved from the trade register.",
        "status": "In liquidation since",
    },
    "fi": {
        "fetch": "Hae kaupparekisteristä",
        "saved": "Valitsemasi kaupparekisterin tiedot tallennettiin.",
        "status": "Selvitystilassa",
    },
}


@pytest.mark.parametrize(("locale", "lang"), [("en-GB", "en"), ("fi-FI", "fi")])
def test_staff_fetch_a_companys_details_from_the_trade_register_and_accept_them(
    browser, live_server, httpserver, settings, locale, lang
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.PUBLIC_REGISTER_API_URL = httpserver.url_for(API_PATH)
    ours = CompanyFactory(
        name="Vanha Esimerkki Oy",
        business_id="0112038-9",
        street_address="Vanhatie 1",
        postal_code="00100",
        city="Helsinki",
    )
    serve(httpserver, "0112038-9", answer(company("0112038-9", companySituations=[situation("SELTILA")])))
    context = browser.new_context(base_url=live_server.url, locale=locale)
    try:
        browser_page = BrowserPage(context.new_page(), SCREENSHOTS / "public-register" / lang)
        page = browser_page.page
        page.set_default_timeout(15_000)
        sign_in_with_code(browser_page, StaffUserFactory())

        page.goto(f"/admin/customers/company/{ours.pk}/change/")
        browser_page.screenshot("company-page-before")
        page.get_by_role("link", name=TEXTS[lang]["fetch"]).click()
        page.wait_for_url(re.compile(r"/trade-register/$"))
        assert page.input_value("#id_business_id") == "0112038-9"
        page.click("input[name=fetch]")
        page.wait_for_selector("#public-register-accept")
        browser_page.screenshot("comparison")
        page.check("#accept-name")
        page.check("#accept-street_address")
        page.check("#accept-postal_code")
        page.check("#accept-city")
        page.click("input[name=accept]")
        page.wait_for_url(re.compile(rf"/admin/customers/company/{ours.pk}/change/$"))
        browser_page.screenshot("accepted")

        assert TEXTS[lang]["saved"] in page.inner_text(".messagelist")
        assert page.locator("#public-register-panel.public-register-flagged").is_visible()
        page.goto("/admin/customers/company/?register_status=review")
        browser_page.screenshot("relationship-review")
        assert page.locator("#result_list tbody tr").count() == 1
        assert page.locator("#result_list td.field-register_status").inner_text().startswith(TEXTS[lang]["status"])
        ours.refresh_from_db()
        assert (ours.name, ours.street_address, ours.postal_code, ours.city, ours.source) == (
            "Esimerkkivienti Oy",
            "Kalakuja 2-4 B 105",
            "85100",
            "Kalajoki",
            Source.PUBLIC_REGISTER,
        )
        assert Company.objects.count() == 1
        assert browser_page.problems == []
    finally:
        context.close()
