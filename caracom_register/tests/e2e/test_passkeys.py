"""A passkey ceremony in Chromium, with a virtual authenticator instead of a fingerprint reader.

Chrome's DevTools protocol (WebAuthn.enable, WebAuthn.addVirtualAuthenticator)
gives the page an authenticator that creates and uses real keys and answers
"user verified" without a person; the server checks the signatures as it would
a phone's or a security key's. Screenshots go to e2e-screenshots/passkeys/<language>/.
"""

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from accounts.tests.factories import TEST_PASSWORD, StaffUserFactory
from audit.models import SecurityEvent
from caracom_register.tests.e2e.conftest import SCREENSHOTS, BrowserPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("en-GB", "en"), ("fi-FI", "fi")]


def add_virtual_authenticator(page):
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


def sign_in_with_password(page, email):
    page.goto("/admin/")
    page.fill("#id_username", email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")


@pytest.mark.parametrize(("locale", "lang"), LANGUAGES)
def test_a_user_registers_a_passkey_signs_out_and_signs_in_with_password_and_passkey(
    browser, live_server, settings, locale, lang
):
    # The live server speaks plain HTTP on a random port of localhost (a secure context for the browser).
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    assert live_server.url.startswith("http://localhost:")
    user = StaffUserFactory()
    context = browser.new_context(base_url=live_server.url, locale=locale)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        browser_page = BrowserPage(page, SCREENSHOTS / "passkeys" / lang)
        add_virtual_authenticator(page)

        sign_in_with_password(page, user.email)
        page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
        page.locator("#passkey-register-button").wait_for()
        browser_page.screenshot("setup-offers-a-passkey")
        page.click("#passkey-register-button")
        page.locator("#recovery-codes").wait_for()
        browser_page.screenshot("passkey-saved-recovery-codes")
        assert page.locator("#recovery-codes li").count() == 10
        page.click("#recovery-codes-continue")
        page.wait_for_url(re.compile(r"/admin/$"))
        page.click("#sign-in-security-link")
        page.wait_for_url(re.compile(r"/accounts/security/"))
        assert page.locator("#passkeys tbody tr").count() == 1
        browser_page.screenshot("security-page")
        page.click("#logout-form button")
        page.wait_for_url(re.compile(r"/admin/logout/"))

        sign_in_with_password(page, user.email)
        page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
        page.locator("#passkey-verification-button").wait_for()
        browser_page.screenshot("verify-with-passkey")
        page.click("#passkey-verification-button")
        page.wait_for_url(re.compile(r"/admin/$"))
        browser_page.screenshot("signed-in-with-passkey")

        assert page.get_attribute("html", "lang") == lang
        assert WebAuthnCredential.objects.filter(user=user).count() == 1
        events = SecurityEvent.objects.filter(user=user, factor=SecurityEvent.Factor.PASSKEY)
        # Added and verified at setup, verified again at the second sign-in.
        assert list(events.order_by("pk").values_list("kind", flat=True)) == [
            SecurityEvent.Kind.SECOND_FACTOR_ADDED,
            SecurityEvent.Kind.SECOND_FACTOR_VERIFIED,
            SecurityEvent.Kind.SECOND_FACTOR_VERIFIED,
        ]
        assert browser_page.problems == []
    finally:
        context.close()
