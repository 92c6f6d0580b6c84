"""axe-core over the main pages, in Finnish and in English: no critical or serious violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.tests.factories import PrivacyOfficerFactory
from caracom_register.tests.e2e.walkthrough import open_page, sign_in
from customers.tests.factories import ContactFactory
from privacy.models import RequestType
from privacy.tests.factories import PublishedNoticeVersionFactory, VerifiedRequestFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = {"critical", "serious"}


def blocking_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_signed_out_pages_have_no_serious_accessibility_violation(browser, live_server, settings, language):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    PublishedNoticeVersionFactory()
    context, browser_page = open_page(browser, live_server, language, f"axe-signed-out-{language}")
    try:
        found = {}
        for path in ("/admin/login/", "/admin/password-reset/", "/privacy/", "/privacy/v/99/"):
            browser_page.page.goto(path)
            browser_page.screenshot(path.strip("/").replace("/", "-"))
            found[path] = blocking_violations(browser_page.page)

        bad = {path: v for path, v in found.items() if v}
        assert bad == {}, "\n".join(f"{path}: {v}" for path, v in bad.items())
    finally:
        context.close()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_privacy_officers_pages_have_no_serious_accessibility_violation(browser, live_server, settings, language):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    contact = ContactFactory(first_name="Maija", last_name="Meikäläinen", email="maija@example.fi")
    erasure = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    restriction = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    context, browser_page = open_page(browser, live_server, language, f"axe-privacy-officer-{language}")
    try:
        sign_in(browser_page, PrivacyOfficerFactory())
        pages = [
            "/admin/",
            "/admin/customers/contact/",
            f"/admin/customers/contact/{contact.pk}/change/",
            f"/admin/customers/company/{contact.company_id}/change/",
            "/admin/customers/company/add/",
            "/admin/privacy/datasubjectrequest/",
            "/admin/privacy/datasubjectrequest/add/",
            f"/admin/privacy/datasubjectrequest/{erasure.pk}/change/",
            f"/admin/privacy/datasubjectrequest/{erasure.pk}/act/erase/",
            f"/admin/privacy/datasubjectrequest/{restriction.pk}/act/restrict/",
            f"/admin/privacy/datasubjectrequest/lookup/?request={erasure.pk}&email=maija@example.fi",
            "/admin/privacy/purgerun/review/",
            "/admin/auditlog/logentry/",
            "/admin/accounts/user/",
        ]
        found = {}
        for path in pages:
            browser_page.page.goto(path)
            browser_page.screenshot(path.strip("/").split("?")[0].replace("/", "-") or "home")
            found[path] = blocking_violations(browser_page.page)

        bad = {path: v for path, v in found.items() if v}
        assert bad == {}, "\n".join(f"{path}: {v}" for path, v in bad.items())
    finally:
        context.close()
