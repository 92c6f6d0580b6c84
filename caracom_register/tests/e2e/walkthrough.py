"""Helpers for the walk-throughs: a signed-in browser in one language, and the request page's steps."""

import re
from pathlib import Path

from accounts.tests.factories import TOTPDeviceFactory, current_totp
from caracom_register.tests.e2e.conftest import SCREENSHOTS, BrowserPage

LOCALES = {"fi": "fi-FI", "en": "en-GB"}


def open_page(browser, live_server, language, folder):
    context = browser.new_context(
        base_url=live_server.url, locale=LOCALES[language], viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, BrowserPage(page, SCREENSHOTS / folder)


def sign_in(browser_page, user):
    device = TOTPDeviceFactory(user=user)
    page = browser_page.page
    page.goto("/admin/")
    page.fill("#id_username", user.email.upper())
    page.fill("#id_password", "correct-horse-battery-staple-42")
    page.click("#login-form input[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("#id_token", current_totp(device))
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def log_request(browser_page, *, request_type, name, email, received_on):
    """From the home page: log a new request with a date typed the Finnish way; lands on its page."""
    page = browser_page.page
    page.click("#dsr-summary a[href$='/datasubjectrequest/add/']")
    page.select_option("#id_request_type", request_type)
    page.select_option("#id_channel", "email")
    page.fill("#id_received_on", received_on)
    page.fill("#id_requester_name", name)
    page.fill("#id_requester_email", email)
    page.select_option("#id_response_language", "fi")
    browser_page.screenshot("intake-form")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/datasubjectrequest/\d+/change/"))
    browser_page.screenshot("request-logged")
    return int(re.search(r"/datasubjectrequest/(\d+)/change/", page.url).group(1))


def match_by_email(browser_page, email, pick=None):
    """Open the lookup from the request page, search, tick the people and match them."""
    page = browser_page.page
    page.click("a[href*='/datasubjectrequest/lookup/']")
    page.wait_for_url(re.compile(r"/lookup/"))
    page.fill("#id_email", email)
    page.click("#content-main form input[type=submit]")
    page.wait_for_load_state()
    browser_page.screenshot("lookup-results")
    boxes = page.locator("input[name=contact]:not([disabled])")
    for i in range(boxes.count()):
        if pick is None or boxes.nth(i).get_attribute("value") in pick:
            boxes.nth(i).check()
    # Both the search and the match are posted forms: the match is the one whose step says so.
    page.click("form:has(input[name=step][value=match]) input[type=submit]")
    page.wait_for_url(re.compile(r"/datasubjectrequest/\d+/change/"))
    browser_page.screenshot("matched")


def act(browser_page, action, name):
    page = browser_page.page
    page.click(f".dsr-actions a[href$='/act/{action}/']")
    page.wait_for_url(re.compile(rf"/act/{action}/"))
    browser_page.screenshot(f"{name}-form")


def submit_action(browser_page, name):
    page = browser_page.page
    page.click("#content-main form[method=post] .submit-row input[type=submit]")
    page.wait_for_url(re.compile(r"/datasubjectrequest/\d+/change/"))
    assert page.locator(".messagelist .success").count() == 1, page.content()[:2000]
    browser_page.screenshot(f"{name}-done")


def verify_identity(browser_page):
    act(browser_page, "verify", "verify")
    browser_page.page.select_option("#id_verification_method", "registered_email")
    submit_action(browser_page, "verify")


def complete(browser_page, outcome):
    act(browser_page, "complete", "complete")
    browser_page.page.fill("#id_outcome", outcome)
    submit_action(browser_page, "complete")


def screenshots_of(folder):
    return sorted(Path(SCREENSHOTS / folder).glob("*.png"))
