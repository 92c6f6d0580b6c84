"""A Privacy officer answers a request with a letter in a real browser: write, preview, send."""

import re

import pytest

from accounts.tests.factories import PrivacyOfficerFactory
from caracom_register.tests.e2e.test_main_flows import sign_in_with_code
from privacy.models import Letter, LetterStatus
from privacy.tests.factories import RefusedRequestFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_officer_previews_and_sends_a_refusal_letter(browser_page):
    request = RefusedRequestFactory(requester_name="Åsa Järvinen-Öhman")
    page = browser_page.page
    sign_in_with_code(browser_page, PrivacyOfficerFactory())

    page.goto(f"/admin/privacy/datasubjectrequest/{request.pk}/change/")
    browser_page.screenshot("request-page-letters")
    page.click("#letters a.button")
    page.select_option("#id_kind", "refusal")
    browser_page.screenshot("write-a-letter")
    page.click("input[type=submit]")
    page.wait_for_selector(".preview-bar")
    browser_page.screenshot("preview")
    assert page.get_by_role("heading", name="Emme voi toteuttaa pyyntöäsi").is_visible()
    page.click(".preview-bar button[type=submit]")
    page.wait_for_url(re.compile(rf"/datasubjectrequest/{request.pk}/change/"))
    browser_page.screenshot("letter-sent")

    letter = Letter.objects.get(request=request)
    assert letter.status == LetterStatus.SENT
    assert page.locator("#letters").get_by_role("cell", name="Sent", exact=True).is_visible()
    assert browser_page.problems == []
